#include "core/journal/restore_request.hpp"

#include <utility>
#include <vector>

namespace plm::core {

PlaylistDetailsChange details_change_to(const PlaylistDetails& before,
                                        const PlaylistDetails& target) {
  PlaylistDetailsChange change;
  if (target.name != before.name && !target.name.empty()) change.name = target.name;
  if (target.description != before.description && !target.description.empty())
    change.description = target.description;
  if (target.is_public != before.is_public) change.is_public = target.is_public;
  if (target.collaborative != before.collaborative) change.collaborative = target.collaborative;
  return change;
}

Result<EditRequest> restore_request(PlaylistJournal& journal, std::int64_t account_id,
                                    const std::string& playlist_id, std::int64_t version,
                                    const PlaylistDetails& details_now) {
  auto found = journal.find_version(account_id, playlist_id, version);
  if (!found) return found.error();
  if (!*found) {
    return make_error(ErrorCode::NotFound, "version " + std::to_string(version) + " of playlist " +
                                               playlist_id.substr(0, 64) +
                                               " is not recorded (its history lists the versions)");
  }
  std::vector<std::string> uris;
  uris.reserve((*found)->items.size());
  for (const auto& item : (*found)->items) uris.push_back(item.uri);
  auto request = EditRequest::restore(std::move(uris));
  request.details = details_change_to(details_now, (*found)->details);
  return request;
}

Result<EditRequest> undo_request(PlaylistJournal& journal, std::int64_t account_id,
                                 const std::string& playlist_id, std::int64_t version,
                                 const PlaylistDetails& details_now) {
  auto latest = journal.list_versions(account_id, playlist_id, {.limit = 1});
  if (!latest) return latest.error();
  const std::string named = "version " + std::to_string(version);
  if (latest->empty() || latest->front().sequence < version) {
    return make_error(ErrorCode::NotFound, named + " of playlist " + playlist_id.substr(0, 64) +
                                               " is not recorded (its history lists the versions)");
  }
  const RecordedVersion& last = latest->front();
  if (last.sequence != version) {
    return make_error(ErrorCode::Conflict, "a later change exists (version " +
                                               std::to_string(last.sequence) + "): " + named +
                                               " can no longer be undone; restore a version "
                                               "instead");
  }
  if (last.cause.kind == VersionCauseKind::Sync || version < 2) {
    return make_error(ErrorCode::Conflict, named + " was not made by plm (" +
                                               std::string(to_string(last.cause.kind)) + ": " +
                                               last.cause.why + "); restore a version instead");
  }
  return restore_request(journal, account_id, playlist_id, version - 1, details_now);
}

}  // namespace plm::core
