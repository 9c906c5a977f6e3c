#include "app/match_jobs.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "app/job_account.hpp"
#include "app/match_lines.hpp"
#include "core/matching/paste_parse.hpp"

namespace plm::app {

using core::ErrorCode;
using core::MatchStatus;
using Json = nlohmann::json;

namespace {

constexpr int kPayloadVersion = 1;

/// Every attempt resumes where the last one stopped (the lines' results are stored as they come),
/// so an attempt that fails costs only the lines in flight. Five attempts would give up on a long
/// paste through a storm of 429s although each retry makes progress (as for batches).
constexpr int kMatchMaxAttempts = 20;

std::string encode_payload(std::int64_t paste_id) {
  return Json{{"version", kPayloadVersion}, {"paste_id", paste_id}}.dump();
}

core::Result<std::int64_t> decode_payload(const std::string& payload) {
  const Json json = Json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || json.value("version", 0) != kPayloadVersion ||
      !json.contains("paste_id") || !json.at("paste_id").is_number_integer()) {
    return core::make_error(ErrorCode::InvalidInput,
                            "match_paste payload: not one this version of plm wrote");
  }
  return json.at("paste_id").get<std::int64_t>();
}

/// The stored inputs read again as one paste, so a spreadsheet paste gets its columns guessed
/// over all its rows as when it was pasted. Each input ends with a line ending (a final one adds
/// no line, and a last input that is blank keeps its line), so line i is input i: the inputs came
/// from the same parser and hold no line ending of their own.
core::Result<core::ParsedPaste> parse_stored(const std::vector<core::PasteLineRow>& rows) {
  std::string text;
  for (const auto& row : rows) text += row.match.input + "\n";
  auto parsed = core::parse_paste(text);
  if (!parsed) return parsed.error();
  if (parsed->lines.size() != rows.size()) {
    return core::make_error(ErrorCode::Internal, "the paste's " + std::to_string(rows.size()) +
                                                     " stored lines read as " +
                                                     std::to_string(parsed->lines.size()));
  }
  return parsed;
}

/// "37 matched, 2 ambiguous, 1 not found, 3 invalid".
std::string summary_of(const std::vector<core::LineMatch>& results) {
  std::map<MatchStatus, std::int64_t> counts;
  for (const auto& line : results) ++counts[line.status];
  auto message = std::to_string(counts[MatchStatus::Matched]) + " matched, " +
                 std::to_string(counts[MatchStatus::Ambiguous]) + " ambiguous, " +
                 std::to_string(counts[MatchStatus::NotFound]) + " not found, " +
                 std::to_string(counts[MatchStatus::Invalid]) + " invalid";
  if (counts[MatchStatus::Pending] > 0) {
    message += ", " + std::to_string(counts[MatchStatus::Pending]) + " not matched";
  }
  return message;
}

/// One attempt of a match_paste job.
class MatchRun {
 public:
  MatchRun(const MatchJobDeps& deps, JobContext& context, core::SpotifyAccount account,
           core::StoredPaste paste)
      : deps_(deps), context_(context), account_(std::move(account)), paste_(std::move(paste)) {}

  JobResult run() {
    auto rows = deps_.matches.paste_lines(paste_.id);
    if (!rows) return JobResult::failed(rows.error());
    auto parsed = parse_stored(*rows);
    if (!parsed) return JobResult::failed(parsed.error());
    auto known_list = deps_.matches.known_tracks(account_.id);
    if (!known_list) return JobResult::failed(known_list.error());
    const core::KnownTracks known(std::move(*known_list));

    MatchLinesOptions options;
    options.known = &known;
    options.user_id = paste_.owner_user_id;
    // A resumed attempt: the lines an earlier one decided are not matched again.
    options.earlier.resize(rows->size());
    decided_.assign(rows->size(), false);
    for (std::size_t i = 0; i < rows->size(); ++i) {
      const core::LineMatch& stored = (*rows)[i].match;
      if (stored.status != MatchStatus::Pending) {
        options.earlier[i] = stored;
        decided_[i] = true;
        ++done_;
      }
    }
    context_.report(progress(counting()));

    // A failed save stops the run after the lines in flight, as a stop request does; the
    // context's own stop (cancel, shutdown, lost lease) is passed on.
    std::stop_source run_stop;
    const std::stop_callback forward(context_.stop_token(), [&] { run_stop.request_stop(); });
    const MatchLinesDeps match_deps{.make_client = [this] { return deps_.spotify_for(account_); },
                                    .store = &deps_.matches,
                                    .clock = deps_.clock};
    auto results = match_lines(
        match_deps, *parsed, options,
        [&](std::vector<core::LineMatch> decided) { save(std::move(decided), run_stop); },
        run_stop.get_token());
    if (save_error_) {
      // The paste was deleted while it was matched: DELETE cancels the job first, so the job ends
      // cancelled; without a cancel, NotFound fails it for good (nothing is left to match).
      if (save_error_->code == ErrorCode::NotFound && context_.cancelling()) {
        return JobResult::stopped();
      }
      return JobResult::failed(*save_error_);
    }
    if (!results) return JobResult::failed(results.error());
    if (context_.stop_token().stop_requested()) return JobResult::stopped();
    // Whatever was decided without passing through on_results is stored too (nothing, if
    // match_lines keeps its word).
    save(*results, run_stop);
    if (save_error_) return JobResult::failed(*save_error_);
    const auto message = summary_of(*results);
    context_.report(progress(message));
    return JobResult::succeeded(message);
  }

