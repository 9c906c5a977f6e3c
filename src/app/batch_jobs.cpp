#include "app/batch_jobs.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "app/edit_run.hpp"
#include "app/job_account.hpp"
#include "core/journal/restore_request.hpp"

namespace plm::app {

using core::ErrorCode;
using core::ItemOutcome;
using Json = nlohmann::json;

namespace {

constexpr int kPayloadVersion = 1;
constexpr int kCheckpointVersion = 1;

/// A batch resumes from its checkpoint at every attempt (settled entries are skipped), so an
/// attempt that fails costs only the entry in flight. Five attempts, the default, are too few for
/// a batch over hundreds of playlists through a storm of 429s or a Spotify outage: it would fail
/// for good with most playlists still Pending, although each retry makes progress.
constexpr int kBatchMaxAttempts = 20;

template <typename T>
std::optional<T> optional_from(const Json& json, const char* key) {
  if (!json.contains(key) || json.at(key).is_null()) return std::nullopt;
  return json.at(key).get<T>();
}

template <typename T>
Json optional_json(const std::optional<T>& value) {
  return value ? Json(*value) : Json(nullptr);
}

// ---- The checkpoint --------------------------------------------------------------------------

/// The entry in flight: its index, its own edit checkpoint (what an edit_playlist job saves),
/// the Spotify calls it made in earlier attempts, and for an undo the edit resolved when the
/// entry started (resolving it again would see the entry's own "changed outside" versions).
struct BatchCheckpoint {
  std::size_t entry = 0;
  std::string playlist_id;
  std::string edit_checkpoint;
  std::int64_t calls = 0;
  std::optional<EditJob> resolved;
};

std::string encode_checkpoint(const BatchCheckpoint& checkpoint) {
  return Json{{"version", kCheckpointVersion},
              {"entry", checkpoint.entry},
              {"playlist_id", checkpoint.playlist_id},
              {"edit", checkpoint.edit_checkpoint},
              {"calls", checkpoint.calls},
              {"resolved", checkpoint.resolved ? edit_job_json(*checkpoint.resolved) : Json()}}
      .dump();
}

/// nullopt for none (the first attempt) or one this version did not write (the entry starts
/// over: its edit confirms the snapshot first, so nothing is sent twice).
std::optional<BatchCheckpoint> decode_checkpoint(const std::string& text) {
  if (text.empty()) return std::nullopt;
  const Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || json.value("version", 0) != kCheckpointVersion) return std::nullopt;
  try {
    BatchCheckpoint checkpoint;
    checkpoint.entry = json.at("entry").get<std::size_t>();
    checkpoint.playlist_id = json.at("playlist_id").get<std::string>();
    checkpoint.edit_checkpoint = json.at("edit").get<std::string>();
    checkpoint.calls = json.at("calls").get<std::int64_t>();
    if (!json.at("resolved").is_null()) {
      auto resolved = edit_job_from(json.at("resolved"));
      if (!resolved) return std::nullopt;
      checkpoint.resolved = std::move(*resolved);
    }
    return checkpoint;
  } catch (const Json::exception&) {
    return std::nullopt;
  }
}

core::ApiCounters plus(const core::ApiCounters& a, const core::ApiCounters& b) {
  return core::ApiCounters{a.calls + b.calls,
                           a.retries + b.retries,
                           a.rate_limited + b.rate_limited,
                           a.paced_waits + b.paced_waits,
                           a.waited_ms + b.waited_ms,
                           a.check_reads + b.check_reads};
}

std::string in_quotes(const std::string& name) { return "\u201c" + name + "\u201d"; }

std::string counted(std::int64_t count, const std::string& one, const std::string& many) {
  return std::to_string(count) + " " + (count == 1 ? one : many);
}

// ---- The run ---------------------------------------------------------------------------------

/// One attempt of a batch_edit job.
class BatchRun {
 public:
  BatchRun(const EditJobDeps& deps, JobContext& context, core::SpotifyAccount account,
           core::SpotifyApi& spotify, BatchJob batch)
      : deps_(deps),
        context_(context),
        account_(std::move(account)),
        spotify_(spotify),
        batch_(std::move(batch)) {}

