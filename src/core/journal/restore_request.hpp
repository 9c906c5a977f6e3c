#pragma once
/// Restore and undo as edit requests, from the journal (issue 9 §3, issue 10 §3): the list and
/// details of a recorded version. The web routes, the CLI and the batch job (an undo of a batch
/// resolves each playlist's undo when it runs) build them with these functions.

#include <cstdint>
#include <string>

#include "core/edit/edit_request.hpp"
#include "core/journal/playlist_version.hpp"
#include "core/ports/playlist_journal.hpp"
#include "core/result.hpp"

namespace plm::core {

/// The change that makes `before` into `target` (the fields that differ). A target description
/// that is empty is left out: Spotify refuses an empty description (spotify-api.md §4.3).
PlaylistDetailsChange details_change_to(const PlaylistDetails& before,
                                        const PlaylistDetails& target);

// ---- restore and undo: the list and details of a recorded version (the web app and the CLI) ----

/// The request that makes the playlist version `version` again: its items (SetList-like, kind
/// Restore) and its details that differ from `details_now`. NotFound when the journal has no such
/// version of the playlist.
Result<EditRequest> restore_request(PlaylistJournal& journal, std::int64_t account_id,
                                    const std::string& playlist_id, std::int64_t version,
                                    const PlaylistDetails& details_now);

/// The request that undoes version `version`: the restore of the version before it, allowed only
/// when `version` is the latest recorded one and plm made it (an edit, a restore or an undo);
/// Conflict otherwise, saying that a later change exists or that the change was not plm's (a
/// restore is the way then). NotFound for an unknown version.
Result<EditRequest> undo_request(PlaylistJournal& journal, std::int64_t account_id,
                                 const std::string& playlist_id, std::int64_t version,
                                 const PlaylistDetails& details_now);

}  // namespace plm::core
