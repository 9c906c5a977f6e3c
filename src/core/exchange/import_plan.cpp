#include "core/exchange/import_plan.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <unordered_map>
#include <variant>

#include "core/edit/edit_request.hpp"
#include "core/enum_names.hpp"
#include "core/model/text.hpp"

namespace plm::core {
namespace {

using PlanStatus = ImportPlaylistPlan::Status;
using EntryStatus = BatchEntryPlan::Status;

constexpr Names<PlanStatus, 5> kStatusNames{{
    {PlanStatus::Change, "change"},
    {PlanStatus::Unchanged, "unchanged"},
    {PlanStatus::NeedsDecision, "needs_decision"},
    {PlanStatus::Refused, "refused"},
    {PlanStatus::Unknown, "unknown"},
}};

Error invalid(std::string message) {
  return make_error(ErrorCode::InvalidInput, std::move(message));
}

std::string in_quotes(std::string_view text) { return "\u201c" + std::string(text) + "\u201d"; }

std::string counted(std::int64_t count, std::string_view one, std::string_view many) {
  return std::to_string(count) + " " + std::string(count == 1 ? one : many);
}

/// "import of “plan.xlsx”" (or "import" without a file name): the start of every summary.
std::string import_label(const std::string& file_name) {
  return file_name.empty() ? "import" : "import of " + in_quotes(file_name);
}

/// "3 playlists change", "1 playlist changes", "no playlist changes".
std::string changes_text(std::int64_t changed) {
  if (changed == 0) return "no playlist changes";
  return counted(changed, "playlist changes", "playlists change");
}

/// The account's stored playlists by id and by folded name.
class StoredIndex {
 public:
  explicit StoredIndex(const std::vector<StoredPlaylist>& playlists) {
    for (const auto& playlist : playlists) {
      by_id_.emplace(playlist.summary.id, &playlist);
      by_name_[fold_for_search(playlist.summary.name)].push_back(&playlist);
    }
  }

  /// The playlist the file means, or why there is none.
  std::variant<const StoredPlaylist*, std::string> find(const ImportedPlaylist& file) const {
    if (file.playlist_id) {
      const auto found = by_id_.find(*file.playlist_id);
      if (found != by_id_.end()) return found->second;
      return "playlist " + *file.playlist_id +
             " is not a playlist of this account: plm sync reads new ones";
    }
    const auto found = by_name_.find(fold_for_search(file.name));
    if (found == by_name_.end()) {
      return "no playlist of this account is named " + in_quotes(file.name) +
             ": plm does not create playlists from a file (create it on Spotify and sync, or put "
             "its Spotify ID in the sheet)";
    }
    if (found->second.size() > 1) {
      return std::to_string(found->second.size()) + " playlists are named " + in_quotes(file.name) +
             ": put the Spotify ID in the sheet";
    }
    return found->second.front();
  }

 private:
  std::unordered_map<std::string, const StoredPlaylist*> by_id_;
  std::unordered_map<std::string, std::vector<const StoredPlaylist*>> by_name_;
};

/// Plans the document's playlists one by one, in file order.
class ImportPlanner {
 public:
  ImportPlanner(PlaylistStore& store, const SpotifyAccount& account, const ImportDocument& document,
                const std::vector<RowMatch>& matches)
      : store_(store), account_(account), document_(document), matches_(matches) {}

  Result<ImportProposal> plan(const ImportPlanOptions& options) {
    auto stored = store_.playlists_of(account_.id);
    if (!stored) return stored.error();
    const StoredIndex index(*stored);
    proposal_.issues = document_.issues;
    std::vector<BatchEntryPlan> entries;
    std::size_t next_match = 0;
    for (std::size_t i = 0; i < document_.playlists.size(); ++i) {
      const ImportedPlaylist& file = document_.playlists[i];
      std::vector<std::size_t> match_indexes;
      for (const auto& row : file.rows) {
        if (row.needs_match()) match_indexes.push_back(next_match++);
      }
      ImportPlaylistPlan plan;
      plan.document_index = i;
      plan.sheet = file.sheet;
      plan.name = file.name;
      plan.rows = static_cast<std::int64_t>(file.rows.size());
      auto target = index.find(file);
      if (auto* reason = std::get_if<std::string>(&target)) {
        plan.status = PlanStatus::Unknown;
        plan.reason = std::move(*reason);
      } else {
        auto entry =
            plan_playlist(file, *std::get<const StoredPlaylist*>(target), match_indexes, plan);
        if (!entry) return entry.error();
        if (*entry) {
          plan.entry = entries.size();
          entries.push_back(std::move(**entry));
        }
      }
      count(plan);
      proposal_.playlists.push_back(std::move(plan));
    }
    proposal_.batch.plan = plan_of(std::move(entries), options.batch);
    proposal_.batch.summary =
        import_label(options.file_name) + ": " + changes_text(proposal_.changed);
    return std::move(proposal_);
  }

