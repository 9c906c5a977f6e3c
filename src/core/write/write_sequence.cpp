#include "core/write/write_sequence.hpp"

#include <algorithm>

#include "core/write/playlist_edits.hpp"

namespace plm::core {

namespace {

using Kind = WriteStep::Kind;

constexpr std::size_t kChunk = SpotifyApi::kMaxItemsPerWrite;

/// One write request of a step: a step over 100 items becomes several.
struct Request {
  Kind kind = Kind::Add;
  std::vector<std::string> uris;
  std::optional<std::int64_t> position;
  std::int64_t range_start = 0;
  std::int64_t insert_before = 0;
  std::int64_t range_length = 1;
  const WriteStep* step = nullptr;
};

bool is_item_write(Kind kind) { return kind != Kind::ChangeDetails && kind != Kind::UploadCover; }

/// Whether the step's effect depends on the playlist being as planned.
bool depends_on_content(const WriteStep& step) {
  switch (step.kind) {
    case Kind::Add:
      return step.position.has_value();
    case Kind::Remove:
    case Kind::Reorder:
    case Kind::Replace:
      return true;
    case Kind::ChangeDetails:
    case Kind::UploadCover:
      return false;
  }
  return true;
}

std::vector<std::vector<std::string>> chunks_of(const std::vector<std::string>& uris,
                                                std::size_t from = 0) {
  std::vector<std::vector<std::string>> chunks;
  for (std::size_t start = from; start < uris.size(); start += kChunk) {
    const auto end = std::min(uris.size(), start + kChunk);
    chunks.emplace_back(uris.begin() + static_cast<std::ptrdiff_t>(start),
                        uris.begin() + static_cast<std::ptrdiff_t>(end));
  }
  return chunks;
}

/// The requests a step takes: adds and removals in chunks of 100, each added chunk right after
/// the previous one; a replace as a PUT of the first 100 and appends of the rest. Empty adds and
/// removals take none.
std::vector<Request> requests_of(const WriteStep& step) {
  std::vector<Request> requests;
  switch (step.kind) {
    case Kind::Add: {
      std::int64_t done = 0;
      for (auto& chunk : chunks_of(step.uris)) {
        Request request{.kind = Kind::Add, .uris = std::move(chunk), .step = &step};
        if (step.position) request.position = *step.position + done;
        done += static_cast<std::int64_t>(request.uris.size());
        requests.push_back(std::move(request));
      }
      break;
    }
    case Kind::Remove:
      for (auto& chunk : chunks_of(step.uris)) {
        requests.push_back(Request{.kind = Kind::Remove, .uris = std::move(chunk), .step = &step});
      }
      break;
    case Kind::Replace: {
      const auto head = std::min(step.uris.size(), kChunk);
      requests.push_back(
          Request{.kind = Kind::Replace,
                  .uris = std::vector<std::string>(
                      step.uris.begin(), step.uris.begin() + static_cast<std::ptrdiff_t>(head)),
                  .step = &step});
      for (auto& chunk : chunks_of(step.uris, head)) {
        requests.push_back(Request{.kind = Kind::Add, .uris = std::move(chunk), .step = &step});
      }
      break;
    }
    case Kind::Reorder:
    case Kind::ChangeDetails:
    case Kind::UploadCover:
      requests.push_back(Request{.kind = step.kind,
                                 .range_start = step.range_start,
                                 .insert_before = step.insert_before,
                                 .range_length = step.range_length,
                                 .step = &step});
      break;
  }
  return requests;
}

/// Applies a request to the model of the playlist's URIs, after checking it as Spotify would.
Status apply(std::vector<std::string>& model, const Request& request) {
  const auto size = static_cast<std::int64_t>(model.size());
  switch (request.kind) {
    case Kind::Add: {
      if (auto valid = check_item_uris(request.uris, "added"); !valid) return valid;
      const std::int64_t at = request.position.value_or(size);
      if (auto valid = check_position(size, at); !valid) return valid;
      model.insert(model.begin() + at, request.uris.begin(), request.uris.end());
      return ok();
    }
    case Kind::Remove:
      if (auto valid = check_item_uris(request.uris, "removed"); !valid) return valid;
      remove_every(model, request.uris,
                   [](const std::string& uri) { return std::string_view(uri); });
      return ok();
    case Kind::Reorder:
      if (auto valid = check_reorder_request(request.range_start, request.insert_before,
                                             request.range_length);
          !valid) {
        return valid;
      }
      if (auto valid =
              check_reorder(size, request.range_start, request.insert_before, request.range_length);
          !valid) {
        return valid;
      }
      move_range(model, request.range_start, request.insert_before, request.range_length);
      return ok();
    case Kind::Replace:
      if (auto valid = check_item_uris(request.uris, "added", /*allow_empty=*/true); !valid) {
        return valid;
      }
      model = request.uris;
      return ok();
    case Kind::ChangeDetails:
      return check_details_change(request.step->details);
    case Kind::UploadCover:
      return check_cover(request.step->jpeg);
  }
  return ok();
}

/// The slice [from, to) of the playlist an applied request determines, beyond its length: where
/// an add put its items, the window a reorder rearranged, what a replace wrote. A removal's
/// effect is spread over the list: its count alone is checked.
struct Window {
  std::int64_t from = 0;
  std::int64_t to = 0;
};

Window touched(const Request& request, std::int64_t size_before) {
  switch (request.kind) {
    case Kind::Add: {
      const std::int64_t at = request.position.value_or(size_before);
      return {at, at + static_cast<std::int64_t>(request.uris.size())};
    }
    case Kind::Reorder:
      return {std::min(request.range_start, request.insert_before),
              std::min(size_before, std::max(request.range_start + request.range_length,
                                             request.insert_before))};
    case Kind::Replace:
      return {0, static_cast<std::int64_t>(request.uris.size())};
    default:
      return {};
  }
}

std::string describe(const Request& request) {
  const auto count = std::to_string(request.uris.size());
  switch (request.kind) {
    case Kind::Add:
      return request.position ? "adding " + count + " items at " + std::to_string(*request.position)
                              : "appending " + count + " items";
    case Kind::Remove:
      return "removing " + count + " items";
    case Kind::Reorder:
      return "moving " + std::to_string(request.range_length) + " items from " +
             std::to_string(request.range_start) + " before " +
             std::to_string(request.insert_before);
    case Kind::Replace:
      return "replacing the items with " + count;
    case Kind::ChangeDetails:
      return "changing the details";
    case Kind::UploadCover:
      return "uploading the cover";
  }
  return "writing";
}

bool details_match(const PlaylistDetailsChange& change, const PlaylistSummary& playlist) {
  return (!change.name || *change.name == playlist.name) &&
         (!change.description || *change.description == playlist.description) &&
         (!change.is_public || *change.is_public == playlist.is_public) &&
         (!change.collaborative || *change.collaborative == playlist.collaborative);
}

class Runner {
 public:
  Runner(SpotifyApi& spotify, const PlannedPlaylist& plan, const WriteSequenceOptions& options)
      : spotify_(spotify), plan_(plan), options_(options), model_(plan.uris) {
    if (!plan.snapshot_id.empty()) chain_ = plan.snapshot_id;
  }