  JobResult run() {
    for (const auto& item : context_.earlier_items()) outcomes_[item.key] = item.outcome;
    record_initial_items();
    const auto resumed = decode_checkpoint(context_.job().checkpoint);
    for (std::size_t index = 0; index < batch_.entries.size(); ++index) {
      if (stopping()) return JobResult::stopped();
      const auto& entry = batch_.entries[index];
      if (outcome_of(entry) != ItemOutcome::Pending) continue;
      auto checkpoint =
          resumed && resumed->entry == index && resumed->playlist_id == entry.playlist_id
              ? *resumed
              : BatchCheckpoint{index, entry.playlist_id, "", 0, std::nullopt};
      auto result = run_entry(index, std::move(checkpoint));
      if (result.kind != JobResult::Kind::Succeeded) return result;
    }
    const auto message = final_message();
    context_.report(progress_now(message), "");
    return JobResult::succeeded(message);
  }

 private:
  /// The entries no earlier attempt recorded: Pending for those the job runs, and what the plan
  /// settled for the others.
  void record_initial_items() {
    for (const auto& entry : batch_.entries) {
      if (outcomes_.contains(entry.playlist_id)) continue;
      record(core::JobItemResult{entry.playlist_id, entry.label, entry.outcome, std::nullopt,
                                 entry.reason});
    }
  }

  /// Runs one entry to its end. Succeeded also when the entry failed or conflicted (its result
  /// says so); Failed with an error that concerns every playlist; Stopped.
  JobResult run_entry(std::size_t index, BatchCheckpoint checkpoint) {
    const auto& entry = batch_.entries[index];
    if (!checkpoint.resolved) {
      auto resolved = resolve(entry);
      if (!resolved) return settle_error(entry, resolved.error());
      checkpoint.resolved = std::move(*resolved);
    }
    EntryContext entry_context(*this, index, checkpoint);
    // The entry's start is saved at once: an undo's resolved edit must survive a crash.
    entry_context.save_checkpoint();
    auto edit = *checkpoint.resolved;
    const auto uncatalogued = with_known_tracks(edit.request);
    auto ran = run_one_edit(deps_, entry_context, account_, spotify_, std::move(edit));
    finished_counters_ = plus(finished_counters_, entry_context.counters());
    switch (ran.result.kind) {
      case JobResult::Kind::Stopped:
        return ran.result;
      case JobResult::Kind::Succeeded:
        if (!uncatalogued.empty()) learn_tracks(entry.playlist_id, uncatalogued);
        if (!ran.changed) {
          record(core::JobItemResult{entry.playlist_id, entry.label, ItemOutcome::Unchanged,
                                     std::nullopt, "nothing left to send"});
        }
        break;
      case JobResult::Kind::Failed:
        if (stopping()) return JobResult::stopped();
        return settle_error(entry, *ran.result.error);
    }
    context_.report(progress_now(""));
    return JobResult::succeeded("");
  }

  /// An error of one entry: recorded for it, and the batch goes on; an error that concerns every
  /// playlist (the account must be connected again, rate limits past the client's waits, Spotify
  /// down) fails the attempt with the entry still Pending, to run again when the job resumes.
  JobResult settle_error(const BatchEntry& entry, const core::Error& error) {
    if (error.retryable() || error.code == ErrorCode::NeedsReauth) {
      // The edit recorded a NeedsReauth as the playlist's failure: it is not, the entry waits.
      if (outcome_of(entry) != ItemOutcome::Pending) {
        record(core::JobItemResult{entry.playlist_id, entry.label, ItemOutcome::Pending,
                                   std::nullopt, ""});
      }
      return JobResult::failed(error);
    }
    const auto outcome =
        error.code == ErrorCode::Conflict ? ItemOutcome::Conflict : ItemOutcome::Failed;
    record(core::JobItemResult{entry.playlist_id, entry.label, outcome, error, ""});
    return JobResult::succeeded("");
  }

  /// An add: adds to `request.tracks` the catalog data an earlier entry learned for its URIs; the
  /// URIs still without it. The edit looks those up (one call each), so without this a batch
  /// adding a track plm holds no data for would look it up once per playlist instead of once.
  /// (Other kinds add no URIs the playlist did not hold, or hold whole lists: not worth keeping.)
  std::set<std::string> with_known_tracks(core::EditRequest& request) const {
    if (request.kind != core::EditRequest::Kind::Add) return {};
    std::set<std::string> missing(request.uris.begin(), request.uris.end());
    for (const auto& track : request.tracks) missing.erase(track.uri);
    for (auto uri = missing.begin(); uri != missing.end();) {
      const auto known = catalog_.find(*uri);
      if (known == catalog_.end()) {
        ++uri;
        continue;
      }
      request.tracks.push_back(known->second);
      uri = missing.erase(uri);
    }
    return missing;
  }

