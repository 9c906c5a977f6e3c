// Edits of one playlist: the preview (nothing sent) and the edit job (POST …/edits/preview and
// …/edits), the cover upload (PUT …/cover), and the catalog search the editor adds tracks from.
// A request is checked and planned the same way for the preview and the job, so a request that
// cannot be planned is refused before any job exists.

#include <random>

#include "core/journal/restore_request.hpp"
#include "core/write/playlist_edits.hpp"
#include "web/edit_json.hpp"
#include "web/handlers.hpp"

namespace plm::web {

namespace {

using core::ErrorCode;

constexpr int kDefaultSearchPage = 10;
constexpr std::int64_t kMaxSearchOffset = 1000;
constexpr std::size_t kMaxQueryLength = 200;

core::Error invalid(const std::string& message) {
  return core::make_error(ErrorCode::InvalidInput, message);
}

/// The route's playlist, owned by one of the user's accounts (404 otherwise) and one that account
/// may change on Spotify: its own or a collaborative one (403 otherwise).
core::Result<App::OwnedPlaylist> editable_playlist(App& app, const Context& context) {
  auto owned = app.owned_playlist(context);
  if (!owned) return owned.error();
  const core::PlaylistSummary& summary = owned->playlist.summary;
  if (summary.owner_id != owned->account.spotify_user_id && !summary.collaborative) {
    return core::make_error(ErrorCode::Forbidden,
                            "playlist " + summary.id + " belongs to Spotify user " +
                                summary.owner_id + ": only its owner (or its collaborators) can " +
                                "change it");
  }
  return owned;
}

/// A request read, resolved against the stored items it was made against and planned.
struct PlannedEdit {
  App::OwnedPlaylist owned;
  EditBody body;
  std::vector<core::PlaylistItem> items;
  core::PlaylistDetails details_now;
  core::EditProposal proposal;
};

core::Result<PlannedEdit> plan_request(App& app, const Context& context) {
  auto owned = editable_playlist(app, context);
  if (!owned) return owned.error();
  auto body = parse_edit_body(context.body);
  if (!body) return body.error();
  const core::StoredPlaylist& playlist = owned->playlist;
  const std::string id = playlist.summary.id;  // a copy: `owned` moves into the result below
  if (playlist.items_snapshot_id.empty()) {
    return core::make_error(ErrorCode::Conflict,
                            "the tracks of playlist " + id + " are not stored yet: sync it first");
  }
  if (playlist.items_snapshot_id != body->planned_snapshot) {
    return core::make_error(ErrorCode::Conflict,
                            "playlist " + id + " changed: its tracks are now at snapshot " +
                                playlist.items_snapshot_id + ", the edit was made against '" +
                                body->planned_snapshot.substr(0, 100) + "'; reload it and edit " +
                                "again");
  }
  auto items = app.deps.playlists.playlist_items(owned->account.id, id);
  if (!items) return items.error();
  PlannedEdit planned{std::move(*owned), std::move(*body), std::move(*items), {}, {}};
  planned.details_now = core::details_of(planned.owned.playlist.summary);
  EditBody& edit = planned.body;
  if (edit.kind == "restore" || edit.kind == "undo") {
    const auto account_id = planned.owned.account.id;
    auto resolved = edit.kind == "restore"
                        ? core::restore_request(app.deps.journal, account_id, id, *edit.version,
                                                planned.details_now)
                        : core::undo_request(app.deps.journal, account_id, id, *edit.version,
                                             planned.details_now);
    if (!resolved) return resolved.error();
    resolved->allow_replace = edit.request.allow_replace;
    edit.request = std::move(*resolved);
  }
  if (edit.request.kind == core::EditRequest::Kind::Shuffle && !edit.seed_given)
    edit.request.shuffle_seed = random_seed();
  auto proposal = core::propose_edit(edit.request, planned.items);
  if (!proposal) return proposal.error();
  planned.proposal = std::move(*proposal);
  return planned;
}

/// The history's record of the edit: who, from where, what and why.
core::VersionCause cause_of(const EditBody& body, std::int64_t user_id) {
  core::VersionCause cause;
  cause.kind = body.kind == "restore" ? core::VersionCauseKind::Restore
               : body.kind == "undo"  ? core::VersionCauseKind::Undo
                                      : core::VersionCauseKind::Edit;
  cause.app_user_id = user_id;
  cause.origin = std::string(core::kOriginWeb);
  cause.action = body.kind;
  cause.why = body.why;
  cause.restored_version = body.version;
  return cause;
}

}  // namespace

std::uint64_t random_seed() {
  std::random_device device;
  const std::uint64_t high = device();
  const std::uint64_t low = device();
  return ((high << 32) | low) & ((std::uint64_t{1} << 53) - 1);
}

http::Response search_tracks(App& app, Context& context) {
  auto account = app.owned_account(context, context.param("account_id"));
  if (!account) return app.fail(account.error());
  const auto& request = context.request;
  const auto query = request.query_param("q");
  if (!query || query->empty()) return app.fail(invalid("'q' is required: the words to look for"));
  std::size_t length = 0;
  for (const char c : *query) length += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (length > kMaxQueryLength) {
    return app.fail(invalid("'q' must have at most " + std::to_string(kMaxQueryLength) +
                            " characters, got " + std::to_string(length)));
  }
  std::int64_t offset = 0;
  if (const auto text = request.query_param("offset")) {
    const auto number = whole_number(*text);
    if (!number || *number < 0 || *number > kMaxSearchOffset)
      return app.fail(
          invalid("'offset' must be a number from 0 to " + std::to_string(kMaxSearchOffset)));
    offset = *number;
  }
  int limit = kDefaultSearchPage;
  if (const auto text = request.query_param("limit")) {
    const auto number = whole_number(*text);
    if (!number || *number < 1 || *number > core::SpotifyApi::kMaxSearchPage) {
      return app.fail(invalid("'limit' must be a number from 1 to " +
                              std::to_string(core::SpotifyApi::kMaxSearchPage)));
    }
    limit = static_cast<int>(*number);
  }
  if (account->status == core::AccountStatus::NeedsReauth) {
    return error_response(409, "needs_reauth",
                          "Spotify account " + account->spotify_user_id +
                              " must be connected again before plm can search with it");
  }
  auto spotify = app.deps.spotify.spotify_for(*account);
  auto page = spotify->search_tracks(std::string(*query), offset, limit);
  if (!page) return app.fail(page.error());
  return http::Response::json(200, dump(track_search_value(*page)));
}

http::Response preview_edit(App& app, Context& context) {
  auto planned = plan_request(app, context);
  if (!planned) return app.fail(planned.error());
  const core::EditRequest& request = planned->body.request;
  const std::optional<std::uint64_t> seed = request.kind == core::EditRequest::Kind::Shuffle
                                                ? std::optional(request.shuffle_seed)
                                                : std::nullopt;
  return http::Response::json(
      200,
      dump(edit_preview_value(planned->proposal, planned->items, planned->body.planned_snapshot,
                              request.details, planned->details_now, seed)));
}

http::Response apply_edit(App& app, Context& context) {
  auto planned = plan_request(app, context);
  if (!planned) return app.fail(planned.error());
  const auto& account = planned->owned.account;
  return start_job(app, account, "change it", [&] {
    return app.deps.job_control.edit_playlist(
        PlaylistEditJob{.owner_user_id = context.user_id(),
                        .account_id = account.id,
                        .playlist_id = planned->owned.playlist.summary.id,
                        .planned_snapshot = planned->body.planned_snapshot,
                        .request = planned->body.request,
                        .cause = cause_of(planned->body, context.user_id())});
  });
}

http::Response upload_cover(App& app, Context& context) {
  auto owned = editable_playlist(app, context);
  if (!owned) return app.fail(owned.error());
  const std::string_view bytes = context.upload->bytes;
  // Every JPEG starts with a start-of-image marker and a first segment marker: FF D8 FF.
  if (bytes.size() < 3 || static_cast<unsigned char>(bytes[0]) != 0xFF ||
      static_cast<unsigned char>(bytes[1]) != 0xD8 ||
      static_cast<unsigned char>(bytes[2]) != 0xFF) {
    return app.fail(invalid("the file is not a JPEG (it does not start like one)"));
  }
  auto request = core::EditRequest::cover(std::string(bytes));
  if (auto checked = core::check_cover(request.cover_jpeg); !checked)
    return app.fail(checked.error());
  const auto& account = owned->account;
  core::VersionCause cause;
  cause.kind = core::VersionCauseKind::Edit;
  cause.app_user_id = context.user_id();
  cause.origin = std::string(core::kOriginWeb);
  cause.action = "cover";
  return start_job(app, account, "change it", [&] {
    return app.deps.job_control.edit_playlist(
        PlaylistEditJob{.owner_user_id = context.user_id(),
                        .account_id = account.id,
                        .playlist_id = owned->playlist.summary.id,
                        .planned_snapshot = owned->playlist.items_snapshot_id,
                        .request = std::move(request),
                        .cause = std::move(cause)});
  });
}

}  // namespace plm::web