  WriteSequenceResult run(const std::vector<WriteStep>& steps) {
    // Item writes first, detail and cover changes last (see the header), each group as given.
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < steps.size(); ++i) {
      if (is_item_write(steps[i].kind)) order.push_back(i);
    }
    for (std::size_t i = 0; i < steps.size(); ++i) {
      if (!is_item_write(steps[i].kind)) order.push_back(i);
    }
    std::vector<std::vector<Request>> requests;
    for (const auto index : order) {
      requests.push_back(requests_of(steps[index]));
      WriteStepReport report;
      report.index = index;
      report.kind = steps[index].kind;
      report.chunks = static_cast<std::int64_t>(requests.back().size());
      result_.steps.push_back(report);
    }
    if (!validate(requests)) return finish();

    const bool confirm_first =
        options_.always_confirm || std::any_of(steps.begin(), steps.end(), depends_on_content);
    for (std::size_t i = 0; i < requests.size(); ++i) {
      WriteStepReport& report = result_.steps[i];
      for (const auto& request : requests[i]) {
        // The confirmation read, or a read that learns a snapshot lost on the way.
        if ((confirm_first && !confirmed_) || (is_item_write(request.kind) && !chain_)) {
          if (!check_version(report)) return finish();
          confirmed_ = true;
        }
        if (!send(request, report)) return finish();
        ++report.chunks_applied;
      }
      report.status = WriteStatus::Applied;
      report.snapshot_id = chain_.value_or("");
      if (options_.after_step && !options_.after_step(report) && i + 1 < requests.size()) {
        stop(
            result_.steps[i + 1], WriteStatus::NotApplied,
            make_error(ErrorCode::Unavailable, "stopped by the caller before step " +
                                                   std::to_string(result_.steps[i + 1].index + 1)));
        return finish();
      }
    }
    return finish();
  }