  /// The catalog data the entry's edit stored for `uris` (what it looked up), for later entries.
  /// A store read, made only while some URI of the batch lacks catalog data.
  void learn_tracks(const std::string& playlist_id, const std::set<std::string>& uris) {
    auto items = deps_.playlists.playlist_items(account_.id, playlist_id);
    if (!items) return;  // only a saving of calls: the next entry looks them up itself
    for (const auto& item : *items) {
      if (item.track && uris.contains(item.uri)) catalog_.emplace(item.uri, *item.track);
    }
  }

  /// The edit an entry runs: its own, or for an undo the restore of the version before the one
  /// the undone batch recorded, built now from the journal (Conflict when the playlist changed
  /// since).
  core::Result<EditJob> resolve(const BatchEntry& entry) {
    if (!entry.undo_version) return entry.edit;
    auto stored = deps_.playlists.find_playlist(account_.id, entry.playlist_id);
    if (!stored) return stored.error();
    if (!*stored) {
      return core::make_error(ErrorCode::NotFound,
                              "playlist " + entry.playlist_id + " is no longer stored");
    }
    auto request = core::undo_request(deps_.journal, account_.id, entry.playlist_id,
                                      *entry.undo_version, core::details_of((*stored)->summary));
    if (!request) {
      if (request.error().code != ErrorCode::Conflict) return request.error();
      return core::make_error(
          ErrorCode::Conflict,
          "changed since the batch: restore it from its history (" + request.error().message + ")");
    }
    auto version = deps_.journal.find_version(account_.id, entry.playlist_id, *entry.undo_version);
    if (!version) return version.error();
    if (!*version) {
      return core::make_error(
          ErrorCode::NotFound,
          "version " + std::to_string(*entry.undo_version) + " is no longer in the journal");
    }
    EditJob edit = entry.edit;
    edit.request = std::move(*request);
    edit.planned_snapshot = (*version)->snapshot_id;
    edit.planned_version = *entry.undo_version;
    return edit;
  }

  /// What the edit of one entry sees of the job: the batch job narrowed to the entry's playlist
  /// and edit checkpoint. What it reports becomes the batch's progress and checkpoint.
  class EntryContext final : public JobContext {
   public:
    EntryContext(BatchRun& run, std::size_t index, BatchCheckpoint& checkpoint)
        : run_(run), index_(index), checkpoint_(checkpoint), job_(run.context_.job()) {
      job_.playlist_id = checkpoint.playlist_id;
      job_.checkpoint = checkpoint.edit_checkpoint;
      job_.api = core::ApiCounters{};
      job_.api.calls = checkpoint.calls;
    }

    const core::Job& job() const override { return job_; }
    const std::vector<core::JobItemResult>& earlier_items() const override { return none_; }
    std::stop_token stop_token() const override { return run_.context_.stop_token(); }
    void report(const core::JobProgress&, std::optional<std::string> checkpoint) override {
      if (!checkpoint) {
        run_.context_.report(progress());
        return;
      }
      checkpoint_.edit_checkpoint = std::move(*checkpoint);
      save_checkpoint();
    }
    void record_item(const core::JobItemResult& item) override {
      auto named = item;
      if (named.label.empty() || named.label == named.key) named.label = entry().label;
      run_.record(named);
    }
    void count_api(const core::ApiCounters& this_attempt) override {
      counters_ = this_attempt;
      run_.context_.count_api(plus(run_.finished_counters_, counters_));
    }

    void save_checkpoint() {
      auto saved = checkpoint_;
      saved.calls += counters_.calls;
      run_.context_.report(progress(), encode_checkpoint(saved));
    }
    const core::ApiCounters& counters() const { return counters_; }

   private:
    const BatchEntry& entry() const { return run_.batch_.entries[index_]; }
    core::JobProgress progress() const {
      return run_.progress_now("editing " + in_quotes(entry().label) + " (" +
                               std::to_string(index_ + 1) + " of " +
                               std::to_string(run_.batch_.entries.size()) + ")");
    }

    BatchRun& run_;
    std::size_t index_;
    BatchCheckpoint& checkpoint_;
    core::Job job_;
    core::ApiCounters counters_;
    const std::vector<core::JobItemResult> none_;
  };