 private:
  void warn(const ImportedPlaylist& file, std::optional<std::size_t> row, std::string message) {
    proposal_.issues.push_back(ImportIssue{ImportIssue::Severity::Warning, file.sheet, row,
                                           std::nullopt, std::move(message)});
  }

  void count(const ImportPlaylistPlan& plan) {
    switch (plan.status) {
      case PlanStatus::Change:
        ++proposal_.changed;
        break;
      case PlanStatus::Unchanged:
        ++proposal_.unchanged;
        break;
      case PlanStatus::NeedsDecision:
        ++proposal_.needs_decision;
        break;
      case PlanStatus::Refused:
        ++proposal_.refused;
        break;
      case PlanStatus::Unknown:
        ++proposal_.unknown;
        break;
    }
    if (plan.tags) ++proposal_.tag_changes;
  }

  /// The details of the index that differ from the stored ones, as Spotify takes them.
  PlaylistDetailsChange differing_details(const ImportedPlaylist& file,
                                          const PlaylistSummary& summary) {
    const ImportedDetails& wanted = file.details;
    PlaylistDetailsChange change;
    if (wanted.name && *wanted.name != summary.name) change.name = wanted.name;
    if (wanted.description && *wanted.description != summary.description) {
      if (wanted.description->empty()) {
        warn(file, std::nullopt,
             "Spotify's API cannot empty a description: the description is left as it is");
      } else {
        change.description = wanted.description;
      }
    }
    if (wanted.is_public && *wanted.is_public != summary.is_public) {
      change.is_public = wanted.is_public;
    }
    if (wanted.collaborative && *wanted.collaborative != summary.collaborative) {
      change.collaborative = wanted.collaborative;
    }
    return change;
  }

  std::optional<std::vector<std::string>> differing_tags(const ImportedPlaylist& file,
                                                         const StoredPlaylist& stored) {
    if (!file.details.tags) return std::nullopt;
    auto tags = normalize_tags(*file.details.tags);
    if (!tags) {
      warn(file, std::nullopt, "the tags are left as they are: " + tags.error().message);
      return std::nullopt;
    }
    if (*tags == stored.tags || *tags == tags_as_written(stored.tags)) return std::nullopt;
    return std::move(*tags);
  }

  /// The stored tags as an export's Tags cell gives them back: joined by ", ", so a tag holding
  /// a comma comes back as two. A file that says that much asks for no change.
  static std::vector<std::string> tags_as_written(const std::vector<std::string>& stored) {
    std::vector<std::string> parts;
    for (const auto& tag : stored) {
      std::string_view rest = tag;
      for (auto comma = rest.find(',');; comma = rest.find(',')) {
        if (auto part = trim_spaces(rest.substr(0, comma)); !part.empty()) parts.emplace_back(part);
        if (comma == std::string_view::npos) break;
        rest = rest.substr(comma + 1);
      }
    }
    auto normal = normalize_tags(parts);
    return normal ? std::move(*normal) : std::vector<std::string>{};
  }