 private:
  /// Every request checked on the model of the plan before anything is sent.
  bool validate(const std::vector<std::vector<Request>>& requests) {
    std::vector<std::string> model = model_;
    for (std::size_t i = 0; i < requests.size(); ++i) {
      for (const auto& request : requests[i]) {
        if (auto valid = apply(model, request); !valid) {
          auto error = valid.error();
          error.message = "step " + std::to_string(result_.steps[i].index + 1) + " (" +
                          std::string(to_string(result_.steps[i].kind)) + "): " + error.message;
          return stop(result_.steps[i], WriteStatus::NotApplied, std::move(error));
        }
      }
    }
    return true;
  }

  /// Reads the version and checks it against the snapshot the sequence believes in; without one
  /// (the plan had none, or an answer was lost), the item count must match the model.
  bool check_version(WriteStepReport& report) {
    auto version = read_version(report);
    if (!version) return stop(report, WriteStatus::NotApplied, version.error());
    if (chain_ && version->snapshot_id != *chain_) {
      return stop(report, WriteStatus::NotApplied,
                  make_error(ErrorCode::Conflict, "playlist " + plan_.playlist_id +
                                                      " changed since the edit was planned: "
                                                      "snapshot " +
                                                      *chain_ + " planned, " +
                                                      version->snapshot_id + " found"));
    }
    if (!chain_ && version->item_count != static_cast<std::int64_t>(model_.size())) {
      return stop(report, WriteStatus::NotApplied,
                  make_error(ErrorCode::Conflict,
                             "playlist " + plan_.playlist_id + " changed since the edit was " +
                                 "planned: " + std::to_string(model_.size()) + " items planned, " +
                                 std::to_string(version->item_count) + " found (snapshot " +
                                 version->snapshot_id + ")"));
    }
    chain_ = version->snapshot_id;
    return true;
  }

  /// Sends one request until it is applied, repeating it only after a read showed that an Unknown
  /// outcome was not applied.
  bool send(const Request& request, WriteStepReport& report) {
    for (int repeats = 0;; ++repeats) {
      const WriteOutcome outcome = call(request, report);
      if (outcome.status == WriteStatus::Applied) {
        (void)apply(model_, request);  // validated before anything was sent
        if (is_item_write(request.kind) && !outcome.snapshot_id.empty()) {
          move_chain(outcome.snapshot_id);
        } else {
          move_chain(std::nullopt);  // details and covers move the snapshot without telling
        }
        return true;
      }
      const Error cause =
          outcome.error.value_or(make_error(ErrorCode::Internal, "write failed without an error"));
      if (outcome.status == WriteStatus::NotApplied) {
        return stop(report, WriteStatus::NotApplied, with_context(request, cause));
      }
      auto applied = settle(request, cause, report);
      if (!applied) return stop(report, WriteStatus::Unknown, applied.error());
      if (*applied) return true;
      if (repeats >= options_.max_repeats) {
        auto error = with_context(request, cause);
        error.message += " (not applied after " + std::to_string(repeats + 1) + " attempts)";
        return stop(report, WriteStatus::NotApplied, std::move(error));
      }
    }
  }