  void record(const core::JobItemResult& item) {
    outcomes_[item.key] = item.outcome;
    context_.record_item(item);
  }

  ItemOutcome outcome_of(const BatchEntry& entry) const {
    const auto found = outcomes_.find(entry.playlist_id);
    return found == outcomes_.end() ? ItemOutcome::Pending : found->second;
  }

  core::JobProgress progress_now(std::string message) const {
    std::int64_t settled = 0;
    for (const auto& entry : batch_.entries) {
      if (outcome_of(entry) != ItemOutcome::Pending) ++settled;
    }
    return core::JobProgress{settled, static_cast<std::int64_t>(batch_.entries.size()),
                             core::ProgressUnit::Playlists, std::move(message)};
  }

  /// "37 changed, 3 unchanged, 1 conflict, 0 failed" (", 2 skipped" when the plan refused some).
  std::string final_message() const {
    std::map<ItemOutcome, std::int64_t> counts;
    for (const auto& entry : batch_.entries) ++counts[outcome_of(entry)];
    auto message = std::to_string(counts[ItemOutcome::Done]) + " changed, " +
                   std::to_string(counts[ItemOutcome::Unchanged]) + " unchanged, " +
                   counted(counts[ItemOutcome::Conflict], "conflict", "conflicts") + ", " +
                   std::to_string(counts[ItemOutcome::Failed]) + " failed";
    if (counts[ItemOutcome::Skipped] > 0) {
      message += ", " + std::to_string(counts[ItemOutcome::Skipped]) + " skipped";
    }
    return message;
  }

  bool stopping() const { return context_.stop_token().stop_requested(); }

  const EditJobDeps& deps_;
  JobContext& context_;
  core::SpotifyAccount account_;
  core::SpotifyApi& spotify_;
  BatchJob batch_;
  std::map<std::string, ItemOutcome, std::less<>> outcomes_;  ///< by playlist id
  core::ApiCounters finished_counters_;  ///< calls of the entries this attempt finished
  /// Catalog data of URIs the batch adds that its requests did not carry, learned from entries
  /// that looked them up (by URI).
  std::map<std::string, core::TrackInfo, std::less<>> catalog_;
};

JobResult run_batch(const EditJobDeps& deps, JobContext& context) {
  const core::Job& job = context.job();
  auto batch = decode_batch_payload(job.payload);
  if (!batch) return JobResult::failed(batch.error());
  auto account = account_for_job(deps.accounts, job, "edit");
  if (!account) return JobResult::failed(account.error());
  const auto spotify = deps.spotify_for(*account);
  return BatchRun(deps, context, *account, *spotify, std::move(*batch)).run();
}

}  // namespace

std::string encode_batch_payload(const BatchJob& batch) {
  // Entries share their edits: the edit JSON without what differs per playlist (the planned
  // snapshot and version) is stored once in "edits" and named by index, so a batch that adds one
  // track to 2,000 playlists holds that request once, not 2,000 times.
  Json edits = Json::array();
  std::map<std::string, std::size_t, std::less<>> edit_index;
  Json entries = Json::array();
  for (const auto& entry : batch.entries) {
    Json edit = edit_job_json(entry.edit);
    Json planned_snapshot = std::move(edit.at("planned_snapshot"));
    Json planned_version = std::move(edit.at("planned_version"));
    edit.erase("planned_snapshot");
    edit.erase("planned_version");
    auto [shared, added] = edit_index.try_emplace(edit.dump(), edits.size());
    if (added) edits.push_back(std::move(edit));
    entries.push_back(Json{{"playlist_id", entry.playlist_id},
                           {"label", entry.label},
                           {"outcome", core::to_string(entry.outcome)},
                           {"reason", entry.reason},
                           {"edit", shared->second},
                           {"planned_snapshot", std::move(planned_snapshot)},
                           {"planned_version", std::move(planned_version)},
                           {"undo_version", optional_json(entry.undo_version)}});
  }
  return Json{{"version", kPayloadVersion},
              {"summary", batch.summary},
              {"operation", batch.operation ? Json(core::to_string(*batch.operation)) : Json()},
              {"undo_of", optional_json(batch.undo_of)},
              {"edits", std::move(edits)},
              {"entries", std::move(entries)}}
      .dump();
}

