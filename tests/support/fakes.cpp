#include "support/fakes.hpp"

#include <algorithm>

#include "core/model/text.hpp"

namespace plm::test_support {

using core::ErrorCode;
using core::make_error;

// ---- FakeSpotifyApi ----------------------------------------------------------------------------

std::optional<core::Error> FakeSpotifyApi::begin_call() {
  ++counters_.calls;
  if (hook_) hook_(counters_.calls);
  const auto found = failures_.find(counters_.calls);
  if (found == failures_.end()) return std::nullopt;
  return found->second;
}

FakeSpotifyApi::FakePlaylist* FakeSpotifyApi::find(const std::string& id) {
  for (auto& playlist : playlists_) {
    if (playlist.summary.id == id) return &playlist;
  }
  return nullptr;
}

void FakeSpotifyApi::touch(FakePlaylist& playlist) {
  playlist.summary.snapshot_id = "snapshot-" + std::to_string(++version_);
  playlist.summary.item_count = static_cast<std::int64_t>(playlist.items.size());
}

void FakeSpotifyApi::put_playlist(core::PlaylistSummary summary,
                                  std::vector<core::PlaylistItem> items) {
  if (FakePlaylist* existing = find(summary.id)) {
    existing->summary = std::move(summary);
    existing->items = std::move(items);
    touch(*existing);
    return;
  }
  playlists_.push_back(FakePlaylist{std::move(summary), std::move(items)});
  touch(playlists_.back());
}

void FakeSpotifyApi::remove_playlist(const std::string& id) {
  std::erase_if(playlists_,
                [&](const FakePlaylist& playlist) { return playlist.summary.id == id; });
}

void FakeSpotifyApi::set_items(const std::string& id, std::vector<core::PlaylistItem> items) {
  if (FakePlaylist* playlist = find(id)) {
    playlist->items = std::move(items);
    touch(*playlist);
  }
}

core::Result<core::SpotifyProfile> FakeSpotifyApi::current_user() {
  if (auto error = begin_call()) return *error;
  return core::SpotifyProfile{user_id_, user_id_, ""};
}

core::Result<core::Page<core::PlaylistSummary>> FakeSpotifyApi::my_playlists(std::int64_t offset,
                                                                             int limit) {
  if (auto error = begin_call()) return *error;
  core::Page<core::PlaylistSummary> page;
  page.offset = offset;
  page.total = static_cast<std::int64_t>(playlists_.size());
  std::int64_t sent = 0;
  for (auto i = offset; i < page.total && i < offset + limit; ++i, ++sent) {
    const auto& summary = playlists_[static_cast<std::size_t>(i)].summary;
    if (nulls_in_listing_.count(summary.id)) continue;  // sent as null, dropped by the parser
    page.items.push_back(summary);
  }
  page.has_next = offset + limit < page.total;
  page.next_offset = offset + sent;
  return page;
}

core::Result<core::Page<core::PlaylistItem>> FakeSpotifyApi::playlist_items(
    const std::string& playlist_id, std::int64_t offset, int limit) {
  if (auto error = begin_call()) return *error;
  FakePlaylist* playlist = find(playlist_id);
  if (!playlist) return make_error(ErrorCode::NotFound, "playlist " + playlist_id + " not found");
  core::Page<core::PlaylistItem> page;
  page.offset = offset;
  page.total = static_cast<std::int64_t>(playlist->items.size());
  for (auto i = offset; i < page.total && i < offset + limit; ++i) {
    page.items.push_back(playlist->items[static_cast<std::size_t>(i)]);
  }
  page.has_next = always_has_next_ || offset + limit < page.total;
  if (const auto reported = reported_totals_.find(playlist_id);
      reported != reported_totals_.end()) {
    page.total = reported->second;
  }
  page.next_offset = offset + static_cast<std::int64_t>(page.items.size());
  return page;
}

core::Result<core::PlaylistSummary> FakeSpotifyApi::playlist(const std::string& playlist_id) {
  if (auto error = begin_call()) return *error;
  FakePlaylist* playlist = find(playlist_id);
  if (!playlist) return make_error(ErrorCode::NotFound, "playlist " + playlist_id + " not found");
  return playlist->summary;
}

core::Result<std::string> FakeSpotifyApi::add_items(const std::string& playlist_id,
                                                    const std::vector<std::string>& uris,
                                                    std::optional<std::int64_t> position) {
  if (auto error = begin_call()) return *error;
  FakePlaylist* playlist = find(playlist_id);
  if (!playlist) return make_error(ErrorCode::NotFound, "playlist " + playlist_id + " not found");
  std::vector<core::PlaylistItem> added;
  for (const auto& uri : uris)
    added.push_back(core::PlaylistItem{uri, "", user_id_, false, false, {}});
  const auto at = position ? static_cast<std::ptrdiff_t>(*position)
                           : static_cast<std::ptrdiff_t>(playlist->items.size());
  playlist->items.insert(playlist->items.begin() + at, added.begin(), added.end());
  touch(*playlist);
  return playlist->summary.snapshot_id;
}

core::Result<std::string> FakeSpotifyApi::remove_items(const std::string& playlist_id,
                                                       const std::vector<std::string>& uris) {
  if (auto error = begin_call()) return *error;
  FakePlaylist* playlist = find(playlist_id);
  if (!playlist) return make_error(ErrorCode::NotFound, "playlist " + playlist_id + " not found");
  std::erase_if(playlist->items, [&](const core::PlaylistItem& item) {
    return std::find(uris.begin(), uris.end(), item.uri) != uris.end();
  });
  touch(*playlist);
  return playlist->summary.snapshot_id;
}

core::Result<std::string> FakeSpotifyApi::reorder_items(const std::string& playlist_id,
                                                        std::int64_t range_start,
                                                        std::int64_t insert_before,
                                                        std::int64_t range_length) {
  if (auto error = begin_call()) return *error;
  FakePlaylist* playlist = find(playlist_id);
  if (!playlist) return make_error(ErrorCode::NotFound, "playlist " + playlist_id + " not found");
  auto& items = playlist->items;
  std::vector<core::PlaylistItem> moved(items.begin() + range_start,
                                        items.begin() + range_start + range_length);
  items.erase(items.begin() + range_start, items.begin() + range_start + range_length);
  const auto target = insert_before > range_start ? insert_before - range_length : insert_before;
  items.insert(items.begin() + target, moved.begin(), moved.end());
  touch(*playlist);
  return playlist->summary.snapshot_id;
}

core::Result<std::string> FakeSpotifyApi::replace_items(const std::string& playlist_id,
                                                        const std::vector<std::string>& uris) {
  if (auto error = begin_call()) return *error;
  FakePlaylist* playlist = find(playlist_id);
  if (!playlist) return make_error(ErrorCode::NotFound, "playlist " + playlist_id + " not found");
  playlist->items.clear();
  for (const auto& uri : uris)
    playlist->items.push_back(core::PlaylistItem{uri, "", user_id_, false, false, {}});
  touch(*playlist);
  return playlist->summary.snapshot_id;
}

core::Result<core::PlaylistSummary> FakeSpotifyApi::create_playlist(const std::string& name,
                                                                    const std::string& description,
                                                                    bool is_public,
                                                                    bool collaborative) {
  if (auto error = begin_call()) return *error;
  core::PlaylistSummary summary;
  summary.id = "fake" + std::to_string(playlists_.size() + 1);
  summary.name = name;
  summary.description = description;
  summary.owner_id = user_id_;
  summary.is_public = is_public;
  summary.collaborative = collaborative;
  playlists_.insert(playlists_.begin(), FakePlaylist{summary, {}});
  touch(playlists_.front());
  return playlists_.front().summary;
}

core::Result<core::TrackInfo> FakeSpotifyApi::track(const std::string& track_id) {
  if (auto error = begin_call()) return *error;
  return core::TrackInfo{"spotify:track:" + track_id,
                         "Track " + track_id,
                         {"Artist"},
                         "Album",
                         "",
                         180'000,
                         "",
                         false};
}

core::Result<core::Page<core::TrackInfo>> FakeSpotifyApi::search_tracks(
    const std::string& /*query*/, std::int64_t offset, int /*limit*/) {
  if (auto error = begin_call()) return *error;
  core::Page<core::TrackInfo> page;
  page.offset = offset;
  return page;
}

// ---- InMemoryStore -----------------------------------------------------------------------------

core::Status InMemoryStore::in_transaction(
    const std::function<core::Status(core::TransactionPorts&)>& work) {
  struct Ports final : core::TransactionPorts {
    explicit Ports(InMemoryStore& owner) : store(owner) {}
    core::UserStore& users() override { return store; }
    core::AccountStore& accounts() override { return store; }
    core::PlaylistStore& playlists() override { return store; }
    core::SessionStore& sessions() override { return store; }
    InMemoryStore& store;
  } ports(*this);
  const InMemoryStore before = *this;
  try {
    auto status = work(ports);
    if (!status) *this = before;
    return status;
  } catch (...) {
    *this = before;
    throw;
  }
}

core::Result<core::AppUser> InMemoryStore::create_user(const std::string& username,
                                                       const std::string& password_hash,
                                                       core::Role role) {
  for (const auto& user : users_) {
    if (user.username == username)
      return make_error(ErrorCode::Conflict, "username " + username + " is taken");
  }
  users_.push_back(
      core::AppUser{++last_user_id_, username, password_hash, role, "2026-11-01T00:00:00Z"});
  return users_.back();
}

core::Result<std::optional<core::AppUser>> InMemoryStore::find_user(std::int64_t id) {
  for (const auto& user : users_) {
    if (user.id == id) return std::optional<core::AppUser>(user);
  }
  return std::optional<core::AppUser>();
}

core::Result<std::optional<core::AppUser>> InMemoryStore::find_user_by_name(
    const std::string& username) {
  for (const auto& user : users_) {
    if (user.username == username) return std::optional<core::AppUser>(user);
  }
  return std::optional<core::AppUser>();
}

core::Result<std::vector<core::AppUser>> InMemoryStore::list_users() { return users_; }

bool InMemoryStore::has_user(std::int64_t id) const {
  return std::any_of(users_.begin(), users_.end(),
                     [&](const core::AppUser& user) { return user.id == id; });
}

core::Status InMemoryStore::set_password_hash(std::int64_t user_id, const std::string& hash) {
  for (auto& user : users_) {
    if (user.id == user_id) {
      user.password_hash = hash;
      return core::ok();
    }
  }
  return make_error(ErrorCode::NotFound, "user " + std::to_string(user_id) + " not found");
}

core::Status InMemoryStore::set_role(std::int64_t user_id, core::Role role) {
  for (auto& user : users_) {
    if (user.id == user_id) {
      user.role = role;
      return core::ok();
    }
  }
  return make_error(ErrorCode::NotFound, "user " + std::to_string(user_id) + " not found");
}

core::Status InMemoryStore::delete_user(std::int64_t user_id) {
  if (!has_user(user_id)) {
    return make_error(ErrorCode::NotFound, "user " + std::to_string(user_id) + " not found");
  }
  std::erase_if(users_, [&](const core::AppUser& user) { return user.id == user_id; });
  std::erase_if(sessions_, [&](const auto& entry) { return entry.second.app_user_id == user_id; });
  std::erase_if(oauth_states_,
                [&](const auto& entry) { return entry.second.app_user_id == user_id; });
  std::vector<std::int64_t> owned;
  for (const auto& [id, account] : accounts_) {
    if (account.app_user_id == user_id) owned.push_back(id);
  }
  for (const auto id : owned) (void)delete_account(id);
  return core::ok();
}

core::Result<std::int64_t> InMemoryStore::upsert_account(const core::SpotifyAccount& account) {
  for (auto& [id, existing] : accounts_) {
    if (existing.app_user_id == account.app_user_id &&
        existing.spotify_user_id == account.spotify_user_id) {
      // Reconnecting keeps the last-synced time: the account's playlists stay.
      const std::string last_synced_at = existing.last_synced_at;
      existing = account;
      existing.id = id;
      existing.last_synced_at = last_synced_at;
      return id;
    }
  }
  if (!has_user(account.app_user_id)) {
    return make_error(ErrorCode::NotFound,
                      "user " + std::to_string(account.app_user_id) + " not found");
  }
  const auto id = ++last_account_id_;
  accounts_[id] = account;
  accounts_[id].id = id;
  return id;
}

core::Result<std::optional<core::SpotifyAccount>> InMemoryStore::find_account(
    std::int64_t account_id) {
  const auto found = accounts_.find(account_id);
  if (found == accounts_.end()) return std::optional<core::SpotifyAccount>();
  return std::optional<core::SpotifyAccount>(found->second);
}

core::Result<std::vector<core::SpotifyAccount>> InMemoryStore::accounts_of(
    std::int64_t app_user_id) {
  std::vector<core::SpotifyAccount> result;
  for (const auto& [id, account] : accounts_) {
    if (account.app_user_id == app_user_id) result.push_back(account);
  }
  return result;
}

core::Status InMemoryStore::save_tokens(std::int64_t account_id,
                                        const core::AccountTokens& tokens) {
  const auto found = accounts_.find(account_id);
  if (found == accounts_.end()) return make_error(ErrorCode::NotFound, "account not found");
  found->second.tokens = tokens;
  return core::ok();
}

core::Status InMemoryStore::set_account_status(std::int64_t account_id,
                                               core::AccountStatus status) {
  const auto found = accounts_.find(account_id);
  if (found == accounts_.end()) return make_error(ErrorCode::NotFound, "account not found");
  found->second.status = status;
  return core::ok();
}

core::Status InMemoryStore::delete_account(std::int64_t account_id) {
  if (accounts_.erase(account_id) == 0) {
    return make_error(ErrorCode::NotFound, "account " + std::to_string(account_id) + " not found");
  }
  playlists_.erase(account_id);
  return core::ok();
}

core::Result<std::vector<core::StoredPlaylist>> InMemoryStore::playlists_of(
    std::int64_t account_id) {
  std::vector<const Row*> rows;
  for (const auto& [id, row] : playlists_[account_id]) rows.push_back(&row);
  std::sort(rows.begin(), rows.end(),
            [](const Row* a, const Row* b) { return a->list_position < b->list_position; });
  std::vector<core::StoredPlaylist> result;
  for (const Row* row : rows) result.push_back(row->stored);
  return result;
}

core::Result<std::optional<core::StoredPlaylist>> InMemoryStore::find_playlist(
    std::int64_t account_id, const std::string& playlist_id) {
  const auto& rows = playlists_[account_id];
  const auto found = rows.find(playlist_id);
  if (found == rows.end()) return std::optional<core::StoredPlaylist>();
  return std::optional<core::StoredPlaylist>(found->second.stored);
}

core::Status InMemoryStore::save_playlist(std::int64_t account_id, std::int64_t list_position,
                                          const core::PlaylistSummary& summary,
                                          const std::vector<core::PlaylistItem>& items) {
  if (const auto rejected = rejected_.find(summary.id); rejected != rejected_.end())
    return rejected->second;
  auto& row = playlists_[account_id][summary.id];
  row.list_position = list_position;
  row.stored.summary = summary;
  row.stored.items_snapshot_id = summary.snapshot_id;
  row.stored.stored_item_count = static_cast<std::int64_t>(items.size());
  row.items = items;
  ++saves_;
  return core::ok();
}

core::Status InMemoryStore::save_playlist_summary(std::int64_t account_id,
                                                  std::int64_t list_position,
                                                  const core::PlaylistSummary& summary) {
  auto& row = playlists_[account_id][summary.id];
  row.list_position = list_position;
  row.stored.summary = summary;
  ++saves_;
  return core::ok();
}

core::Status InMemoryStore::set_playlist_tags(std::int64_t account_id,
                                              const std::string& playlist_id,
                                              const std::vector<std::string>& tags) {
  auto normalized = core::normalize_tags(tags);
  if (!normalized) return normalized.error();
  auto& rows = playlists_[account_id];
  const auto found = rows.find(playlist_id);
  if (found == rows.end()) {
    return make_error(ErrorCode::NotFound, "playlist " + playlist_id + " of account " +
                                               std::to_string(account_id) + " not found");
  }
  found->second.stored.tags = std::move(*normalized);
  return core::ok();
}

core::Status InMemoryStore::remove_playlists_except(std::int64_t account_id,
                                                    const std::vector<std::string>& keep) {
  std::erase_if(playlists_[account_id], [&](const auto& entry) {
    return std::find(keep.begin(), keep.end(), entry.first) == keep.end();
  });
  return core::ok();
}

core::Result<std::vector<core::PlaylistItem>> InMemoryStore::playlist_items(
    std::int64_t account_id, const std::string& playlist_id) {
  const auto& rows = playlists_[account_id];
  const auto found = rows.find(playlist_id);
  if (found == rows.end())
    return make_error(ErrorCode::NotFound, "playlist " + playlist_id + " not stored");
  return found->second.items;
}

core::Status InMemoryStore::mark_synced(std::int64_t account_id, const std::string& synced_at) {
  const auto found = accounts_.find(account_id);
  if (found != accounts_.end()) found->second.last_synced_at = synced_at;
  return core::ok();
}

// ---- SessionStore ------------------------------------------------------------------------------

core::Status InMemoryStore::create_session(const core::Session& session) {
  if (session.id_hash.empty()) return make_error(ErrorCode::InvalidInput, "empty session id");
  if (!has_user(session.app_user_id)) {
    return make_error(ErrorCode::NotFound,
                      "user " + std::to_string(session.app_user_id) + " not found");
  }
  core::Session stored = session;
  stored.user_agent = core::clean_text(session.user_agent);
  stored.remote_address = core::clean_text(session.remote_address);
  if (!sessions_.emplace(session.id_hash, std::move(stored)).second) {
    return make_error(ErrorCode::Conflict, "session exists");
  }
  return core::ok();
}

core::Result<std::optional<core::Session>> InMemoryStore::find_session(const std::string& id_hash) {
  const auto found = sessions_.find(id_hash);
  if (found == sessions_.end()) return std::optional<core::Session>();
  return std::optional<core::Session>(found->second);
}

core::Status InMemoryStore::touch_session(const std::string& id_hash, std::int64_t last_seen_at,
                                          std::int64_t expires_at) {
  const auto found = sessions_.find(id_hash);
  if (found == sessions_.end()) return make_error(ErrorCode::NotFound, "session not found");
  found->second.last_seen_at = last_seen_at;
  found->second.expires_at = expires_at;
  return core::ok();
}

core::Status InMemoryStore::delete_session(const std::string& id_hash) {
  sessions_.erase(id_hash);
  return core::ok();
}

core::Status InMemoryStore::delete_sessions_of(std::int64_t app_user_id,
                                               const std::string& except_id_hash) {
  std::erase_if(sessions_, [&](const auto& entry) {
    return entry.second.app_user_id == app_user_id && entry.first != except_id_hash;
  });
  return core::ok();
}

core::Result<std::int64_t> InMemoryStore::delete_expired_sessions(std::int64_t now) {
  return static_cast<std::int64_t>(
      std::erase_if(sessions_, [&](const auto& entry) { return entry.second.expires_at <= now; }));
}

core::Status InMemoryStore::save_oauth_state(const core::OAuthState& state) {
  if (state.state.empty()) return make_error(ErrorCode::InvalidInput, "empty OAuth state");
  if (!has_user(state.app_user_id)) {
    return make_error(ErrorCode::NotFound,
                      "user " + std::to_string(state.app_user_id) + " not found");
  }
  if (!oauth_states_.emplace(state.state, state).second) {
    return make_error(ErrorCode::Conflict, "OAuth state exists");
  }
  return core::ok();
}

core::Result<std::optional<core::OAuthState>> InMemoryStore::take_oauth_state(
    const std::string& state, std::int64_t now) {
  const auto found = oauth_states_.find(state);
  if (found == oauth_states_.end()) return std::optional<core::OAuthState>();
  core::OAuthState taken = std::move(found->second);
  oauth_states_.erase(found);
  if (taken.expires_at <= now) return std::optional<core::OAuthState>();
  return std::optional<core::OAuthState>(std::move(taken));
}

core::Status InMemoryStore::delete_expired_oauth_states(std::int64_t now) {
  std::erase_if(oauth_states_, [&](const auto& entry) { return entry.second.expires_at <= now; });
  return core::ok();
}

}  // namespace plm::test_support