  /// After an Unknown outcome: true if the write was applied (the model and the snapshot then
  /// follow it), false if a read showed it was not; an error when no read can tell, or when the
  /// playlist changed in a way that is not (only) the write's.
  Result<bool> settle(const Request& request, const Error& cause, WriteStepReport& report) {
    const std::string lost = describe(request) + " on playlist " + plan_.playlist_id +
                             " may have been applied (" + cause.message + ")";
    if (request.kind == Kind::UploadCover) {
      // 202 Accepted, processed later: not even a read of the images could tell.
      return make_error(cause.code, lost +
                                        "; covers are processed asynchronously, so no read "
                                        "can tell: upload it again");
    }
    if (request.kind == Kind::ChangeDetails) {
      // Not applied yet is harmless here: details are sent again, and they are idempotent.
      if (options_.before_settling) options_.before_settling();
      ++report.check_reads;
      ++result_.counters.check_reads;
      ++result_.counters.calls;
      auto playlist = spotify_.playlist(plan_.playlist_id);
      if (!playlist) return checking_failed(lost, playlist.error());
      if (!details_match(request.step->details, *playlist)) return false;
      move_chain(std::nullopt);  // moved, and not told
      return true;
    }
    if (!chain_) {
      return make_error(cause.code,
                        lost + "; the snapshot before it is unknown, so no read can tell");
    }
    // Reads until one can be believed (see "Lagging reads" in the header): a read still showing
    // the snapshot before the write, one this sequence already moved past, or a moved one whose
    // items are not what the write would make (a lagging read may show a version between the
    // chain and the write, e.g. of a removal the client repeated) is read again while
    // `settle_reads` allow; `before_settling` runs before every read.
    std::vector<std::string> expected = model_;
    (void)apply(expected, request);
    const int reads = std::max(1, options_.settle_reads);
    for (int read = 1;; ++read) {
      if (options_.before_settling) options_.before_settling();
      auto version = read_version(report);
      if (!version) return checking_failed(lost, version.error());
      const bool last = read >= reads;
      const bool unchanged = version->snapshot_id == *chain_;
      if (unchanged || has_passed(version->snapshot_id)) {
        if (!last) continue;
        if (unchanged) return false;  // still the snapshot before the write: not applied
        return make_error(ErrorCode::Unavailable,
                          lost + "; after " + std::to_string(reads) +
                              " reads the playlist still shows snapshot " + version->snapshot_id +
                              " from before earlier writes of this edit, so no read can tell");
      }
      auto mismatch = verify(request, expected, *version, report);
      if (!mismatch) return checking_failed(lost, mismatch.error());
      if (!*mismatch) {
        model_ = std::move(expected);
        move_chain(version->snapshot_id);
        return true;
      }
      if (last) {
        return make_error(ErrorCode::Conflict, lost + ", and the playlist changed: snapshot " +
                                                   *chain_ + " before the write, " +
                                                   version->snapshot_id + " now, " + **mismatch);
      }
    }
  }

  /// Whether `version` (moved from the chain) is what `request` makes of the model (`expected`):
  /// the item count, and the items it touched (read). nullopt when it is, else what differs.
  Result<std::optional<std::string>> verify(const Request& request,
                                            const std::vector<std::string>& expected,
                                            const PlaylistVersion& version,
                                            WriteStepReport& report) {
    if (version.item_count != static_cast<std::int64_t>(expected.size())) {
      return std::optional<std::string>("with " + std::to_string(version.item_count) +
                                        " items where the write would leave " +
                                        std::to_string(expected.size()));
    }
    const Window window = touched(request, static_cast<std::int64_t>(model_.size()));
    if (window.to > window.from) {
      auto found = read_range(window, report);
      if (!found) return found.error();
      if (!std::equal(found->begin(), found->end(), expected.begin() + window.from,
                      expected.begin() + window.to) ||
          static_cast<std::int64_t>(found->size()) != window.to - window.from) {
        return std::optional<std::string>("and items " + std::to_string(window.from) + "-" +
                                          std::to_string(window.to - 1) +
                                          " are not what the write would make");
      }
    }
    return std::optional<std::string>();
  }

  bool has_passed(const std::string& snapshot) const {
    return std::find(passed_.begin(), passed_.end(), snapshot) != passed_.end();
  }

  /// The chain moves on: the snapshot it leaves is one a lagging read may still show.
  void move_chain(std::optional<std::string> next) {
    if (chain_ && (!next || *next != *chain_)) passed_.push_back(*chain_);
    chain_ = std::move(next);
  }

  WriteOutcome call(const Request& request, WriteStepReport& report) {
    ++report.writes;
    ++result_.counters.calls;
    const std::string& id = plan_.playlist_id;
    switch (request.kind) {
      case Kind::Add:
        return spotify_.add_items(id, request.uris, request.position);
      case Kind::Remove:
        return spotify_.remove_items(id, request.uris);
      case Kind::Reorder:
        return spotify_.reorder_items(id, request.range_start, request.insert_before,
                                      request.range_length);
      case Kind::Replace:
        return spotify_.replace_items(id, request.uris);
      case Kind::ChangeDetails:
        return spotify_.change_details(id, request.step->details);
      case Kind::UploadCover:
        return spotify_.upload_cover(id, request.step->jpeg);
    }
    return WriteOutcome::not_applied(make_error(ErrorCode::Internal, "unknown write"));
  }