core::Result<BatchJob> decode_batch_payload(const std::string& payload) {
  const Json json = Json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || json.value("version", 0) != kPayloadVersion) {
    return core::make_error(ErrorCode::InvalidInput,
                            "batch payload: not a batch this version of plm wrote");
  }
  try {
    BatchJob batch;
    batch.summary = json.at("summary").get<std::string>();
    if (const auto operation = optional_from<std::string>(json, "operation")) {
      batch.operation = core::batch_kind_from_string(*operation);
      if (!batch.operation) {
        return core::make_error(ErrorCode::InvalidInput,
                                "batch payload: unknown operation \"" + *operation + "\"");
      }
    }
    batch.undo_of = optional_from<std::int64_t>(json, "undo_of");
    for (const auto& item : json.at("entries")) {
      BatchEntry entry;
      entry.playlist_id = item.at("playlist_id").get<std::string>();
      entry.label = item.at("label").get<std::string>();
      const auto outcome_text = item.at("outcome").get<std::string>();
      const auto outcome = core::item_outcome_from_string(outcome_text);
      if (!outcome) {
        return core::make_error(ErrorCode::InvalidInput,
                                "batch payload: unknown outcome \"" + outcome_text + "\"");
      }
      entry.outcome = *outcome;
      entry.reason = item.at("reason").get<std::string>();
      Json edit_json = json.at("edits").at(item.at("edit").get<std::size_t>());
      edit_json["planned_snapshot"] = item.at("planned_snapshot");
      edit_json["planned_version"] = item.at("planned_version");
      auto edit = edit_job_from(edit_json);
      if (!edit) return edit.error();
      entry.edit = std::move(*edit);
      entry.undo_version = optional_from<std::int64_t>(item, "undo_version");
      batch.entries.push_back(std::move(entry));
    }
    return batch;
  } catch (const Json::exception& error) {
    return core::make_error(ErrorCode::InvalidInput, std::string("batch payload: ") + error.what());
  }
}

core::NewJob batch_edit_job(std::int64_t owner_user_id, std::int64_t account_id,
                            const BatchJob& batch) {
  return core::NewJob{.kind = core::JobKind::BatchEdit,
                      .owner_user_id = owner_user_id,
                      .account_id = account_id,
                      .concurrency_key = core::concurrency_key_for_account(account_id),
                      .payload = encode_batch_payload(batch),
                      .unit = core::ProgressUnit::Playlists,
                      .max_attempts = kBatchMaxAttempts};
}

BatchJob batch_job_from(const core::BatchProposal& proposal, const core::VersionCause& cause,
                        std::optional<std::int64_t> undo_of) {
  BatchJob batch;
  batch.summary = proposal.summary;
  batch.undo_of = undo_of;
  // The operation, when the cause names one ("batch add"); an undo or a batch of several
  // operations names none.
  constexpr std::string_view kBatchPrefix = "batch ";
  if (!undo_of && cause.action.starts_with(kBatchPrefix)) {
    batch.operation =
        core::batch_kind_from_string(std::string_view(cause.action).substr(kBatchPrefix.size()));
  }
  for (const auto& planned : proposal.plan.entries) {
    BatchEntry entry;
    entry.playlist_id = planned.playlist_id;
    entry.label = planned.name;
    entry.reason = planned.reason;
    switch (planned.status) {
      case core::BatchEntryPlan::Status::Change:
        entry.outcome = ItemOutcome::Pending;
        break;
      case core::BatchEntryPlan::Status::Unchanged:
        entry.outcome = ItemOutcome::Unchanged;
        break;
      case core::BatchEntryPlan::Status::Refused:
        entry.outcome = ItemOutcome::Skipped;
        break;
    }
    entry.edit.request = planned.request;
    entry.edit.planned_snapshot = planned.planned_snapshot;
    entry.edit.cause = cause;
    entry.undo_version = planned.undo_version;
    if (planned.undo_version) {
      entry.edit.cause.kind = core::VersionCauseKind::Undo;
      entry.edit.cause.restored_version = planned.undo_version;
      if (entry.edit.cause.action.empty()) entry.edit.cause.action = "batch undo";
    } else if (entry.edit.cause.action.empty()) {
      entry.edit.cause.action = "batch";
    }
    batch.entries.push_back(std::move(entry));
  }
  return batch;
}

void add_batch_handlers(JobHandlers& handlers, const EditJobDeps& deps) {
  handlers[core::JobKind::BatchEdit] = [deps](JobContext& context) {
    return run_batch(deps, context);
  };
}

}  // namespace plm::app