  /// The list the file asks for; rows waiting for a decision go to `plan.undecided`, rows left
  /// out are counted and warned about.
  std::vector<std::string> desired_uris(const ImportedPlaylist& file,
                                        const std::vector<std::size_t>& match_indexes,
                                        ImportPlaylistPlan& plan) {
    std::vector<std::string> uris;
    uris.reserve(file.rows.size());
    std::size_t next = 0;
    for (const auto& row : file.rows) {
      if (!row.needs_match()) {
        uris.push_back(row.uri);  // "" for an unavailable slot: it stays where it is
        continue;
      }
      const std::size_t index = match_indexes[next++];
      const RowMatch& result = matches_[index];
      const LineMatch& match = result.match;
      const std::string what = in_quotes(match.input);
      const auto left_out = [&](std::string why) {
        ++plan.left_out;
        warn(file, row.row, std::move(why) + ": the row is left out");
      };
      if (result.skipped) {
        left_out("skipped by choice");
        continue;
      }
      switch (match.status) {
        case MatchStatus::Matched:
          if (match.uri) {
            uris.push_back(*match.uri);
          } else {
            left_out("the match of " + what + " has no URI");
          }
          break;
        case MatchStatus::Ambiguous:
          plan.undecided.push_back(index);
          warn(file, row.row, "several tracks fit " + what + ": choose one");
          break;
        case MatchStatus::Pending:
          plan.undecided.push_back(index);
          break;
        case MatchStatus::NotFound:
          left_out("no track found for " + what +
                   (match.reason.empty() ? std::string() : " (" + match.reason + ")"));
          break;
        case MatchStatus::Invalid:
          left_out(what + " is not a track" +
                   (match.reason.empty() ? std::string() : " (" + match.reason + ")"));
          break;
      }
    }
    return uris;
  }

  static BatchEntryPlan with_status(BatchEntryPlan entry, EntryStatus status, std::string reason) {
    entry.status = status;
    entry.reason = std::move(reason);
    return entry;
  }

  /// Plans one playlist of the account: its entry of the batch (none when it needs decisions),
  /// with `plan` filled in.
  Result<std::optional<BatchEntryPlan>> plan_playlist(const ImportedPlaylist& file,
                                                      const StoredPlaylist& stored,
                                                      const std::vector<std::size_t>& match_indexes,
                                                      ImportPlaylistPlan& plan) {
    const PlaylistSummary& summary = stored.summary;
    plan.playlist_id = summary.id;
    plan.name = summary.name;
    plan.details = differing_details(file, summary);
    const auto tags = differing_tags(file, stored);
    BatchEntryPlan entry;
    entry.playlist_id = summary.id;
    entry.name = summary.name;
    entry.planned_snapshot = stored.items_snapshot_id;

    std::vector<PlaylistItem> items;
    if (file.has_items) {
      if (stored.items_snapshot_id.empty() || stored.items_snapshot_id != summary.snapshot_id) {
        return finish(
            with_status(std::move(entry), EntryStatus::Refused, std::string(kNotSyncedReason)),
            plan, std::nullopt);
      }
      auto uris = desired_uris(file, match_indexes, plan);
      if (!plan.undecided.empty()) {
        plan.status = PlanStatus::NeedsDecision;
        plan.reason =
            counted(static_cast<std::int64_t>(plan.undecided.size()), "row waits", "rows wait") +
            " for a decision";
        return std::optional<BatchEntryPlan>();
      }
      auto loaded = store_.playlist_items(account_.id, summary.id);
      if (!loaded) return loaded.error();
      items = std::move(*loaded);
      entry.request = EditRequest::set_list(std::move(uris));
      entry.request.details = plan.details;
    } else if (!plan.details.empty()) {
      entry.request = EditRequest::change_details(plan.details);
    } else {
      return finish(with_status(std::move(entry), EntryStatus::Unchanged, "no detail differs"),
                    plan, tags);
    }

    auto proposal = propose_edit(entry.request, items);
    if (!proposal) {
      return finish(with_status(std::move(entry), EntryStatus::Refused, proposal.error().message),
                    plan, std::nullopt);
    }
    if (proposal->plan.steps.empty()) {
      return finish(
          with_status(std::move(entry), EntryStatus::Unchanged, "already what the file says"), plan,
          tags);
    }
    const bool items_change = std::any_of(
        proposal->plan.steps.begin(), proposal->plan.steps.end(),
        [](const WriteStep& step) { return step.kind != WriteStep::Kind::ChangeDetails; });
    for (const auto scope : {WriteScope::Items, WriteScope::Details}) {
      const bool needed = scope == WriteScope::Items ? items_change : !plan.details.empty();
      if (!needed) continue;
      if (auto why = why_not_writable(summary, account_.spotify_user_id, scope)) {
        return finish(with_status(std::move(entry), EntryStatus::Refused, std::move(*why)), plan,
                      std::nullopt);
      }
    }
    entry.proposal = std::move(*proposal);
    entry.calls = estimated_calls(entry.proposal, entry.request);
    return finish(with_status(std::move(entry), EntryStatus::Change, ""), plan, tags);
  }

