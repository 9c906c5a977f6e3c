#include "support/fakes.hpp"

#include <algorithm>

#include "core/model/text.hpp"
#include "core/write/playlist_edits.hpp"

namespace plm::test_support {

using core::ErrorCode;
using core::make_error;

// ---- FakeSpotifyApi ----------------------------------------------------------------------------

namespace {

/// Characters (UTF-8 code points), which Spotify's name and description limits count.
std::size_t utf8_length(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

constexpr std::size_t kMaxNameChars = 200;
constexpr std::size_t kMaxDescriptionChars = 300;

core::Status check_name(const std::string& name) {
  if (name.empty()) return make_error(ErrorCode::InvalidInput, "Missing required field: name");
  if (utf8_length(name) > kMaxNameChars)
    return make_error(ErrorCode::InvalidInput, "Playlist name is too long");
  return core::ok();
}

core::Status check_description(const std::string& description) {
  if (utf8_length(description) > kMaxDescriptionChars)
    return make_error(ErrorCode::InvalidInput, "Description is too long");
  if (description.find_first_of("\r\n") != std::string::npos)
    return make_error(ErrorCode::InvalidInput, "Description must not contain line breaks");
  return core::ok();
}

core::Status check_visibility(bool is_public, bool collaborative) {
  if (collaborative && is_public) {
    return make_error(ErrorCode::InvalidInput,
                      "You can only set collaborative to true on non-public playlists.");
  }
  return core::ok();
}

core::Error bad_gateway() { return make_error(ErrorCode::Unavailable, "spotify answered 502"); }

}  // namespace

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

const FakeSpotifyApi::FakePlaylist* FakeSpotifyApi::find_playlist(const std::string& id) const {
  for (const auto& playlist : playlists_) {
    if (playlist.summary.id == id) return &playlist;
  }
  return nullptr;
}

core::Result<FakeSpotifyApi::FakePlaylist*> FakeSpotifyApi::visible(const std::string& id) {
  FakePlaylist* playlist = find(id);
  if (!playlist || (!playlist->summary.is_public && playlist->summary.owner_id != user_id_ &&
                    !playlist->followed)) {
    return make_error(ErrorCode::NotFound, "playlist " + id + " not found");
  }
  return playlist;
}

void FakeSpotifyApi::touch(FakePlaylist& playlist) {
  playlist.summary.snapshot_id = "snapshot-" + std::to_string(++version_);
  playlist.summary.item_count = static_cast<std::int64_t>(playlist.items.size());
  // An uploaded cover's URL names the version, as the emulator's does.
  if (!playlist.cover_jpeg.empty()) {
    playlist.summary.image_url =
        "fake-cover:" + playlist.summary.id + "-" + std::to_string(version_);
  }
}

core::PlaylistItem FakeSpotifyApi::new_item(const std::string& uri) const {
  return core::PlaylistItem{uri, std::nullopt, user_id_, false, false, {}};
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

void FakeSpotifyApi::set_followed(const std::string& id, bool followed) {
  if (FakePlaylist* playlist = find(id)) playlist->followed = followed;
}

void FakeSpotifyApi::inject_write(std::int64_t write_number, Injected injected,
                                  std::optional<core::Error> error) {
  injections_[write_number] = {injected, std::move(error)};
}

FakeSpotifyApi::WriteStart FakeSpotifyApi::begin_write() {
  if (auto error = begin_call()) return {core::WriteOutcome::not_applied(*error), std::nullopt};
  const auto found = injections_.find(++writes_);
  if (found == injections_.end()) return {};
  const auto& [injected, error] = found->second;
  const core::Error lost = error.value_or(bad_gateway());
  switch (injected) {
    case Injected::NotApplied:
      return {core::WriteOutcome::not_applied(lost), std::nullopt};
    case Injected::UnknownNotApplied:
      return {core::WriteOutcome::unknown(lost), std::nullopt};
    case Injected::UnknownApplied:
      return {std::nullopt, lost};
  }
  return {};
}

core::Result<core::SpotifyProfile> FakeSpotifyApi::current_user() {
  if (auto error = begin_call()) return *error;
  return core::SpotifyProfile{user_id_, user_id_, ""};
}

core::Result<core::Page<core::PlaylistSummary>> FakeSpotifyApi::my_playlists(std::int64_t offset,
                                                                             int limit) {
  if (auto error = begin_call()) return *error;
  std::vector<const FakePlaylist*> listed;
  for (const auto& playlist : playlists_) {
    if (playlist.followed) listed.push_back(&playlist);
  }
  core::Page<core::PlaylistSummary> page;
  page.offset = offset;
  page.total = static_cast<std::int64_t>(listed.size());
  std::int64_t sent = 0;
  for (auto i = offset; i < page.total && i < offset + limit; ++i, ++sent) {
    const auto& summary = listed[static_cast<std::size_t>(i)]->summary;
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
  auto playlist = visible(playlist_id);
  if (!playlist) return playlist.error();
  const auto& items = (*playlist)->items;
  core::Page<core::PlaylistItem> page;
  page.offset = offset;
  page.total = static_cast<std::int64_t>(items.size());
  for (auto i = offset; i < page.total && i < offset + limit; ++i) {
    page.items.push_back(items[static_cast<std::size_t>(i)]);
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
  auto playlist = visible(playlist_id);
  if (!playlist) return playlist.error();
  return (*playlist)->summary;
}

core::Result<core::PlaylistVersion> FakeSpotifyApi::playlist_version(
    const std::string& playlist_id) {
  if (auto error = begin_call()) return *error;
  auto playlist = visible(playlist_id);
  if (!playlist) return playlist.error();
  return core::PlaylistVersion{(*playlist)->summary.snapshot_id,
                               static_cast<std::int64_t>((*playlist)->items.size())};
}

core::WriteOutcome FakeSpotifyApi::write(const std::string& playlist_id, Allowed allowed,
                                         const Mutation& mutate, bool answers_with_snapshot) {
  const auto start = begin_write();
  if (start.ended) return *start.ended;
  auto found = visible(playlist_id);
  if (!found) return core::WriteOutcome::not_applied(found.error());
  FakePlaylist& playlist = **found;
  const bool owner = playlist.summary.owner_id == user_id_;
  const bool collaborator = playlist.summary.collaborative && playlist.followed;
  if (!owner && (allowed == Allowed::Owner || !collaborator)) {
    return core::WriteOutcome::not_applied(make_error(
        ErrorCode::Forbidden, "playlist " + playlist_id + " is not " + user_id_ + "'s to change"));
  }
  if (auto changed = mutate(playlist); !changed) {
    return core::WriteOutcome::not_applied(changed.error());
  }
  touch(playlist);  // every write moves the snapshot, details and covers included
  if (start.lose_answer) return core::WriteOutcome::unknown(*start.lose_answer);
  // Items writes answer with the new snapshot; details and covers without a body.
  return core::WriteOutcome::applied(answers_with_snapshot ? playlist.summary.snapshot_id : "");
}

core::CreateOutcome FakeSpotifyApi::create_playlist(const core::NewPlaylist& created) {
  const auto start = begin_write();
  if (start.ended) return core::CreateOutcome{*start.ended, std::nullopt};
  for (const auto& valid : {check_name(created.name), check_description(created.description),
                            check_visibility(created.is_public, created.collaborative)}) {
    if (!valid) return core::CreateOutcome{core::WriteOutcome::not_applied(valid.error()), {}};
  }
  core::PlaylistSummary summary;
  const std::string number = std::to_string(++created_);
  summary.id = "FakeCreated" + std::string(11 - number.size(), '0') + number;  // 22 characters
  summary.name = created.name;
  summary.description = created.description;
  summary.owner_id = user_id_;
  summary.owner_name = user_id_;
  summary.is_public = created.is_public;
  summary.collaborative = created.collaborative;
  // New playlists come first in the user's list, as in Spotify's clients.
  playlists_.insert(playlists_.begin(), FakePlaylist{summary, {}});
  touch(playlists_.front());
  if (start.lose_answer) {
    return core::CreateOutcome{core::WriteOutcome::unknown(*start.lose_answer), std::nullopt};
  }
  return core::CreateOutcome{core::WriteOutcome::applied(playlists_.front().summary.snapshot_id),
                             playlists_.front().summary};
}

core::WriteOutcome FakeSpotifyApi::change_details(const std::string& playlist_id,
                                                  const core::PlaylistDetailsChange& change) {
  if (auto valid = core::check_details_change(change); !valid) {
    return core::WriteOutcome::not_applied(valid.error());
  }
  return write(
      playlist_id, Allowed::Owner,
      [&](FakePlaylist& playlist) -> core::Status {
        core::PlaylistSummary changed = playlist.summary;
        if (change.name) {
          if (auto valid = check_name(*change.name); !valid) return valid;
          changed.name = *change.name;
        }
        if (change.description) {
          if (change.description->empty())
            return make_error(ErrorCode::InvalidInput, "Attribute description is empty");
          if (auto valid = check_description(*change.description); !valid) return valid;
          changed.description = *change.description;
        }
        if (change.is_public) changed.is_public = *change.is_public;
        if (change.collaborative) changed.collaborative = *change.collaborative;
        if (auto valid = check_visibility(changed.is_public, changed.collaborative); !valid)
          return valid;
        playlist.summary = std::move(changed);
        return core::ok();
      },
      /*answers_with_snapshot=*/false);
}

core::WriteOutcome FakeSpotifyApi::upload_cover(const std::string& playlist_id,
                                                const std::string& jpeg) {
  if (auto valid = core::check_cover(jpeg); !valid) {
    return core::WriteOutcome::not_applied(valid.error());
  }
  return write(
      playlist_id, Allowed::OwnerOrCollaborator,
      [&](FakePlaylist& playlist) -> core::Status {
        if (jpeg.size() < 4 || static_cast<unsigned char>(jpeg[0]) != 0xFF ||
            static_cast<unsigned char>(jpeg[1]) != 0xD8) {
          return make_error(ErrorCode::InvalidInput, "Image must be a JPEG");
        }
        playlist.cover_jpeg = jpeg;
        return core::ok();
      },
      /*answers_with_snapshot=*/false);
}

core::WriteOutcome FakeSpotifyApi::add_items(const std::string& playlist_id,
                                             const std::vector<std::string>& uris,
                                             std::optional<std::int64_t> position) {
  if (auto valid = core::check_add_request(uris, position); !valid) {
    return core::WriteOutcome::not_applied(valid.error());
  }
  return write(playlist_id, Allowed::OwnerOrCollaborator,
               [&](FakePlaylist& playlist) -> core::Status {
                 auto& items = playlist.items;
                 const auto size = static_cast<std::int64_t>(items.size());
                 if (auto valid = core::check_item_uris(uris, "added"); !valid) return valid;
                 const std::int64_t at = position.value_or(size);
                 if (auto valid = core::check_position(size, at); !valid) return valid;
                 if (items.size() + uris.size() > kMaxPlaylistItems) {
                   return make_error(ErrorCode::Forbidden, "Playlist size limit reached");
                 }
                 std::vector<core::PlaylistItem> added;
                 for (const auto& uri : uris) added.push_back(new_item(uri));
                 items.insert(items.begin() + at, added.begin(), added.end());
                 return core::ok();
               });
}

core::WriteOutcome FakeSpotifyApi::remove_items(const std::string& playlist_id,
                                                const std::vector<std::string>& uris) {
  if (auto valid = core::check_uri_count(uris, "removed"); !valid) {
    return core::WriteOutcome::not_applied(valid.error());
  }
  return write(playlist_id, Allowed::OwnerOrCollaborator,
               [&](FakePlaylist& playlist) -> core::Status {
                 if (auto valid = core::check_item_uris(uris, "removed"); !valid) return valid;
                 core::remove_every(playlist.items, uris, [](const core::PlaylistItem& item) {
                   return std::string_view(item.uri);
                 });
                 return core::ok();
               });
}

core::WriteOutcome FakeSpotifyApi::reorder_items(const std::string& playlist_id,
                                                 std::int64_t range_start,
                                                 std::int64_t insert_before,
                                                 std::int64_t range_length) {
  if (auto valid = core::check_reorder_request(range_start, insert_before, range_length); !valid) {
    return core::WriteOutcome::not_applied(valid.error());
  }
  return write(
      playlist_id, Allowed::OwnerOrCollaborator, [&](FakePlaylist& playlist) -> core::Status {
        const auto size = static_cast<std::int64_t>(playlist.items.size());
        if (auto valid = core::check_reorder(size, range_start, insert_before, range_length);
            !valid) {
          return valid;
        }
        core::move_range(playlist.items, range_start, insert_before, range_length);
        return core::ok();
      });
}

core::WriteOutcome FakeSpotifyApi::replace_items(const std::string& playlist_id,
                                                 const std::vector<std::string>& uris) {
  if (auto valid = core::check_uri_count(uris, "added", /*allow_empty=*/true); !valid) {
    return core::WriteOutcome::not_applied(valid.error());
  }
  return write(
      playlist_id, Allowed::OwnerOrCollaborator, [&](FakePlaylist& playlist) -> core::Status {
        if (auto valid = core::check_item_uris(uris, "added", /*allow_empty=*/true); !valid) {
          return valid;
        }
        // Local files cannot be written back: a replace loses them, as on Spotify.
        playlist.items.clear();
        for (const auto& uri : uris) playlist.items.push_back(new_item(uri));
        return core::ok();
      });
}

core::WriteOutcome FakeSpotifyApi::unfollow_playlist(const std::string& playlist_id) {
  const auto start = begin_write();
  if (start.ended) return *start.ended;
  auto playlist = visible(playlist_id);
  if (!playlist) return core::WriteOutcome::not_applied(playlist.error());
  (*playlist)->followed = false;  // the snapshot stays: the playlist did not change
  if (start.lose_answer) return core::WriteOutcome::unknown(*start.lose_answer);
  return core::WriteOutcome::applied();
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

namespace {

class WallClock final : public core::Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::now();
  }
};

/// The databases keep times to the second (the store ports promise it), and so does the fake.
core::TimePoint whole_second(core::TimePoint time) {
  return std::chrono::floor<std::chrono::seconds>(time);
}

core::AccountTokens to_the_second(core::AccountTokens tokens) {
  tokens.expires_at = whole_second(tokens.expires_at);
  if (tokens.authorized_at) tokens.authorized_at = whole_second(*tokens.authorized_at);
  return tokens;
}

}  // namespace

InMemoryStore::InMemoryStore()
    : InMemoryStore([]() -> const core::Clock& {
        static const WallClock clock;
        return clock;
      }()) {}

InMemoryStore::InMemoryStore(const core::Clock& clock)
    : clock_(&clock),
      jobs_(std::make_shared<InMemoryJobQueue>(
          clock,
          InMemoryJobQueue::References{
              .user_exists = [this](std::int64_t id) { return has_user(id); },
              .account_exists = [this](std::int64_t id) { return accounts_.contains(id); }})) {}

core::Status InMemoryStore::in_transaction(
    const std::function<core::Status(core::TransactionPorts&)>& work) {
  struct Ports final : core::TransactionPorts {
    explicit Ports(InMemoryStore& owner) : store(owner) {}
    core::UserStore& users() override { return store; }
    core::AccountStore& accounts() override { return store; }
    core::PlaylistStore& playlists() override { return store; }
    core::SessionStore& sessions() override { return store; }
    core::JobQueue& jobs() override { return store.jobs(); }
    core::PlaylistJournal& journal() override { return store; }
    core::MatchStore& matches() override { return store; }
    InMemoryStore& store;
  } ports(*this);
  const InMemoryStore before = *this;
  const InMemoryJobQueue::Contents jobs_before = jobs_->contents();
  const auto undo = [&] {
    *this = before;
    jobs_->restore(jobs_before);
  };
  try {
    auto status = work(ports);
    if (!status) undo();
    return status;
  } catch (...) {
    undo();
    throw;
  }
}

core::Result<core::AppUser> InMemoryStore::create_user(const std::string& username,
                                                       const std::string& password_hash,
                                                       core::Role role) {
  for (const auto& user : users_) {
    if (user.username == username)
      return make_error(ErrorCode::Conflict, "a user named " + username + " exists already");
  }
  users_.push_back(core::AppUser{++last_user_id_, username, password_hash, role,
                                 core::from_unix_seconds(1'793'491'200)});  // 2026-11-01T00:00:00Z
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
  selections_.erase(user_id);
  choices_.erase(user_id);
  std::erase_if(pastes_,
                [&](const auto& entry) { return entry.second.stored.owner_user_id == user_id; });
  std::erase_if(imports_,
                [&](const auto& entry) { return entry.second.first.owner_user_id == user_id; });
  std::vector<std::int64_t> owned;
  for (const auto& [id, account] : accounts_) {
    if (account.app_user_id == user_id) owned.push_back(id);
  }
  for (const auto id : owned) (void)delete_account(id);
  jobs_->delete_jobs_if([&](const core::Job& job) { return job.owner_user_id == user_id; });
  for (auto& [account_id, playlists] : versions_) {
    for (auto& [playlist_id, versions] : playlists) {
      for (auto& version : versions) {
        if (version.cause.app_user_id == user_id) version.cause.app_user_id.reset();
      }
    }
  }
  return core::ok();
}

core::Result<std::int64_t> InMemoryStore::upsert_account(const core::SpotifyAccount& account) {
  for (auto& [id, existing] : accounts_) {
    if (existing.app_user_id == account.app_user_id &&
        existing.spotify_user_id == account.spotify_user_id) {
      // Reconnecting keeps the last-synced time: the account's playlists stay.
      const auto last_synced_at = existing.last_synced_at;
      existing = account;
      existing.id = id;
      existing.tokens = to_the_second(account.tokens);
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
  accounts_[id].tokens = to_the_second(account.tokens);
  if (account.last_synced_at) accounts_[id].last_synced_at = whole_second(*account.last_synced_at);
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
  found->second.tokens = to_the_second(tokens);
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
  versions_.erase(account_id);
  std::erase_if(pastes_,
                [&](const auto& entry) { return entry.second.stored.account_id == account_id; });
  std::erase_if(imports_,
                [&](const auto& entry) { return entry.second.first.account_id == account_id; });
  for (auto& [user_id, selections] : selections_) {
    std::erase_if(selections,
                  [&](const auto& entry) { return entry.second.account_id == account_id; });
  }
  jobs_->delete_jobs_if([&](const core::Job& job) { return job.account_id == account_id; });
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
  for (auto& item : row.items) {
    if (item.added_at) item.added_at = whole_second(*item.added_at);
  }
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

core::Result<std::vector<core::SavedSelection>> InMemoryStore::saved_selections(
    std::int64_t app_user_id) {
  std::vector<core::SavedSelection> selections;
  for (const auto& [name, selection] : selections_[app_user_id]) selections.push_back(selection);
  return selections;
}

core::Result<core::SavedSelection> InMemoryStore::save_selection(
    std::int64_t app_user_id, const core::SavedSelection& selection) {
  if (auto checked = core::check_saved_selection(selection); !checked) return checked.error();
  if (!has_user(app_user_id)) {
    return make_error(ErrorCode::NotFound, "user " + std::to_string(app_user_id) + " not found");
  }
  if (selection.account_id) {
    const auto account = accounts_.find(*selection.account_id);
    if (account == accounts_.end() || account->second.app_user_id != app_user_id) {
      return make_error(ErrorCode::NotFound,
                        "account " + std::to_string(*selection.account_id) + " not found");
    }
  }
  core::SavedSelection saved = selection;
  saved.saved_at = whole_second(clock_->now());
  selections_[app_user_id][saved.name] = saved;
  return saved;
}

core::Status InMemoryStore::delete_selection(std::int64_t app_user_id, const std::string& name) {
  if (selections_[app_user_id].erase(name) == 0) {
    return make_error(ErrorCode::NotFound, "selection '" + name + "' not found");
  }
  return core::ok();
}

core::Status InMemoryStore::remove_playlists_except(std::int64_t account_id,
                                                    const std::vector<std::string>& keep) {
  std::erase_if(playlists_[account_id], [&](const auto& entry) {
    return std::find(keep.begin(), keep.end(), entry.first) == keep.end();
  });
  return core::ok();
}

core::Status InMemoryStore::remove_playlist(std::int64_t account_id,
                                            const std::string& playlist_id) {
  playlists_[account_id].erase(playlist_id);
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

core::Status InMemoryStore::mark_synced(std::int64_t account_id, core::TimePoint synced_at) {
  const auto found = accounts_.find(account_id);
  if (found != accounts_.end()) found->second.last_synced_at = whole_second(synced_at);
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
  stored.created_at = whole_second(session.created_at);
  stored.last_seen_at = whole_second(session.last_seen_at);
  stored.expires_at = whole_second(session.expires_at);
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

core::Status InMemoryStore::touch_session(const std::string& id_hash, core::TimePoint last_seen_at,
                                          core::TimePoint expires_at) {
  const auto found = sessions_.find(id_hash);
  if (found == sessions_.end()) return make_error(ErrorCode::NotFound, "session not found");
  found->second.last_seen_at = whole_second(last_seen_at);
  found->second.expires_at = whole_second(expires_at);
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

core::Result<std::int64_t> InMemoryStore::delete_expired_sessions(core::TimePoint now) {
  return static_cast<std::int64_t>(
      std::erase_if(sessions_, [&](const auto& entry) { return entry.second.expires_at <= now; }));
}

core::Status InMemoryStore::save_oauth_state(const core::OAuthState& state) {
  if (state.state.empty()) return make_error(ErrorCode::InvalidInput, "empty OAuth state");
  if (!has_user(state.app_user_id)) {
    return make_error(ErrorCode::NotFound,
                      "user " + std::to_string(state.app_user_id) + " not found");
  }
  core::OAuthState stored = state;
  stored.expires_at = whole_second(state.expires_at);
  if (!oauth_states_.emplace(state.state, std::move(stored)).second) {
    return make_error(ErrorCode::Conflict, "OAuth state exists");
  }
  return core::ok();
}

core::Result<std::optional<core::OAuthState>> InMemoryStore::take_oauth_state(
    const std::string& state, core::TimePoint now) {
  const auto found = oauth_states_.find(state);
  if (found == oauth_states_.end()) return std::optional<core::OAuthState>();
  core::OAuthState taken = std::move(found->second);
  oauth_states_.erase(found);
  if (taken.expires_at <= now) return std::optional<core::OAuthState>();
  return std::optional<core::OAuthState>(std::move(taken));
}

core::Status InMemoryStore::delete_expired_oauth_states(core::TimePoint now) {
  std::erase_if(oauth_states_, [&](const auto& entry) { return entry.second.expires_at <= now; });
  return core::ok();
}

core::Result<std::optional<core::RecordedVersion>> InMemoryStore::record_version(
    const core::NewRecordedVersion& version) {
  if (version.playlist_id.empty()) {
    return make_error(ErrorCode::InvalidInput, "a version needs a playlist id");
  }
  if (!accounts_.contains(version.account_id)) {
    return make_error(ErrorCode::NotFound,
                      "account " + std::to_string(version.account_id) + " not found");
  }
  auto& versions = versions_[version.account_id][version.playlist_id];
  std::optional<core::RecordedVersion> latest;
  if (!versions.empty()) latest = versions.back();
  auto next = core::next_version(latest, version, clock_->now());
  if (!next) return std::optional<core::RecordedVersion>();
  versions.push_back(*next);
  next->items.clear();
  return next;
}

core::Result<std::vector<core::RecordedVersion>> InMemoryStore::list_versions(
    std::int64_t account_id, const std::string& playlist_id, const core::VersionFilter& filter) {
  if (filter.limit < 1 || filter.limit > core::kMaxVersionPage) {
    return make_error(ErrorCode::InvalidInput, "limit must be 1-" +
                                                   std::to_string(core::kMaxVersionPage) +
                                                   ", not " + std::to_string(filter.limit));
  }
  std::vector<core::RecordedVersion> result;
  const auto& versions = versions_[account_id][playlist_id];
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (static_cast<std::int64_t>(result.size()) == filter.limit) break;
    if (filter.before && it->sequence >= *filter.before) continue;
    if (filter.cause && it->cause.kind != *filter.cause) continue;
    result.push_back(*it);
    result.back().items.clear();
  }
  return result;
}

core::Result<std::optional<core::RecordedVersion>> InMemoryStore::find_version(
    std::int64_t account_id, const std::string& playlist_id, std::int64_t sequence) {
  for (const auto& version : versions_[account_id][playlist_id]) {
    if (version.sequence == sequence) return std::optional<core::RecordedVersion>(version);
  }
  return std::optional<core::RecordedVersion>();
}

core::Result<std::map<std::string, std::int64_t>> InMemoryStore::latest_sequences(
    std::int64_t account_id) {
  std::map<std::string, std::int64_t> latest;
  for (const auto& [playlist_id, versions] : versions_[account_id]) {
    if (!versions.empty()) latest.emplace(playlist_id, versions.back().sequence);
  }
  return latest;
}

core::Result<std::optional<core::RecordedVersion>> InMemoryStore::latest_version(
    std::int64_t account_id, const std::string& playlist_id) {
  const auto& versions = versions_[account_id][playlist_id];
  if (versions.empty()) return std::optional<core::RecordedVersion>();
  return std::optional<core::RecordedVersion>(versions.back());
}

// ---- MatchStore -------------------------------------------------------------------------------

namespace {

core::Error paste_not_found(std::int64_t paste_id) {
  return make_error(ErrorCode::NotFound, "paste " + std::to_string(paste_id) + " not found");
}

core::Error line_not_found(std::int64_t paste_id, std::size_t number) {
  return make_error(ErrorCode::NotFound, "line " + std::to_string(number) + " of paste " +
                                             std::to_string(paste_id) + " not found");
}

}  // namespace

core::PasteLineRow InMemoryStore::line_row(const PasteLine& line) {
  core::PasteLineRow row{.match = line.match, .decision = line.decision, .seq = line.seq};
  if (core::takes_a_track(line.decision)) {
    row.match.uri = line.chosen_uri;
    row.match.track = line.chosen_track;
  }
  return row;
}

core::Result<core::StoredPaste> InMemoryStore::create_paste(std::int64_t owner_user_id,
                                                            std::int64_t account_id,
                                                            const std::vector<std::string>& inputs,
                                                            core::TimePoint now) {
  if (auto checked = core::check_paste_inputs(inputs); !checked) return checked.error();
  if (!has_user(owner_user_id)) {
    return make_error(ErrorCode::NotFound, "user " + std::to_string(owner_user_id) + " not found");
  }
  if (!accounts_.contains(account_id)) {
    return make_error(ErrorCode::NotFound, "account " + std::to_string(account_id) + " not found");
  }
  Paste paste{.stored = {.id = ++last_paste_id_,
                         .owner_user_id = owner_user_id,
                         .account_id = account_id,
                         .created_at = whole_second(now),
                         .line_count = inputs.size()}};
  // One seq for all: the lines appear together.
  const std::int64_t seq = inputs.empty() ? 0 : ++last_seq_;
  for (std::size_t index = 0; index < inputs.size(); ++index) {
    paste.lines.push_back(
        PasteLine{.match = {.number = index + 1, .input = inputs[index]}, .seq = seq});
  }
  pastes_[paste.stored.id] = paste;
  return paste.stored;
}

core::Result<std::optional<core::StoredPaste>> InMemoryStore::find_paste(std::int64_t paste_id) {
  const auto found = pastes_.find(paste_id);
  if (found == pastes_.end()) return std::optional<core::StoredPaste>();
  return std::optional<core::StoredPaste>(found->second.stored);
}

core::Status InMemoryStore::set_paste_job(std::int64_t paste_id, std::int64_t job_id) {
  const auto found = pastes_.find(paste_id);
  if (found == pastes_.end()) return paste_not_found(paste_id);
  found->second.stored.job_id = job_id;
  return core::ok();
}

core::Result<std::vector<core::PasteLineRow>> InMemoryStore::paste_lines(std::int64_t paste_id,
                                                                         std::int64_t since) {
  const auto found = pastes_.find(paste_id);
  if (found == pastes_.end()) return paste_not_found(paste_id);
  std::vector<core::PasteLineRow> rows;
  for (const auto& line : found->second.lines) {
    if (line.seq > since) rows.push_back(line_row(line));
  }
  return rows;
}

core::Status InMemoryStore::save_line_results(std::int64_t paste_id,
                                              const std::vector<core::LineMatch>& results) {
  for (const auto& result : results) {
    if (auto checked = core::check_line_result(result); !checked) return checked.error();
  }
  const auto found = pastes_.find(paste_id);
  if (found == pastes_.end()) return paste_not_found(paste_id);
  auto& lines = found->second.lines;
  for (const auto& result : results) {
    if (result.number > lines.size()) return line_not_found(paste_id, result.number);
  }
  for (const auto& result : results) {
    PasteLine& line = lines[result.number - 1];
    core::LineMatch saved = result;
    saved.input = line.match.input;  // a line's input never changes
    if (saved == line.match) continue;
    line.match = std::move(saved);
    line.seq = ++last_seq_;
  }
  return core::ok();
}

core::Result<core::PasteLineRow> InMemoryStore::decide_line(
    std::int64_t paste_id, std::size_t number, core::LineDecision decision,
    const std::optional<core::TrackInfo>& chosen) {
  if (auto checked = core::check_decision(decision, chosen); !checked) return checked.error();
  const bool with_track = core::takes_a_track(decision);
  const auto found = pastes_.find(paste_id);
  if (found == pastes_.end()) return paste_not_found(paste_id);
  auto& lines = found->second.lines;
  if (number == 0 || number > lines.size()) return line_not_found(paste_id, number);
  PasteLine& line = lines[number - 1];
  if (with_track && !chosen && !line.match.uri) {
    return make_error(ErrorCode::InvalidInput,
                      "line " + std::to_string(number) + " has no match to accept");
  }
  line.decision = decision;
  line.chosen_uri.reset();
  line.chosen_track.reset();
  if (with_track) {
    line.chosen_uri = chosen ? std::optional<std::string>(chosen->uri) : line.match.uri;
    line.chosen_track = chosen ? chosen : line.match.track;
  }
  line.seq = ++last_seq_;
  return line_row(line);
}

core::Status InMemoryStore::delete_paste(std::int64_t paste_id) {
  if (pastes_.erase(paste_id) == 0) return paste_not_found(paste_id);
  // The imports whose rows it matched stay, without their paste (ON DELETE SET NULL).
  for (auto& [id, upload] : imports_) {
    if (upload.first.paste_id == paste_id) upload.first.paste_id.reset();
  }
  return core::ok();
}

core::Result<std::optional<core::TrackInfo>> InMemoryStore::remembered_choice(
    std::int64_t user_id, const std::string& key) {
  const auto& choices = choices_[user_id];
  const auto found = choices.find(key);
  if (found == choices.end()) return std::optional<core::TrackInfo>();
  return std::optional<core::TrackInfo>(found->second);
}

core::Status InMemoryStore::remember_choice(std::int64_t user_id, const std::string& key,
                                            const core::TrackInfo& track, core::TimePoint /*now*/) {
  if (auto checked = core::check_match_key("a choice key", key); !checked) return checked;
  if (auto checked = core::check_chosen_track(track); !checked) return checked;
  if (!has_user(user_id)) {
    return make_error(ErrorCode::NotFound, "user " + std::to_string(user_id) + " not found");
  }
  choices_[user_id][key] = track;
  return core::ok();
}

core::Status InMemoryStore::forget_choice(std::int64_t user_id, const std::string& key) {
  choices_[user_id].erase(key);
  return core::ok();
}

core::Result<std::optional<std::vector<core::TrackInfo>>> InMemoryStore::cached_lookup(
    const std::string& key, core::TimePoint not_before) {
  using Cached = std::optional<std::vector<core::TrackInfo>>;
  const auto found = lookups_.find(key);
  if (found == lookups_.end() || found->second.second < whole_second(not_before)) return Cached();
  return Cached(found->second.first);
}

core::Status InMemoryStore::cache_lookup(const std::string& key,
                                         const std::vector<core::TrackInfo>& tracks,
                                         core::TimePoint now) {
  if (auto checked = core::check_match_key("a lookup key", key); !checked) return checked;
  lookups_[key] = {tracks, whole_second(now)};
  return core::ok();
}

core::Result<std::int64_t> InMemoryStore::prune_lookups(core::TimePoint before) {
  return static_cast<std::int64_t>(std::erase_if(
      lookups_, [&](const auto& entry) { return entry.second.second < whole_second(before); }));
}

core::Result<std::vector<core::TrackInfo>> InMemoryStore::known_tracks(std::int64_t account_id) {
  // As the databases: one copy per URI (their tracks table holds the last one saved).
  std::map<std::string, core::TrackInfo> known;
  for (const auto& [playlist_id, row] : playlists_[account_id]) {
    for (const auto& item : row.items) {
      if (item.track && item.track->uri.starts_with("spotify:track:")) {
        known.insert_or_assign(item.track->uri, *item.track);
      }
    }
  }
  std::vector<core::TrackInfo> tracks;
  for (auto& [uri, track] : known) tracks.push_back(std::move(track));
  return tracks;
}

// ---- ImportStore ----

core::Result<core::StoredImport> InMemoryStore::create_import(
    std::int64_t owner_user_id, std::int64_t account_id, const std::string& file_name,
    const std::string& bytes, std::optional<std::int64_t> paste_id,
    const std::optional<std::string>& playlist_id, core::TimePoint now) {
  if (auto checked = core::check_import_upload(file_name, bytes.size(), playlist_id); !checked) {
    return checked.error();
  }
  if (!has_user(owner_user_id)) {
    return make_error(ErrorCode::NotFound, "user " + std::to_string(owner_user_id) + " not found");
  }
  if (!accounts_.contains(account_id)) {
    return make_error(ErrorCode::NotFound, "account " + std::to_string(account_id) + " not found");
  }
  if (paste_id && !pastes_.contains(*paste_id)) return paste_not_found(*paste_id);
  const core::StoredImport stored{.id = ++last_import_id_,
                                  .owner_user_id = owner_user_id,
                                  .account_id = account_id,
                                  .file_name = file_name,
                                  .paste_id = paste_id,
                                  .playlist_id = playlist_id,
                                  .size_bytes = static_cast<std::int64_t>(bytes.size()),
                                  .created_at = whole_second(now)};
  imports_.emplace(stored.id, std::pair(stored, bytes));
  return stored;
}

core::Result<std::optional<core::StoredImport>> InMemoryStore::find_import(std::int64_t import_id) {
  const auto found = imports_.find(import_id);
  if (found == imports_.end()) return std::optional<core::StoredImport>();
  return std::optional<core::StoredImport>(found->second.first);
}

core::Result<std::string> InMemoryStore::import_bytes(std::int64_t import_id) {
  const auto found = imports_.find(import_id);
  if (found == imports_.end()) {
    return make_error(ErrorCode::NotFound, "import " + std::to_string(import_id) + " not found");
  }
  return found->second.second;
}

core::Result<std::int64_t> InMemoryStore::delete_imports_before(core::TimePoint cutoff) {
  return static_cast<std::int64_t>(std::erase_if(imports_, [&](const auto& entry) {
    return entry.second.first.created_at < whole_second(cutoff);
  }));
}

}  // namespace plm::test_support