  Result<PlaylistVersion> read_version(WriteStepReport& report) {
    ++report.check_reads;
    ++result_.counters.check_reads;
    ++result_.counters.calls;
    return spotify_.playlist_version(plan_.playlist_id);
  }

  Result<std::vector<std::string>> read_range(Window window, WriteStepReport& report) {
    std::vector<std::string> uris;
    for (std::int64_t offset = window.from; offset < window.to;) {
      const int limit =
          static_cast<int>(std::min<std::int64_t>(SpotifyApi::kMaxItemsPage, window.to - offset));
      ++report.check_reads;
      ++result_.counters.check_reads;
      ++result_.counters.calls;
      auto page = spotify_.playlist_items(plan_.playlist_id, offset, limit);
      if (!page) return page.error();
      if (page->items.empty()) break;  // shorter than expected: the comparison fails
      for (const auto& item : page->items) uris.push_back(item.uri);
      offset += static_cast<std::int64_t>(page->items.size());
    }
    return uris;
  }

  static Error checking_failed(const std::string& lost, const Error& error) {
    return make_error(error.code, lost + "; checking failed: " + error.message);
  }

  Error with_context(const Request& request, const Error& error) const {
    auto contextual = error;
    contextual.message =
        describe(request) + " on playlist " + plan_.playlist_id + ": " + error.message;
    return contextual;
  }

  bool stop(WriteStepReport& report, WriteStatus status, Error error) {
    report.status = status;
    report.error = error;
    result_.stopped_by = std::move(error);
    if (status == WriteStatus::Unknown) chain_.reset();
    report.snapshot_id = chain_.value_or("");
    return false;
  }

  WriteSequenceResult finish() {
    result_.snapshot_id = chain_.value_or("");
    return std::move(result_);
  }

  SpotifyApi& spotify_;
  const PlannedPlaylist& plan_;
  WriteSequenceOptions options_;
  std::vector<std::string> model_;    ///< the playlist's URIs as the applied writes left them
  std::optional<std::string> chain_;  ///< its snapshot, when known
  std::vector<std::string> passed_;   ///< snapshots the chain has moved on from, oldest first
  bool confirmed_ = false;
  WriteSequenceResult result_;
};

}  // namespace

WriteStep WriteStep::add(std::vector<std::string> uris, std::optional<std::int64_t> position) {
  return WriteStep{.kind = Kind::Add, .uris = std::move(uris), .position = position};
}

WriteStep WriteStep::remove(std::vector<std::string> uris) {
  return WriteStep{.kind = Kind::Remove, .uris = std::move(uris)};
}

WriteStep WriteStep::reorder(std::int64_t range_start, std::int64_t insert_before,
                             std::int64_t range_length) {
  return WriteStep{.kind = Kind::Reorder,
                   .range_start = range_start,
                   .insert_before = insert_before,
                   .range_length = range_length};
}

WriteStep WriteStep::replace(std::vector<std::string> uris) {
  return WriteStep{.kind = Kind::Replace, .uris = std::move(uris)};
}

WriteStep WriteStep::change_details(PlaylistDetailsChange change) {
  return WriteStep{.kind = Kind::ChangeDetails, .details = std::move(change)};
}

WriteStep WriteStep::upload_cover(std::string jpeg) {
  return WriteStep{.kind = Kind::UploadCover, .jpeg = std::move(jpeg)};
}

std::string_view to_string(WriteStep::Kind kind) {
  switch (kind) {
    case Kind::Add:
      return "add";
    case Kind::Remove:
      return "remove";
    case Kind::Reorder:
      return "reorder";
    case Kind::Replace:
      return "replace";
    case Kind::ChangeDetails:
      return "change details";
    case Kind::UploadCover:
      return "upload cover";
  }
  return "write";
}

WriteSequenceResult run_write_sequence(SpotifyApi& spotify, const PlannedPlaylist& plan,
                                       const std::vector<WriteStep>& steps,
                                       const WriteSequenceOptions& options) {
  return Runner(spotify, plan, options).run(steps);
}

}  // namespace plm::core