  /// The playlist's status from its entry's and its tags'.
  static std::optional<BatchEntryPlan> finish(BatchEntryPlan entry, ImportPlaylistPlan& plan,
                                              std::optional<std::vector<std::string>> tags) {
    switch (entry.status) {
      case EntryStatus::Change:
        plan.status = PlanStatus::Change;
        break;
      case EntryStatus::Unchanged:
        plan.status = tags ? PlanStatus::Change : PlanStatus::Unchanged;
        break;
      case EntryStatus::Refused:
        plan.status = PlanStatus::Refused;
        plan.details = {};
        break;
    }
    plan.reason = entry.reason;
    plan.tags = std::move(tags);
    return entry;
  }

  PlaylistStore& store_;
  const SpotifyAccount& account_;
  const ImportDocument& document_;
  const std::vector<RowMatch>& matches_;
  ImportProposal proposal_;
};

}  // namespace

std::string_view to_string(ImportPlaylistPlan::Status status) {
  return name_in(kStatusNames, status);
}

Result<ImportProposal> propose_import(PlaylistStore& playlists, const SpotifyAccount& account,
                                      const ImportDocument& document,
                                      const std::vector<RowMatch>& matches,
                                      const ImportPlanOptions& options) {
  const std::size_t to_match = document.rows_to_match().size();
  if (matches.size() != to_match) {
    return invalid("the file has " + counted(static_cast<std::int64_t>(to_match), "row", "rows") +
                   " to match, and " + std::to_string(matches.size()) +
                   " match results were given");
  }
  return ImportPlanner(playlists, account, document, matches).plan(options);
}

Result<ImportApplication> import_to_apply(const ImportProposal& proposal,
                                          const std::vector<std::string>& playlist_ids) {
  const std::set<std::string> chosen(playlist_ids.begin(), playlist_ids.end());
  for (const auto& id : chosen) {
    const bool changes =
        std::any_of(proposal.playlists.begin(), proposal.playlists.end(), [&](const auto& plan) {
          return plan.playlist_id == id && plan.status == PlanStatus::Change;
        });
    if (!changes) {
      return make_error(ErrorCode::NotFound,
                        "playlist " + id.substr(0, 64) + " is not one this import changes");
    }
  }
  ImportApplication application;
  std::vector<BatchEntryPlan> entries;
  bool waiting = false;
  for (const auto& plan : proposal.playlists) {
    if (!chosen.empty() && (!plan.playlist_id || !chosen.contains(*plan.playlist_id))) continue;
    waiting = waiting || plan.status == PlanStatus::NeedsDecision;
    if (plan.status != PlanStatus::Change) continue;
    if (plan.entry) {
      const auto& entry = proposal.batch.plan.entries[*plan.entry];
      if (entry.status == EntryStatus::Change) entries.push_back(entry);
    }
    if (plan.tags) application.tags.emplace_back(*plan.playlist_id, *plan.tags);
  }
  if (entries.empty() && application.tags.empty()) {
    if (waiting) {
      return invalid(
          "nothing to apply yet: the playlists that would change wait for decisions "
          "on their rows");
    }
    return invalid("nothing to apply: the playlists already are what the file says");
  }
  const auto changed = static_cast<std::int64_t>(std::count_if(
      proposal.playlists.begin(), proposal.playlists.end(), [&](const ImportPlaylistPlan& plan) {
        return plan.status == PlanStatus::Change &&
               (chosen.empty() || (plan.playlist_id && chosen.contains(*plan.playlist_id)));
      }));
  // The proposal's summary starts with the file's label; its duration estimate is redone at the
  // default budget (the entries kept are a part of the proposal's).
  const auto& summary = proposal.batch.summary;
  const auto label_end = summary.rfind(": ");
  application.batch.summary =
      (label_end == std::string::npos ? std::string("import") : summary.substr(0, label_end)) +
      ": " + changes_text(changed);
  application.batch.plan = plan_of(std::move(entries), BatchPlanOptions{});
  return application;
}

}  // namespace plm::core