 private:
  /// Stores the lines newly decided (each line once: an earlier attempt's results, should
  /// match_lines hand them back, are not written again, so their seq stays) and reports progress.
  void save(std::vector<core::LineMatch> decided, std::stop_source& run_stop) {
    if (save_error_) return;
    std::erase_if(decided, [&](const core::LineMatch& line) {
      const std::size_t index = line.number - 1;  // a number 0 wraps: refused below too
      return line.status == MatchStatus::Pending || index >= decided_.size() || decided_[index];
    });
    if (decided.empty()) return;
    if (auto saved = deps_.matches.save_line_results(paste_.id, decided); !saved) {
      save_error_ = saved.error();
      run_stop.request_stop();
      return;
    }
    for (const auto& line : decided) {
      decided_[line.number - 1] = true;
      ++done_;
      calls_.calls += line.calls;
    }
    context_.count_api(calls_);
    context_.report(progress(counting()));
  }

  /// "matching: 120 of 1000 lines".
  std::string counting() const {
    return "matching: " + std::to_string(done_) + " of " + std::to_string(decided_.size()) +
           " lines";
  }

  core::JobProgress progress(std::string message) const {
    return core::JobProgress{done_, static_cast<std::int64_t>(decided_.size()),
                             core::ProgressUnit::Lines, std::move(message)};
  }

  const MatchJobDeps& deps_;
  JobContext& context_;
  core::SpotifyAccount account_;
  core::StoredPaste paste_;
  std::vector<bool> decided_;  ///< by line number - 1: the line has a result
  std::int64_t done_ = 0;
  core::ApiCounters calls_;  ///< the Spotify calls of the lines this attempt decided
  std::optional<core::Error> save_error_;
};

JobResult run_match(const MatchJobDeps& deps, JobContext& context) {
  const core::Job& job = context.job();
  auto paste_id = decode_payload(job.payload);
  if (!paste_id) return JobResult::failed(paste_id.error());
  auto paste = deps.matches.find_paste(*paste_id);
  if (!paste) return JobResult::failed(paste.error());
  if (!*paste) {
    return JobResult::failed(core::make_error(
        ErrorCode::NotFound, "paste " + std::to_string(*paste_id) + " was deleted"));
  }
  auto account = account_for_job(deps.accounts, job, "match tracks");
  if (!account) return JobResult::failed(account.error());
  return MatchRun(deps, context, std::move(*account), std::move(**paste)).run();
}

}  // namespace

core::NewJob match_paste_job(std::int64_t owner_user_id, std::int64_t account_id,
                             std::int64_t paste_id, std::int64_t line_count) {
  // A queued job has no total yet (core::NewJob carries none): the first report sets it; until
  // then the message says how many lines wait.
  return core::NewJob{.kind = core::JobKind::MatchPaste,
                      .owner_user_id = owner_user_id,
                      .account_id = account_id,
                      .concurrency_key = core::concurrency_key_for_account(account_id),
                      .payload = encode_payload(paste_id),
                      .unit = core::ProgressUnit::Lines,
                      .message = "waiting to match " + std::to_string(line_count) +
                                 (line_count == 1 ? " line" : " lines"),
                      .max_attempts = kMatchMaxAttempts};
}

void add_match_handlers(JobHandlers& handlers, const MatchJobDeps& deps) {
  handlers[core::JobKind::MatchPaste] = [deps](JobContext& context) {
    return run_match(deps, context);
  };
}

}  // namespace plm::app
