// The storage contract: every implementation of core::UserStore, AccountStore, PlaylistStore and
// SessionStore passes this one suite (design guide section 8). Each test runs on a fresh database.
// StoreContract runs on the databases and may look at what is stored at rest; PortContract holds
// what any implementation promises through the ports alone, so it also runs on the in-memory fake
// other tests rely on (tests/support/fakes.hpp).

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <iostream>
#include <utility>

#include "in_memory_backend.hpp"
#include "store_backends.hpp"
#include "support/fakes.hpp"

namespace plm::contract {
namespace {

using core::ErrorCode;

core::PlaylistSummary make_summary(const std::string& id, const std::string& snapshot = "snap-1") {
  return core::PlaylistSummary{.id = id,
                               .name = "Playlist " + id,
                               .description = "about " + id,
                               .owner_id = "owner",
                               .owner_name = "Owner Name",
                               .is_public = true,
                               .collaborative = false,
                               .snapshot_id = snapshot,
                               .item_count = 3,
                               .image_url = "https://i.scdn.co/image/" + id};
}

core::TrackInfo make_track(int n) {
  return core::TrackInfo{
      .uri = "spotify:track:t" + std::to_string(n),
      .name = "Track " + std::to_string(n),
      .artists = {"Artist " + std::to_string(n % 7), "Feat " + std::to_string(n)},
      .album = "Album " + std::to_string(n % 11),
      .album_image_url = n % 2 ? "https://img/" + std::to_string(n) : "",
      .duration_ms = 180000 + n,
      .isrc = "USRC1" + std::to_string(n),
      .explicit_content = n % 3 == 0,
      // Every precision Spotify sends, and unknown.
      .release_date = std::array<std::string, 4>{"1999", "2001-07", "2010-02-28", ""}[n % 4]};
}

core::PlaylistItem make_item(int n) {
  core::TrackInfo track = make_track(n);
  return core::PlaylistItem{.uri = track.uri,
                            .added_at = core::parse_utc("2025-01-02T03:04:05Z"),
                            .added_by = "user" + std::to_string(n % 5),
                            .track = std::move(track)};
}

std::vector<core::PlaylistItem> make_items(int count, int first = 0) {
  std::vector<core::PlaylistItem> items;
  for (int n = first; n < first + count; ++n) items.push_back(make_item(n));
  return items;
}

/// The time `seconds` after 1970.
core::TimePoint at(std::int64_t seconds) { return core::from_unix_seconds(seconds); }

/// The time of an ISO-8601 text.
core::TimePoint utc(std::string_view text) {
  const auto time = core::parse_utc(text);
  EXPECT_TRUE(time.has_value()) << text;
  return time.value_or(core::TimePoint{});
}

core::AccountTokens make_tokens(const std::string& tag) {
  return core::AccountTokens{.access_token = "BQD-access-" + tag,
                             .refresh_token = "AQA-refresh-" + tag,
                             .scope = "playlist-read-private playlist-modify-public",
                             .expires_at = at(1'800'000'000),
                             .authorized_at = at(1'790'000'000)};
}

core::Session make_session(const std::string& id_hash, std::int64_t user,
                           std::int64_t expires_at = 1'800'000'000) {
  return core::Session{.id_hash = id_hash,
                       .app_user_id = user,
                       .csrf_token = "csrf-" + id_hash,
                       .created_at = at(1'790'000'000),
                       .last_seen_at = at(1'790'000'100),
                       .expires_at = at(expires_at),
                       .user_agent = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
                       .remote_address = "192.0.2.7"};
}

core::NewJob sync_job(std::int64_t owner, std::int64_t account) {
  return core::NewJob{.kind = core::JobKind::SyncAccount,
                      .owner_user_id = owner,
                      .account_id = account,
                      .concurrency_key = core::concurrency_key_for_account(account)};
}

core::OAuthState make_state(const std::string& state, std::int64_t user,
                            std::int64_t expires_at = 1'800'000'000) {
  return core::OAuthState{.state = state,
                          .app_user_id = user,
                          .code_verifier = "pkce-verifier-" + state + "-0123456789abcdefghijklmnop",
                          .redirect_uri = "https://plm.example/api/accounts/callback",
                          .expires_at = at(expires_at)};
}

template <typename BackendType>
class StoreFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const auto reason = backend_.skip_reason()) GTEST_SKIP() << *reason;
    store_ = backend_.open(cipher_, clock_);
  }

  void reopen() {
    store_.reset();
    store_ = backend_.open(cipher_, clock_);
  }

  std::string now_utc() const { return core::format_utc(clock_.now()); }

  std::int64_t add_user(const std::string& name = "alice") {
    auto user = store_->create_user(name, "$argon2id$hash-of-" + name, core::Role::Editor);
    EXPECT_TRUE(user.has_value()) << user.error().message;
    return user->id;
  }

  std::int64_t add_account(std::int64_t user_id, const std::string& spotify_id = "spotify-alice") {
    core::SpotifyAccount account{.app_user_id = user_id,
                                 .spotify_user_id = spotify_id,
                                 .display_name = "Alice",
                                 .client_id = "client-1",
                                 .tokens = make_tokens(spotify_id)};
    auto id = store_->upsert_account(account);
    EXPECT_TRUE(id.has_value()) << id.error().message;
    return *id;
  }

  /// Enqueues a sync of `account` (0: a job of no account) for `owner`; returns the job's id.
  std::int64_t add_job(std::int64_t owner, std::int64_t account) {
    auto enqueued = store_->jobs().enqueue(sync_job(owner, account));
    EXPECT_TRUE(enqueued.has_value()) << enqueued.error().message;
    return enqueued.has_value() ? enqueued->job.id : 0;
  }

  bool has_job(std::int64_t id) {
    const auto found = store_->jobs().find_job(id);
    EXPECT_TRUE(found.has_value()) << found.error().message;
    return found.has_value() && found->has_value();
  }

  /// Makes `old` a database of an older plm: the first `applied` migrations, and a user "old" with
  /// an account "sp-old" whose tokens are in the first, unbound format.
  void make_old_database(Backend& old, std::size_t applied) {
    old.raw_execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied_at TEXT NOT NULL)");
    for (const auto& migration : old.migrations().first(applied)) {
      old.raw_execute(std::string(migration.sql));
      old.raw_execute("INSERT INTO schema_migrations VALUES (" + std::to_string(migration.version) +
                      ", '" + std::string(migration.name) + "', '2026-01-01T00:00:00Z')");
    }
    old.raw_execute(
        "INSERT INTO app_users (username, password_hash, role, created_at) "
        "VALUES ('old', 'hash', 'editor', '2026-01-01T00:00:00Z');"
        "INSERT INTO spotify_accounts (app_user_id, spotify_user_id, display_name, client_id, "
        "access_token_enc, refresh_token_enc, scope, expires_at, authorized_at, status, "
        "last_synced_at) SELECT id, 'sp-old', 'Old', 'client', '" +
        cipher_.encrypt_unbound_for_test("BQD-old") + "', '" +
        cipher_.encrypt_unbound_for_test("AQA-old") +
        "', 'scope', 1800000000, 1790000000, 'active', '' FROM app_users;");
  }

  std::vector<core::PlaylistItem> items_of(std::int64_t account, const std::string& playlist) {
    auto items = store_->playlist_items(account, playlist);
    EXPECT_TRUE(items.has_value()) << items.error().message;
    return items.has_value() ? *items : std::vector<core::PlaylistItem>{};
  }

  /// Stores a playlist with `tags`; returns false (and fails the test) if that did not work.
  bool add_tagged_playlist(std::int64_t account, const std::string& id,
                           const std::vector<std::string>& tags, int items = 3) {
    const auto saved = store_->save_playlist(account, 0, make_summary(id), make_items(items));
    EXPECT_TRUE(saved.has_value()) << saved.error().message;
    const auto tagged = store_->set_playlist_tags(account, id, tags);
    EXPECT_TRUE(tagged.has_value()) << tagged.error().message;
    return saved.has_value() && tagged.has_value();
  }

  /// The journal of the store under test.
  core::PlaylistJournal& journal() {
    if constexpr (std::is_same_v<BackendType, InMemoryBackend>) {
      return *store_;
    } else {
      return store_->journal();
    }
  }

  /// Records a version (failing the test when that fails); returns what the journal answered.
  std::optional<core::RecordedVersion> record(const core::NewRecordedVersion& version) {
    auto recorded = journal().record_version(version);
    EXPECT_TRUE(recorded.has_value()) << recorded.error().message;
    return recorded.has_value() ? *recorded : std::nullopt;
  }

  std::vector<core::RecordedVersion> versions_of(std::int64_t account, const std::string& playlist,
                                                 const core::VersionFilter& filter = {}) {
    auto listed = journal().list_versions(account, playlist, filter);
    EXPECT_TRUE(listed.has_value()) << listed.error().message;
    return listed.has_value() ? *listed : std::vector<core::RecordedVersion>{};
  }

  std::vector<std::string> tags_of(std::int64_t account, const std::string& playlist) {
    const auto found = store_->find_playlist(account, playlist);
    EXPECT_TRUE(found.has_value() && found->has_value()) << "playlist " << playlist;
    return found.has_value() && found->has_value() ? (*found)->tags : std::vector<std::string>{};
  }

  security::TokenCipher cipher_{security::SecretKey::generate()};
  test_support::ManualClock clock_;
  BackendType backend_;
  decltype(std::declval<BackendType&>().open(std::declval<security::TokenCipher&>(),
                                             std::declval<const core::Clock&>())) store_;
};

template <typename BackendType>
class StoreContract : public StoreFixture<BackendType> {};

template <typename BackendType>
class PortContract : public StoreFixture<BackendType> {};

using Databases = ::testing::Types<SqliteBackend, PostgresBackend>;
TYPED_TEST_SUITE(StoreContract, Databases, BackendNames);
using Implementations = ::testing::Types<SqliteBackend, PostgresBackend, InMemoryBackend>;
TYPED_TEST_SUITE(PortContract, Implementations, BackendNames);

// ---- UserStore ----

TYPED_TEST(StoreContract, CreatesAndFindsUsers) {
  auto alice = this->store_->create_user("alice", "hash-a", core::Role::Admin);
  auto bob = this->store_->create_user("bob", "hash-b", core::Role::Viewer);

  ASSERT_TRUE(alice.has_value()) << alice.error().message;
  ASSERT_TRUE(bob.has_value());
  EXPECT_EQ(alice->username, "alice");
  EXPECT_EQ(alice->password_hash, "hash-a");
  EXPECT_EQ(alice->role, core::Role::Admin);
  EXPECT_EQ(alice->created_at, this->clock_.now());
  EXPECT_NE(alice->id, bob->id);
  EXPECT_EQ(*this->store_->find_user(alice->id), std::optional(*alice));
  EXPECT_EQ(*this->store_->find_user_by_name("bob"), std::optional(*bob));
  EXPECT_EQ(*this->store_->find_user(alice->id + bob->id + 100), std::nullopt);
  EXPECT_EQ(*this->store_->find_user_by_name("carol"), std::nullopt);
  EXPECT_EQ(*this->store_->list_users(), (std::vector<core::AppUser>{*alice, *bob}));
}

TYPED_TEST(StoreContract, DuplicateUsernameIsAConflict) {
  this->add_user("alice");

  auto again = this->store_->create_user("alice", "other", core::Role::Viewer);

  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::Conflict);
  // Said for a person, never in the database's words ("UNIQUE constraint failed", libpq's
  // "duplicate key value violates unique constraint"): those go to the detail, for logs.
  EXPECT_EQ(again.error().message, "a user named alice exists already");
  EXPECT_FALSE(again.error().detail.empty());
  EXPECT_EQ(this->store_->list_users()->size(), 1u);
}

TYPED_TEST(StoreContract, ADatabaseRefusalIsSaidPlainlyWithTheDatabasesTextAsDetail) {
  // A playlist of an account that does not exist: the foreign key refuses it.
  core::PlaylistSummary summary;
  summary.id = "NoAccount0000000000001";
  summary.name = "Orphan";
  summary.snapshot_id = "s1";

  auto saved = this->store_->save_playlist_summary(987654, 0, summary);

  ASSERT_FALSE(saved.has_value());
  EXPECT_EQ(saved.error().code, ErrorCode::NotFound);
  EXPECT_EQ(saved.error().message.find("constraint"), std::string::npos) << saved.error().message;
  EXPECT_EQ(saved.error().message.find("FOREIGN"), std::string::npos) << saved.error().message;
  EXPECT_NE(saved.error().message.find("save playlist NoAccount0000000000001"), std::string::npos)
      << saved.error().message;
  EXPECT_FALSE(saved.error().detail.empty());
}

TYPED_TEST(StoreContract, KeepsUnicodeUsernames) {
  const std::string name = "Zoë 山田 🎧";
  const auto id = this->add_user(name);

  EXPECT_EQ((*this->store_->find_user_by_name(name))->id, id);
}

// ---- AccountStore ----

TYPED_TEST(StoreContract, UpsertInsertsThenUpdatesTheSameSpotifyUser) {
  const auto user = this->add_user();
  core::SpotifyAccount account{.app_user_id = user,
                               .spotify_user_id = "sp-1",
                               .display_name = "Alice",
                               .client_id = "client-1",
                               .tokens = make_tokens("one")};

  const auto first = this->store_->upsert_account(account);
  account.display_name = "Alice B.";
  account.tokens = make_tokens("two");
  account.status = core::AccountStatus::NeedsReauth;
  const auto second = this->store_->upsert_account(account);

  ASSERT_TRUE(first.has_value()) << first.error().message;
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(*first, *second);
  account.id = *first;
  EXPECT_EQ(*this->store_->find_account(*first), std::optional(account));
  EXPECT_EQ(*this->store_->accounts_of(user), std::vector<core::SpotifyAccount>{account});
}

TYPED_TEST(StoreContract, ListsAccountsPerUser) {
  const auto alice = this->add_user("alice");
  const auto bob = this->add_user("bob");
  const auto a1 = this->add_account(alice, "sp-a1");
  const auto b1 = this->add_account(bob, "sp-b1");
  const auto a2 = this->add_account(alice, "sp-a2");

  const auto of_alice = this->store_->accounts_of(alice);

  ASSERT_TRUE(of_alice.has_value());
  ASSERT_EQ(of_alice->size(), 2u);
  EXPECT_EQ((*of_alice)[0].id, a1);
  EXPECT_EQ((*of_alice)[1].id, a2);
  EXPECT_EQ((*of_alice)[1].tokens, make_tokens("sp-a2"));
  EXPECT_EQ(this->store_->accounts_of(bob)->front().id, b1);
  EXPECT_TRUE(this->store_->accounts_of(bob + alice + 100)->empty());
  EXPECT_EQ(*this->store_->find_account(a1 + a2 + b1 + 100), std::nullopt);
}

TYPED_TEST(StoreContract, AccountOfAMissingUserIsNotFound) {
  const auto result = this->store_->upsert_account(core::SpotifyAccount{
      .app_user_id = 4242, .spotify_user_id = "x", .tokens = make_tokens("x")});

  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::NotFound);
}

TYPED_TEST(StoreContract, SavesTokensAndStatus) {
  const auto account = this->add_account(this->add_user());

  ASSERT_TRUE(this->store_->save_tokens(account, make_tokens("refreshed")).has_value());
  ASSERT_TRUE(
      this->store_->set_account_status(account, core::AccountStatus::NeedsReauth).has_value());

  const auto found = this->store_->find_account(account);
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->tokens, make_tokens("refreshed"));
  EXPECT_EQ((*found)->status, core::AccountStatus::NeedsReauth);
  EXPECT_EQ((*found)->display_name, "Alice");
}

TYPED_TEST(StoreContract, UpdatingAMissingAccountIsNotFound) {
  EXPECT_EQ(this->store_->save_tokens(99, make_tokens("x")).error().code, ErrorCode::NotFound);
  EXPECT_EQ(this->store_->set_account_status(99, core::AccountStatus::Active).error().code,
            ErrorCode::NotFound);
  EXPECT_EQ(this->store_->mark_synced(99, utc("2026-01-01T00:00:00Z")).error().code,
            ErrorCode::NotFound);
}

TYPED_TEST(StoreContract, KeepsTokensEncryptedAtRest) {
  const auto account = this->add_account(this->add_user(), "sp-secret");
  ASSERT_TRUE(this->store_->save_tokens(account, make_tokens("rotated")).has_value());

  const std::string access = this->backend_.raw_text(
      "SELECT access_token_enc FROM spotify_accounts WHERE id = " + std::to_string(account));
  const std::string refresh = this->backend_.raw_text(
      "SELECT refresh_token_enc FROM spotify_accounts WHERE id = " + std::to_string(account));

  EXPECT_TRUE(access.starts_with("v2:")) << access;
  EXPECT_TRUE(refresh.starts_with("v2:")) << refresh;
  EXPECT_EQ(access.find("BQD-access"), std::string::npos);
  EXPECT_EQ(refresh.find("AQA-refresh"), std::string::npos);
  EXPECT_EQ((*this->store_->find_account(account))->tokens, make_tokens("rotated"));
}

TYPED_TEST(StoreContract, AnotherKeyCannotReadTheTokens) {
  const auto account = this->add_account(this->add_user());
  security::TokenCipher other_cipher(security::SecretKey::generate());
  this->store_.reset();
  auto other = this->backend_.open(other_cipher, this->clock_);

  const auto found = other->find_account(account);

  ASSERT_FALSE(found.has_value());
  EXPECT_EQ(found.error().code, ErrorCode::Internal);
  EXPECT_EQ(found.error().message.find("BQD-access"), std::string::npos);
}

TYPED_TEST(StoreContract, MarksAccountsSynced) {
  const auto account = this->add_account(this->add_user());

  ASSERT_TRUE(this->store_->mark_synced(account, utc("2026-02-03T04:05:06Z")).has_value());

  EXPECT_EQ((*this->store_->find_account(account))->last_synced_at, utc("2026-02-03T04:05:06Z"));
}

// ---- PlaylistStore ----

TYPED_TEST(StoreContract, SavesAndReadsAPlaylist) {
  const auto account = this->add_account(this->add_user());
  const auto items = make_items(3);

  ASSERT_TRUE(this->store_->save_playlist(account, 0, make_summary("p1"), items).has_value());

  const auto stored = this->store_->find_playlist(account, "p1");
  ASSERT_TRUE(stored.has_value() && stored->has_value());
  EXPECT_EQ((*stored)->summary, make_summary("p1"));
  EXPECT_EQ((*stored)->items_snapshot_id, "snap-1");
  EXPECT_EQ((*stored)->stored_item_count, 3);
  EXPECT_EQ((*stored)->synced_at, this->clock_.now());
  EXPECT_EQ(this->items_of(account, "p1"), items);
  EXPECT_EQ(*this->store_->find_playlist(account, "nope"), std::nullopt);
}

TYPED_TEST(StoreContract, KeepsEveryKindOfSlotAndAnyCharacter) {
  const auto account = this->add_account(this->add_user());
  core::PlaylistSummary summary = make_summary("p-unicode");
  summary.name = "Café del Mar — 夏 🎶\ttab\nnewline \\ backslash 'quote\" %";
  summary.description = "<b>not html</b> & \\N \\. \r\n";
  std::vector<core::PlaylistItem> items;
  core::PlaylistItem unicode = make_item(1);
  unicode.track->name = "Ñandú\t\\N\n\"x\", 'y'";
  unicode.track->artists = {"Björk", "a, b; c | d", "\\", ""};
  items.push_back(unicode);
  items.push_back(core::PlaylistItem{
      .uri = "spotify:local:Artist:Album:Song:123",
      .is_local = true,
      .track = core::TrackInfo{
          .uri = "spotify:local:Artist:Album:Song:123", .name = "Song", .artists = {"Artist"}}});
  items.push_back(core::PlaylistItem{.uri = "", .unavailable = true});
  items.push_back(core::PlaylistItem{.uri = "spotify:track:gone", .unavailable = true});
  items.push_back(make_item(1));  // the same track twice
  items.push_back(core::PlaylistItem{.uri = "spotify:episode:e1", .added_by = "someone"});

  ASSERT_TRUE(this->store_->save_playlist(account, 0, summary, items).has_value());

  EXPECT_EQ((*this->store_->find_playlist(account, "p-unicode"))->summary, summary);
  const auto read = this->items_of(account, "p-unicode");
  ASSERT_EQ(read.size(), items.size());
  // The shared track row holds one version of the track: the first occurrence in the save.
  items[4].track = items[0].track;
  EXPECT_EQ(read, items);
}

TYPED_TEST(PortContract, KeepsEachTracksReleaseDateAndTheLastSaveWins) {
  const auto account = this->add_account(this->add_user());
  auto items = make_items(4);  // 1999, 2001-07, 2010-02-28 and unknown
  ASSERT_TRUE(this->store_->save_playlist(account, 0, make_summary("r"), items).has_value());
  EXPECT_EQ(this->items_of(account, "r"), items);
  ASSERT_EQ(this->items_of(account, "r")[2].track->release_date, "2010-02-28");

  // A later sync that learns a date (or loses one) updates the shared track row.
  items[3].track->release_date = "1975-11";
  items[0].track->release_date = "";
  ASSERT_TRUE(this->store_->save_playlist(account, 0, make_summary("r"), items).has_value());
  EXPECT_EQ(this->items_of(account, "r"), items);
}

TYPED_TEST(StoreContract, ReturnsPlaylistsInListOrder) {
  const auto account = this->add_account(this->add_user());
  ASSERT_TRUE(this->store_->save_playlist(account, 2, make_summary("c"), {}).has_value());
  ASSERT_TRUE(this->store_->save_playlist_summary(account, 0, make_summary("z")).has_value());
  ASSERT_TRUE(
      this->store_->save_playlist(account, 1, make_summary("a"), make_items(2)).has_value());

  const auto playlists = this->store_->playlists_of(account);

  ASSERT_TRUE(playlists.has_value());
  ASSERT_EQ(playlists->size(), 3u);
  EXPECT_EQ((*playlists)[0].summary.id, "z");
  EXPECT_EQ((*playlists)[1].summary.id, "a");
  EXPECT_EQ((*playlists)[2].summary.id, "c");
  EXPECT_TRUE(this->store_->playlists_of(account + 100)->empty());
}

TYPED_TEST(StoreContract, SavingReplacesTheItems) {
  const auto account = this->add_account(this->add_user());
  ASSERT_TRUE(
      this->store_->save_playlist(account, 0, make_summary("p"), make_items(50)).has_value());

  ASSERT_TRUE(
      this->store_->save_playlist(account, 0, make_summary("p", "snap-2"), make_items(5, 100))
          .has_value());

  EXPECT_EQ(this->items_of(account, "p"), make_items(5, 100));
  EXPECT_EQ((*this->store_->find_playlist(account, "p"))->items_snapshot_id, "snap-2");
  EXPECT_EQ((*this->store_->find_playlist(account, "p"))->stored_item_count, 5);
}

TYPED_TEST(StoreContract, SummaryOnlySaveKeepsItemsAndTheirSnapshot) {
  const auto account = this->add_account(this->add_user());
  ASSERT_TRUE(
      this->store_->save_playlist(account, 0, make_summary("p"), make_items(4)).has_value());
  core::PlaylistSummary renamed = make_summary("p", "snap-9");
  renamed.name = "Renamed";

  ASSERT_TRUE(this->store_->save_playlist_summary(account, 3, renamed).has_value());
  ASSERT_TRUE(this->store_->save_playlist_summary(account, 4, make_summary("new")).has_value());

  const auto stored = *this->store_->find_playlist(account, "p");
  EXPECT_EQ(stored->summary, renamed);
  EXPECT_EQ(stored->items_snapshot_id, "snap-1");
  EXPECT_EQ(stored->stored_item_count, 4);
  EXPECT_EQ(this->items_of(account, "p"), make_items(4));
  const auto fresh = *this->store_->find_playlist(account, "new");
  EXPECT_EQ(fresh->items_snapshot_id, "");
  EXPECT_EQ(fresh->stored_item_count, 0);
  EXPECT_TRUE(this->items_of(account, "new").empty());
}

TYPED_TEST(StoreContract, AFailedSaveLeavesTheOldPlaylistIntact) {
  const auto account = this->add_account(this->add_user());
  ASSERT_TRUE(
      this->store_->save_playlist(account, 0, make_summary("p"), make_items(20)).has_value());
  auto bad_items = make_items(500, 1000);
  // An available slot must have a URI: the last row violates a constraint, after 500 rows and the
  // playlist row were already written inside the transaction.
  bad_items.push_back(core::PlaylistItem{.uri = "", .unavailable = false});
  core::PlaylistSummary changed = make_summary("p", "snap-bad");
  changed.name = "Half-saved";

  const auto saved = this->store_->save_playlist(account, 5, changed, bad_items);

  ASSERT_FALSE(saved.has_value());
  EXPECT_EQ(saved.error().code, ErrorCode::InvalidInput) << saved.error().message;
  const auto stored = *this->store_->find_playlist(account, "p");
  EXPECT_EQ(stored->summary, make_summary("p"));
  EXPECT_EQ(stored->items_snapshot_id, "snap-1");
  EXPECT_EQ(this->items_of(account, "p"), make_items(20));
  EXPECT_EQ(
      this->backend_.raw_count("SELECT count(*) FROM tracks WHERE uri = 'spotify:track:t1200'"), 0);
  // The store is still usable after the rollback.
  EXPECT_TRUE(this->store_->save_playlist(account, 0, changed, make_items(2)).has_value());
}

TYPED_TEST(StoreContract, SavingForAMissingAccountIsNotFound) {
  const auto saved = this->store_->save_playlist(777, 0, make_summary("p"), make_items(1));

  ASSERT_FALSE(saved.has_value());
  EXPECT_EQ(saved.error().code, ErrorCode::NotFound);
}

TYPED_TEST(StoreContract, ItemsOfAnUnknownPlaylistAreNotFound) {
  const auto account = this->add_account(this->add_user());

  const auto items = this->store_->playlist_items(account, "missing");

  ASSERT_FALSE(items.has_value());
  EXPECT_EQ(items.error().code, ErrorCode::NotFound);
}

TYPED_TEST(StoreContract, RemovesPlaylistsGoneFromSpotifyWithTheirItems) {
  const auto user = this->add_user();
  const auto account = this->add_account(user, "sp-1");
  const auto other_account = this->add_account(user, "sp-2");
  for (const std::string id : {"keep-1", "drop-1", "keep-2", "drop-2"}) {
    ASSERT_TRUE(
        this->store_->save_playlist(account, 0, make_summary(id), make_items(3)).has_value());
  }
  ASSERT_TRUE(this->store_->save_playlist(other_account, 0, make_summary("drop-1"), make_items(2))
                  .has_value());

  ASSERT_TRUE(
      this->store_->remove_playlists_except(account, {"keep-1", "keep-2", "unknown"}).has_value());

  const auto playlists = *this->store_->playlists_of(account);
  ASSERT_EQ(playlists.size(), 2u);
  EXPECT_EQ(*this->store_->find_playlist(account, "drop-1"), std::nullopt);
  EXPECT_EQ(this->backend_.raw_count("SELECT count(*) FROM playlist_items WHERE account_id = " +
                                     std::to_string(account) + " AND playlist_id LIKE 'drop-%'"),
            0);
  EXPECT_EQ(this->items_of(account, "keep-2").size(), 3u);
  EXPECT_EQ(this->items_of(other_account, "drop-1").size(), 2u);

  ASSERT_TRUE(this->store_->remove_playlists_except(account, {}).has_value());
  EXPECT_TRUE(this->store_->playlists_of(account)->empty());
  EXPECT_EQ(this->backend_.raw_count("SELECT count(*) FROM playlist_items WHERE account_id = " +
                                     std::to_string(account)),
            0);
}

TYPED_TEST(StoreContract, TracksAreSharedAndTheLastSaveWins) {
  const auto account = this->add_account(this->add_user());
  ASSERT_TRUE(
      this->store_->save_playlist(account, 0, make_summary("a"), make_items(3)).has_value());
  auto renamed = make_items(1, 1);
  renamed[0].track->name = "Track 1 (Remastered)";

  ASSERT_TRUE(this->store_->save_playlist(account, 1, make_summary("b"), renamed).has_value());

  EXPECT_EQ(this->items_of(account, "a")[1].track->name, "Track 1 (Remastered)");
  EXPECT_EQ(this->backend_.raw_count("SELECT count(*) FROM tracks"), 3);
}

TYPED_TEST(StoreContract, RoundTripsTenThousandItems) {
  const auto account = this->add_account(this->add_user());
  const auto items = make_items(10'000);

  const auto start = std::chrono::steady_clock::now();
  const auto saved = this->store_->save_playlist(account, 0, make_summary("big"), items);
  const auto saved_at = std::chrono::steady_clock::now();
  const auto read = this->items_of(account, "big");
  const auto read_at = std::chrono::steady_clock::now();

  ASSERT_TRUE(saved.has_value()) << saved.error().message;
  EXPECT_EQ(read, items);
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  std::cout << "[ timing ] save 10000 items: "
            << duration_cast<milliseconds>(saved_at - start).count()
            << " ms, read: " << duration_cast<milliseconds>(read_at - saved_at).count() << " ms\n";
}

TYPED_TEST(StoreContract, ReopeningKeepsDataAndDoesNotRerunMigrations) {
  const auto account = this->add_account(this->add_user());
  ASSERT_TRUE(
      this->store_->save_playlist(account, 0, make_summary("p"), make_items(3)).has_value());
  const std::string applied_at =
      this->backend_.raw_text("SELECT applied_at FROM schema_migrations WHERE version = 1");

  this->reopen();
  this->reopen();

  EXPECT_EQ(this->backend_.raw_count("SELECT count(*) FROM schema_migrations"),
            static_cast<std::int64_t>(this->backend_.migrations().size()));
  EXPECT_EQ(this->backend_.raw_text("SELECT applied_at FROM schema_migrations WHERE version = 1"),
            applied_at);
  EXPECT_EQ(this->items_of(account, "p"), make_items(3));
  EXPECT_EQ((*this->store_->find_account(account))->tokens, make_tokens("spotify-alice"));
}

// ---- UserStore: changes and deletion (every implementation) ----

TYPED_TEST(PortContract, SetsPasswordHashAndRole) {
  const auto alice = this->add_user("alice");
  const auto bob = this->add_user("bob");

  ASSERT_TRUE(this->store_->set_password_hash(alice, "$argon2id$new").has_value());
  ASSERT_TRUE(this->store_->set_role(alice, core::Role::Admin).has_value());

  const auto found = *this->store_->find_user(alice);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->password_hash, "$argon2id$new");
  EXPECT_EQ(found->role, core::Role::Admin);
  EXPECT_EQ(found->username, "alice");
  const auto other = *this->store_->find_user(bob);
  EXPECT_EQ(other->password_hash, "$argon2id$hash-of-bob");
  EXPECT_EQ(other->role, core::Role::Editor);
  const std::int64_t missing = alice + bob + 100;
  EXPECT_EQ(this->store_->set_password_hash(missing, "h").error().code, ErrorCode::NotFound);
  EXPECT_EQ(this->store_->set_role(missing, core::Role::Viewer).error().code, ErrorCode::NotFound);
}

TYPED_TEST(PortContract, DeletingAUserTakesEverythingTheyOwnAndNothingElse) {
  const auto alice = this->add_user("alice");
  const auto bob = this->add_user("bob");
  const auto alice_1 = this->add_account(alice, "sp-alice-1");
  const auto alice_2 = this->add_account(alice, "sp-alice-2");
  const auto bob_1 = this->add_account(bob, "sp-bob");
  ASSERT_TRUE(this->add_tagged_playlist(alice_1, "shared-id", {"a"}));
  ASSERT_TRUE(this->add_tagged_playlist(alice_2, "p2", {"b", "c"}));
  ASSERT_TRUE(this->add_tagged_playlist(bob_1, "shared-id", {"bob's"}));
  for (const std::string id : {"alice-s1", "alice-s2"}) {
    ASSERT_TRUE(this->store_->create_session(make_session(id, alice)).has_value());
  }
  ASSERT_TRUE(this->store_->create_session(make_session("bob-s1", bob)).has_value());
  ASSERT_TRUE(this->store_->save_oauth_state(make_state("alice-state", alice)).has_value());
  ASSERT_TRUE(this->store_->save_oauth_state(make_state("bob-state", bob)).has_value());

  ASSERT_TRUE(this->store_->delete_user(alice).has_value());

  EXPECT_EQ(*this->store_->find_user(alice), std::nullopt);
  EXPECT_EQ(*this->store_->find_session("alice-s1"), std::nullopt);
  EXPECT_EQ(*this->store_->find_session("alice-s2"), std::nullopt);
  EXPECT_EQ(*this->store_->take_oauth_state("alice-state", at(0)), std::nullopt);
  EXPECT_TRUE(this->store_->accounts_of(alice)->empty());
  EXPECT_EQ(*this->store_->find_account(alice_1), std::nullopt);
  EXPECT_EQ(*this->store_->find_account(alice_2), std::nullopt);
  EXPECT_TRUE(this->store_->playlists_of(alice_1)->empty());
  EXPECT_TRUE(this->store_->playlists_of(alice_2)->empty());
  EXPECT_EQ(this->store_->playlist_items(alice_2, "p2").error().code, ErrorCode::NotFound);
  // Bob keeps everything, including a playlist with the same Spotify id.
  EXPECT_EQ((*this->store_->find_user(bob))->username, "bob");
  EXPECT_EQ(*this->store_->find_session("bob-s1"), std::optional(make_session("bob-s1", bob)));
  EXPECT_EQ(this->store_->accounts_of(bob)->size(), 1u);
  EXPECT_EQ(this->tags_of(bob_1, "shared-id"), std::vector<std::string>{"bob's"});
  EXPECT_EQ(this->items_of(bob_1, "shared-id"), make_items(3));
  EXPECT_EQ(*this->store_->take_oauth_state("bob-state", at(0)),
            std::optional(make_state("bob-state", bob)));
  EXPECT_EQ(this->store_->list_users()->size(), 1u);
  // Once gone, gone.
  EXPECT_EQ(this->store_->delete_user(alice).error().code, ErrorCode::NotFound);
}

TYPED_TEST(PortContract, AUsernameIsFreeAgainAfterTheUserIsDeleted) {
  const auto first = this->add_user("alice");
  ASSERT_TRUE(this->store_->delete_user(first).has_value());

  const auto again = this->store_->create_user("alice", "h2", core::Role::Viewer);

  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_TRUE(this->store_->accounts_of(again->id)->empty());
  EXPECT_EQ((*this->store_->find_user_by_name("alice"))->password_hash, "h2");
}

TYPED_TEST(PortContract, IdsOfDeletedUsersAndAccountsAreNeverReused) {
  // Work still running for a deleted account (a sync) must not land in a newer one.
  const auto first_user = this->add_user("first");
  const auto last_user = this->add_user("last");
  const auto account = this->add_account(first_user, "sp-1");
  const auto last_account = this->add_account(first_user, "sp-2");
  ASSERT_TRUE(this->store_->delete_account(last_account).has_value());
  ASSERT_TRUE(this->store_->delete_user(last_user).has_value());

  const auto new_user = this->add_user("new");
  const auto new_account = this->add_account(new_user, "sp-3");

  EXPECT_GT(new_user, last_user);
  EXPECT_GT(new_account, last_account);
  EXPECT_NE(new_account, account);
}

// ---- AccountStore: deletion (every implementation) ----

TYPED_TEST(PortContract, DeletingAnAccountTakesItsPlaylistsItemsAndTags) {
  const auto alice = this->add_user("alice");
  const auto bob = this->add_user("bob");
  const auto doomed = this->add_account(alice, "sp-1");
  const auto kept = this->add_account(alice, "sp-2");
  const auto bobs = this->add_account(bob, "sp-bob");
  ASSERT_TRUE(this->add_tagged_playlist(doomed, "p", {"x"}, 5));
  ASSERT_TRUE(this->add_tagged_playlist(kept, "p", {"y"}, 2));
  ASSERT_TRUE(this->add_tagged_playlist(bobs, "p", {"z"}, 1));

  ASSERT_TRUE(this->store_->delete_account(doomed).has_value());

  EXPECT_EQ(*this->store_->find_account(doomed), std::nullopt);
  EXPECT_TRUE(this->store_->playlists_of(doomed)->empty());
  EXPECT_EQ(this->store_->playlist_items(doomed, "p").error().code, ErrorCode::NotFound);
  EXPECT_EQ(this->store_->set_playlist_tags(doomed, "p", {"x"}).error().code, ErrorCode::NotFound);
  ASSERT_EQ(this->store_->accounts_of(alice)->size(), 1u);
  EXPECT_EQ(this->store_->accounts_of(alice)->front().id, kept);
  EXPECT_EQ(this->items_of(kept, "p"), make_items(2));
  EXPECT_EQ(this->tags_of(kept, "p"), std::vector<std::string>{"y"});
  EXPECT_EQ(this->tags_of(bobs, "p"), std::vector<std::string>{"z"});
  EXPECT_TRUE((*this->store_->find_user(alice)).has_value());
  EXPECT_EQ(this->store_->delete_account(doomed).error().code, ErrorCode::NotFound);
}

TYPED_TEST(PortContract, JobsGoWithTheirUserAndWithTheirAccount) {
  const auto alice = this->add_user("alice");
  const auto bob = this->add_user("bob");
  const auto doomed = this->add_account(alice, "sp-1");
  const auto kept = this->add_account(alice, "sp-2");
  const auto bobs = this->add_account(bob, "sp-bob");
  const auto of_doomed = this->add_job(alice, doomed);
  const auto of_kept = this->add_job(alice, kept);
  const auto of_no_account = this->add_job(alice, 0);
  const auto of_bob = this->add_job(bob, bobs);
  const auto running = this->store_->jobs().claim("w1", {}, std::chrono::seconds(30));
  ASSERT_TRUE(running.has_value() && running->has_value());
  ASSERT_EQ((*running)->id, of_doomed);

  ASSERT_TRUE(this->store_->delete_account(doomed).has_value());

  EXPECT_FALSE(this->has_job(of_doomed));
  EXPECT_TRUE(this->has_job(of_kept));
  // Its worker no longer holds it: it stops and writes nothing more.
  EXPECT_EQ(this->store_->jobs().heartbeat(of_doomed, "w1", std::chrono::seconds(30)).error().code,
            ErrorCode::Conflict);

  ASSERT_TRUE(this->store_->delete_user(alice).has_value());

  EXPECT_FALSE(this->has_job(of_kept));
  EXPECT_FALSE(this->has_job(of_no_account));
  EXPECT_TRUE(this->has_job(of_bob));
  EXPECT_EQ(this->store_->jobs().list_jobs({})->size(), 1u);
}

TYPED_TEST(PortContract, AReconnectedAccountStartsWithoutTheOldPlaylists) {
  const auto user = this->add_user();
  const auto first = this->add_account(user, "sp-1");
  ASSERT_TRUE(this->add_tagged_playlist(first, "p", {"old"}));
  ASSERT_TRUE(this->store_->delete_account(first).has_value());

  const auto second = this->add_account(user, "sp-1");

  EXPECT_TRUE(this->store_->playlists_of(second)->empty());
  ASSERT_TRUE(this->store_->save_playlist_summary(second, 0, make_summary("p")).has_value());
  EXPECT_TRUE(this->tags_of(second, "p").empty());
}

TYPED_TEST(PortContract, KeepsItemTimesToTheSecondAndUnknownOnesUnknown) {
  const auto account = this->add_account(this->add_user());
  std::vector<core::PlaylistItem> items = make_items(2);
  items[0].added_at = *items[0].added_at + std::chrono::milliseconds(250);
  items[1].added_at = std::nullopt;  // very old playlists

  ASSERT_TRUE(this->store_->save_playlist(account, 0, make_summary("p"), items).has_value());

  const auto read = this->items_of(account, "p");
  ASSERT_EQ(read.size(), 2u);
  EXPECT_EQ(read[0].added_at, utc("2025-01-02T03:04:05Z"));
  EXPECT_EQ(read[1].added_at, std::nullopt);
}

TYPED_TEST(PortContract, KeepsAccountTimesToTheSecond) {
  const auto user = this->add_user();
  core::SpotifyAccount account{.app_user_id = user,
                               .spotify_user_id = "sp-1",
                               .display_name = "Alice",
                               .client_id = "client-1",
                               .tokens = make_tokens("fine")};
  account.tokens.expires_at += std::chrono::milliseconds(999);
  account.tokens.authorized_at = std::nullopt;  // unknown stays unknown
  const auto id = *this->store_->upsert_account(account);
  ASSERT_TRUE(
      this->store_->mark_synced(id, utc("2026-02-03T04:05:06Z") + std::chrono::milliseconds(500))
          .has_value());

  auto found = *this->store_->find_account(id);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->tokens.expires_at, at(1'800'000'000));
  EXPECT_EQ(found->tokens.authorized_at, std::nullopt);
  EXPECT_EQ(found->last_synced_at, utc("2026-02-03T04:05:06Z"));

  core::AccountTokens refreshed = make_tokens("refreshed");
  refreshed.authorized_at = *refreshed.authorized_at + std::chrono::microseconds(1);
  ASSERT_TRUE(this->store_->save_tokens(id, refreshed).has_value());
  EXPECT_EQ((*this->store_->find_account(id))->tokens, make_tokens("refreshed"));
}

TYPED_TEST(PortContract, ReconnectingAnAccountKeepsItsLastSyncedTime) {
  // Its playlists stay, and the last-synced time says how fresh they are.
  const auto user = this->add_user();
  const auto account = this->add_account(user, "sp-1");
  ASSERT_TRUE(this->add_tagged_playlist(account, "p", {"kept"}));
  ASSERT_TRUE(this->store_->mark_synced(account, utc("2026-02-03T04:05:06Z")).has_value());
  core::SpotifyAccount reconnected{.app_user_id = user,
                                   .spotify_user_id = "sp-1",
                                   .display_name = "Alice again",
                                   .client_id = "client-1",
                                   .tokens = make_tokens("reconnected")};

  const auto id = this->store_->upsert_account(reconnected);

  ASSERT_TRUE(id.has_value()) << id.error().message;
  EXPECT_EQ(*id, account);
  const auto found = *this->store_->find_account(account);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->last_synced_at, utc("2026-02-03T04:05:06Z"));
  EXPECT_EQ(found->tokens, make_tokens("reconnected"));
  EXPECT_EQ(found->display_name, "Alice again");
  EXPECT_EQ(this->tags_of(account, "p"), std::vector<std::string>{"kept"});
}

// ---- PlaylistStore: tags (every implementation) ----

TYPED_TEST(PortContract, TagsAreStoredTrimmedUniqueAndSorted) {
  const auto account = this->add_account(this->add_user());
  ASSERT_TRUE(
      this->store_->save_playlist(account, 0, make_summary("p"), make_items(2)).has_value());
  ASSERT_TRUE(
      this->store_->save_playlist_summary(account, 1, make_summary("untagged")).has_value());

  ASSERT_TRUE(this->store_
                  ->set_playlist_tags(
                      account, "p",
                      {" rock ", "Jazz", "rock", "\tchill\n", "Ünïcode 🎶", "two  words", "Jazz"})
                  .has_value());

  // Bytewise order: capitals before lower case, UTF-8 after ASCII.
  const std::vector<std::string> expected{"Jazz", "chill", "rock", "two  words", "Ünïcode 🎶"};
  EXPECT_EQ(this->tags_of(account, "p"), expected);
  const auto listed = *this->store_->playlists_of(account);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].tags, expected);
  EXPECT_TRUE(listed[1].tags.empty());
  EXPECT_TRUE(this->tags_of(account, "untagged").empty());
  // Replacing, not merging; an empty list removes them all.
  ASSERT_TRUE(this->store_->set_playlist_tags(account, "p", {"solo"}).has_value());
  EXPECT_EQ(this->tags_of(account, "p"), std::vector<std::string>{"solo"});
  ASSERT_TRUE(this->store_->set_playlist_tags(account, "p", {}).has_value());
  EXPECT_TRUE(this->tags_of(account, "p").empty());
}

TYPED_TEST(PortContract, PlaylistsOfListsEachPlaylistOnceWithItsOwnTags) {
  const auto account = this->add_account(this->add_user());
  for (int i = 0; i < 4; ++i) {
    const std::string id = "p" + std::to_string(i);
    ASSERT_TRUE(this->store_->save_playlist_summary(account, 3 - i, make_summary(id)).has_value());
  }
  ASSERT_TRUE(this->store_->set_playlist_tags(account, "p0", {"z", "a", "m"}).has_value());
  ASSERT_TRUE(this->store_->set_playlist_tags(account, "p2", {"only"}).has_value());

  const auto listed = *this->store_->playlists_of(account);

  ASSERT_EQ(listed.size(), 4u);
  EXPECT_EQ(listed[0].summary.id, "p3");
  EXPECT_TRUE(listed[0].tags.empty());
  EXPECT_EQ(listed[1].summary.id, "p2");
  EXPECT_EQ(listed[1].tags, std::vector<std::string>{"only"});
  EXPECT_EQ(listed[2].summary.id, "p1");
  EXPECT_TRUE(listed[2].tags.empty());
  EXPECT_EQ(listed[3].summary.id, "p0");
  EXPECT_EQ(listed[3].tags, (std::vector<std::string>{"a", "m", "z"}));
}

TYPED_TEST(PortContract, RejectsBadTagsAndKeepsTheOldOnes) {
  const auto account = this->add_account(this->add_user());
  ASSERT_TRUE(this->add_tagged_playlist(account, "p", {"before"}));
  std::vector<std::string> fifty;
  for (int i = 0; i < 50; ++i) fifty.push_back("tag-" + std::to_string(i));
  std::vector<std::string> fifty_one = fifty;
  fifty_one.push_back("one-too-many");
  std::vector<std::string> fifty_with_repeats = fifty;
  fifty_with_repeats.push_back(" tag-7 ");
  std::string sixty_four_bytes;
  for (int i = 0; i < 32; ++i) sixty_four_bytes += "é";  // 2 bytes each

  for (const auto& bad : std::vector<std::vector<std::string>>{{""},
                                                               {"ok", "   "},
                                                               {std::string(65, 'x')},
                                                               {sixty_four_bytes + "x"},
                                                               fifty_one,
                                                               {"bell\a"},
                                                               {std::string("nul\0in", 6)},
                                                               {"latin-1 caf\xE9"}}) {
    const auto result = this->store_->set_playlist_tags(account, "p", bad);
    ASSERT_FALSE(result.has_value()) << bad.size() << " tags accepted";
    EXPECT_EQ(result.error().code, ErrorCode::InvalidInput) << result.error().message;
    EXPECT_EQ(this->tags_of(account, "p"), std::vector<std::string>{"before"});
  }

  EXPECT_TRUE(this->store_->set_playlist_tags(account, "p", fifty_with_repeats).has_value());
  EXPECT_EQ(this->tags_of(account, "p").size(), 50u);
  EXPECT_TRUE(this->store_->set_playlist_tags(account, "p", {std::string(64, 'x')}).has_value());
  ASSERT_TRUE(
      this->store_->set_playlist_tags(account, "p", {" " + sixty_four_bytes + " "}).has_value());
  EXPECT_EQ(this->tags_of(account, "p"), std::vector<std::string>{sixty_four_bytes});
}

// ---- Saved selections (every implementation) ----

core::SavedSelection make_selection(const std::string& name, std::optional<std::int64_t> account,
                                    const std::string& selector) {
  return core::SavedSelection{.name = name, .account_id = account, .selector = selector};
}

TYPED_TEST(PortContract, SavesListsReplacesAndDeletesSelectionsByName) {
  const auto alice = this->add_user("alice");
  const auto bob = this->add_user("bob");
  const auto account = this->add_account(alice, "sp-1");
  this->clock_.advance(std::chrono::milliseconds(1'700));  // read back to the second

  const auto saved =
      this->store_->save_selection(alice, make_selection("rock", account, "tag:rock"));
  ASSERT_TRUE(saved.has_value()) << saved.error().message;
  EXPECT_EQ(saved->saved_at,
            std::chrono::time_point_cast<std::chrono::seconds>(this->clock_.now()));
  ASSERT_TRUE(this->store_->save_selection(alice, make_selection("Émile 🎶", std::nullopt, "all"))
                  .has_value());
  ASSERT_TRUE(this->store_->save_selection(alice, make_selection("Zed", std::nullopt, "owned"))
                  .has_value());
  ASSERT_TRUE(this->store_->save_selection(bob, make_selection("rock", std::nullopt, "tag:bob"))
                  .has_value());

  auto listed = *this->store_->saved_selections(alice);
  // Bytewise order: capitals before lower case, UTF-8 after ASCII.
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[0].name, "Zed");
  EXPECT_EQ(listed[1], *saved);
  EXPECT_EQ(listed[2].name, "Émile 🎶");
  EXPECT_EQ(listed[2].account_id, std::nullopt);

  // Saving the name again replaces it (a 200,000-byte hand selection fits).
  this->clock_.advance(std::chrono::seconds(5));
  const std::string big(core::kMaxSelectorBytes, 'a');
  const auto replaced =
      this->store_->save_selection(alice, make_selection("rock", std::nullopt, big));
  ASSERT_TRUE(replaced.has_value()) << replaced.error().message;
  listed = *this->store_->saved_selections(alice);
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[1], *replaced);
  EXPECT_EQ(listed[1].selector, big);
  EXPECT_EQ(listed[1].account_id, std::nullopt);
  EXPECT_GT(listed[1].saved_at, saved->saved_at);
  // Bob's selection of the same name is his own.
  EXPECT_EQ(this->store_->saved_selections(bob)->front().selector, "tag:bob");

  ASSERT_TRUE(this->store_->delete_selection(alice, "rock").has_value());
  EXPECT_EQ(this->store_->saved_selections(alice)->size(), 2u);
  EXPECT_EQ(this->store_->delete_selection(alice, "rock").error().code, ErrorCode::NotFound);
  EXPECT_EQ(this->store_->delete_selection(alice, "never").error().code, ErrorCode::NotFound);
  EXPECT_EQ(this->store_->saved_selections(bob)->size(), 1u);
}

TYPED_TEST(PortContract, RefusesBadSelectionsAndOtherUsersAccounts) {
  const auto alice = this->add_user("alice");
  const auto bob = this->add_user("bob");
  const auto bobs = this->add_account(bob, "sp-bob");
  std::string hundred_characters;
  for (int i = 0; i < 100; ++i) hundred_characters += "é";  // 200 bytes, 100 characters
  ASSERT_TRUE(this->store_->save_selection(alice, make_selection(hundred_characters, {}, "all"))
                  .has_value());

  for (const auto& bad :
       {make_selection("", {}, "all"), make_selection(hundred_characters + "x", {}, "all"),
        make_selection("bell\a", {}, "all"), make_selection("latin-1 caf\xE9", {}, "all"),
        make_selection("x", {}, ""),
        make_selection("x", {}, std::string(core::kMaxSelectorBytes + 1, 'a')),
        make_selection("x", {}, std::string("nul\0in", 6))}) {
    const auto result = this->store_->save_selection(alice, bad);
    ASSERT_FALSE(result.has_value()) << bad.name << " accepted";
    EXPECT_EQ(result.error().code, ErrorCode::InvalidInput) << result.error().message;
  }
  EXPECT_EQ(this->store_->save_selection(alice, make_selection("b", bobs, "all")).error().code,
            ErrorCode::NotFound);
  EXPECT_EQ(
      this->store_->save_selection(alice, make_selection("b", bobs + 100, "all")).error().code,
      ErrorCode::NotFound);
  EXPECT_EQ(
      this->store_->save_selection(alice + bob + 100, make_selection("b", {}, "all")).error().code,
      ErrorCode::NotFound);
  EXPECT_EQ(this->store_->saved_selections(alice)->size(), 1u);
}

TYPED_TEST(PortContract, SelectionsGoWithTheirUserAndWithTheAccountTheyName) {
  const auto alice = this->add_user("alice");
  const auto bob = this->add_user("bob");
  const auto doomed = this->add_account(alice, "sp-1");
  const auto kept = this->add_account(alice, "sp-2");
  ASSERT_TRUE(
      this->store_->save_selection(alice, make_selection("doomed", doomed, "all")).has_value());
  ASSERT_TRUE(this->store_->save_selection(alice, make_selection("kept", kept, "all")).has_value());
  ASSERT_TRUE(this->store_->save_selection(alice, make_selection("any", {}, "all")).has_value());
  ASSERT_TRUE(this->store_->save_selection(bob, make_selection("bob's", {}, "all")).has_value());

  ASSERT_TRUE(this->store_->delete_account(doomed).has_value());

  auto names = [&](std::int64_t user) {
    const auto selections = *this->store_->saved_selections(user);
    std::vector<std::string> out;
    for (const auto& selection : selections) out.push_back(selection.name);
    return out;
  };
  EXPECT_EQ(names(alice), (std::vector<std::string>{"any", "kept"}));

  ASSERT_TRUE(this->store_->delete_user(alice).has_value());

  EXPECT_TRUE(names(alice).empty());
  EXPECT_EQ(names(bob), std::vector<std::string>{"bob's"});
}

TYPED_TEST(PortContract, TaggingAPlaylistThatIsNotStoredIsNotFound) {
  const auto alice = this->add_user("alice");
  const auto bob = this->add_user("bob");
  const auto alice_account = this->add_account(alice, "sp-alice");
  const auto bob_account = this->add_account(bob, "sp-bob");
  ASSERT_TRUE(this->add_tagged_playlist(alice_account, "alices", {"mine"}));

  EXPECT_EQ(this->store_->set_playlist_tags(alice_account, "missing", {"x"}).error().code,
            ErrorCode::NotFound);
  // Bob's account does not hold Alice's playlist: he can neither tag it nor change her tags.
  EXPECT_EQ(this->store_->set_playlist_tags(bob_account, "alices", {"stolen"}).error().code,
            ErrorCode::NotFound);
  EXPECT_EQ(this->store_->set_playlist_tags(alice_account + bob_account + 100, "alices", {"x"})
                .error()
                .code,
            ErrorCode::NotFound);
  EXPECT_EQ(this->tags_of(alice_account, "alices"), std::vector<std::string>{"mine"});
  EXPECT_EQ(*this->store_->find_playlist(bob_account, "alices"), std::nullopt);
}

TYPED_TEST(PortContract, TagsBelongToOneAccountsPlaylist) {
  const auto alice_account = this->add_account(this->add_user("alice"), "sp-alice");
  const auto bob_account = this->add_account(this->add_user("bob"), "sp-bob");
  // The same followed playlist, stored once per account.
  ASSERT_TRUE(this->add_tagged_playlist(alice_account, "shared", {"alice"}));
  ASSERT_TRUE(this->add_tagged_playlist(bob_account, "shared", {"bob"}));

  ASSERT_TRUE(this->store_->set_playlist_tags(bob_account, "shared", {"bob-2"}).has_value());

  EXPECT_EQ(this->tags_of(alice_account, "shared"), std::vector<std::string>{"alice"});
  EXPECT_EQ(this->tags_of(bob_account, "shared"), std::vector<std::string>{"bob-2"});
  EXPECT_EQ(this->store_->playlists_of(alice_account)->front().tags,
            std::vector<std::string>{"alice"});
}

TYPED_TEST(PortContract, TagsSurviveReSyncs) {
  const auto account = this->add_account(this->add_user());
  ASSERT_TRUE(this->add_tagged_playlist(account, "p", {"keep", "me"}));
  const std::vector<std::string> tags{"keep", "me"};

  ASSERT_TRUE(
      this->store_->save_playlist(account, 2, make_summary("p", "snap-2"), make_items(7, 50))
          .has_value());
  EXPECT_EQ(this->tags_of(account, "p"), tags);
  core::PlaylistSummary renamed = make_summary("p", "snap-3");
  renamed.name = "Renamed on Spotify";
  ASSERT_TRUE(this->store_->save_playlist_summary(account, 1, renamed).has_value());

  const auto stored = *this->store_->find_playlist(account, "p");
  EXPECT_EQ(stored->tags, tags);
  EXPECT_EQ(stored->summary, renamed);
  EXPECT_EQ(stored->items_snapshot_id, "snap-2");
  EXPECT_EQ(this->store_->playlists_of(account)->front().tags, tags);
  EXPECT_EQ(this->items_of(account, "p"), make_items(7, 50));
}

TYPED_TEST(PortContract, PlaylistsGoneFromSpotifyLoseTheirTags) {
  const auto account = this->add_account(this->add_user());
  ASSERT_TRUE(this->add_tagged_playlist(account, "kept", {"k"}));
  ASSERT_TRUE(this->add_tagged_playlist(account, "gone", {"g"}));

  ASSERT_TRUE(this->store_->remove_playlists_except(account, {"kept"}).has_value());

  EXPECT_EQ(this->tags_of(account, "kept"), std::vector<std::string>{"k"});
  EXPECT_EQ(*this->store_->find_playlist(account, "gone"), std::nullopt);
  EXPECT_EQ(this->store_->set_playlist_tags(account, "gone", {"g"}).error().code,
            ErrorCode::NotFound);
  // Should it come back (followed again), it comes back untagged.
  ASSERT_TRUE(
      this->store_->save_playlist(account, 0, make_summary("gone"), make_items(1)).has_value());
  EXPECT_TRUE(this->tags_of(account, "gone").empty());
}

// ---- SessionStore: sessions (every implementation) ----

TYPED_TEST(PortContract, CreatesFindsAndTouchesSessions) {
  const auto user = this->add_user();
  core::Session session = make_session("a1b2c3", user);
  session.user_agent = "Navigateur « spécial » 🧭";
  core::Session bare = make_session("d4e5f6", user);
  bare.user_agent = "";
  bare.remote_address = "";

  ASSERT_TRUE(this->store_->create_session(session).has_value());
  ASSERT_TRUE(this->store_->create_session(bare).has_value());

  EXPECT_EQ(*this->store_->find_session("a1b2c3"), std::optional(session));
  EXPECT_EQ(*this->store_->find_session("d4e5f6"), std::optional(bare));
  EXPECT_EQ(*this->store_->find_session("unknown"), std::nullopt);
  ASSERT_TRUE(
      this->store_->touch_session("a1b2c3", at(1'790'000'500), at(1'800'000'500)).has_value());
  session.last_seen_at = at(1'790'000'500);
  session.expires_at = at(1'800'000'500);
  EXPECT_EQ(*this->store_->find_session("a1b2c3"), std::optional(session));
  EXPECT_EQ(*this->store_->find_session("d4e5f6"), std::optional(bare));
  EXPECT_EQ(this->store_->touch_session("unknown", at(1), at(2)).error().code, ErrorCode::NotFound);
}

TYPED_TEST(PortContract, StoresOddBrowserTextAsCleanText) {
  const auto user = this->add_user();
  core::Session session = make_session("odd", user);
  session.user_agent = std::string("Mozilla\xFF/5.0\n\0x", 15);
  session.remote_address = "::1\x01";

  ASSERT_TRUE(this->store_->create_session(session).has_value());

  const auto found = *this->store_->find_session("odd");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->user_agent, "Mozilla\uFFFD/5.0\uFFFD\uFFFDx");
  EXPECT_EQ(found->remote_address, "::1\uFFFD");
}

TYPED_TEST(PortContract, FindsExpiredSessionsForTheCallerToJudge) {
  const auto user = this->add_user();
  ASSERT_TRUE(this->store_->create_session(make_session("old", user, 1'000)).has_value());

  EXPECT_EQ(*this->store_->find_session("old"), std::optional(make_session("old", user, 1'000)));
}

TYPED_TEST(PortContract, SessionConflictsAndUnknownUsers) {
  const auto user = this->add_user();
  ASSERT_TRUE(this->store_->create_session(make_session("same", user)).has_value());

  core::Session again = make_session("same", user);
  again.csrf_token = "other";
  const auto duplicate = this->store_->create_session(again);
  const auto orphan = this->store_->create_session(make_session("orphan", user + 100));

  ASSERT_FALSE(duplicate.has_value());
  EXPECT_EQ(duplicate.error().code, ErrorCode::Conflict);
  EXPECT_EQ((*this->store_->find_session("same"))->csrf_token, "csrf-same");
  ASSERT_FALSE(orphan.has_value());
  EXPECT_EQ(orphan.error().code, ErrorCode::NotFound);
  EXPECT_EQ(*this->store_->find_session("orphan"), std::nullopt);
}

TYPED_TEST(PortContract, DeletingASessionIsIdempotent) {
  const auto user = this->add_user();
  ASSERT_TRUE(this->store_->create_session(make_session("s1", user)).has_value());
  ASSERT_TRUE(this->store_->create_session(make_session("s2", user)).has_value());

  EXPECT_TRUE(this->store_->delete_session("s1").has_value());
  EXPECT_TRUE(this->store_->delete_session("s1").has_value());
  EXPECT_TRUE(this->store_->delete_session("never-existed").has_value());

  EXPECT_EQ(*this->store_->find_session("s1"), std::nullopt);
  EXPECT_TRUE(this->store_->find_session("s2")->has_value());
}

TYPED_TEST(PortContract, SignsOutOneUserEverywhereButTheCurrentBrowser) {
  const auto alice = this->add_user("alice");
  const auto bob = this->add_user("bob");
  for (const std::string id : {"a1", "a2", "a3"}) {
    ASSERT_TRUE(this->store_->create_session(make_session(id, alice)).has_value());
  }
  ASSERT_TRUE(this->store_->create_session(make_session("b1", bob)).has_value());

  ASSERT_TRUE(this->store_->delete_sessions_of(alice, "a2").has_value());

  EXPECT_EQ(*this->store_->find_session("a1"), std::nullopt);
  EXPECT_TRUE(this->store_->find_session("a2")->has_value());
  EXPECT_EQ(*this->store_->find_session("a3"), std::nullopt);
  EXPECT_TRUE(this->store_->find_session("b1")->has_value());
  // Naming another user's session as the one to keep changes nothing for that user.
  ASSERT_TRUE(this->store_->delete_sessions_of(bob, "a2").has_value());
  EXPECT_EQ(*this->store_->find_session("b1"), std::nullopt);
  EXPECT_TRUE(this->store_->find_session("a2")->has_value());
}

TYPED_TEST(PortContract, SignsOutEverywhereWhenNothingIsExcepted) {
  const auto alice = this->add_user("alice");
  const auto bob = this->add_user("bob");
  ASSERT_TRUE(this->store_->create_session(make_session("a1", alice)).has_value());
  ASSERT_TRUE(this->store_->create_session(make_session("a2", alice)).has_value());
  ASSERT_TRUE(this->store_->create_session(make_session("b1", bob)).has_value());

  ASSERT_TRUE(this->store_->delete_sessions_of(alice, "").has_value());

  EXPECT_EQ(*this->store_->find_session("a1"), std::nullopt);
  EXPECT_EQ(*this->store_->find_session("a2"), std::nullopt);
  EXPECT_TRUE(this->store_->find_session("b1")->has_value());
  EXPECT_TRUE(this->store_->delete_sessions_of(alice + bob + 100, "").has_value());
}

TYPED_TEST(PortContract, DeletesExpiredSessionsAndSaysHowMany) {
  const auto alice = this->add_user("alice");
  const auto bob = this->add_user("bob");
  ASSERT_TRUE(this->store_->create_session(make_session("a-100", alice, 100)).has_value());
  ASSERT_TRUE(this->store_->create_session(make_session("a-200", alice, 200)).has_value());
  ASSERT_TRUE(this->store_->create_session(make_session("a-300", alice, 300)).has_value());
  ASSERT_TRUE(this->store_->create_session(make_session("b-150", bob, 150)).has_value());

  const auto first =
      this->store_->delete_expired_sessions(at(200));  // expires_at <= now is expired
  const auto second = this->store_->delete_expired_sessions(at(200));

  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(*first, 3);
  EXPECT_EQ(*second, 0);
  EXPECT_TRUE(this->store_->find_session("a-300")->has_value());
  EXPECT_EQ(*this->store_->find_session("a-200"), std::nullopt);
  EXPECT_EQ(*this->store_->find_session("b-150"), std::nullopt);
  EXPECT_EQ(*this->store_->delete_expired_sessions(at(10'000)), 1);
}

TYPED_TEST(PortContract, KeepsSessionTimesToTheSecond) {
  const auto user = this->add_user();
  core::Session session = make_session("fine", user);
  session.created_at += std::chrono::milliseconds(999);
  session.last_seen_at += std::chrono::microseconds(1);
  session.expires_at += std::chrono::milliseconds(500);
  ASSERT_TRUE(this->store_->create_session(session).has_value());

  EXPECT_EQ(*this->store_->find_session("fine"), std::optional(make_session("fine", user)));
  ASSERT_TRUE(this->store_
                  ->touch_session("fine", at(1'790'000'200) + std::chrono::milliseconds(1),
                                  at(1'800'000'200) + std::chrono::milliseconds(999))
                  .has_value());
  EXPECT_EQ((*this->store_->find_session("fine"))->last_seen_at, at(1'790'000'200));
  EXPECT_EQ((*this->store_->find_session("fine"))->expires_at, at(1'800'000'200));
  // Expired from the stored (whole) second on.
  EXPECT_EQ(
      *this->store_->delete_expired_sessions(at(1'800'000'199) + std::chrono::milliseconds(999)),
      0);
  EXPECT_EQ(*this->store_->delete_expired_sessions(at(1'800'000'200)), 1);
}

// ---- SessionStore: OAuth states (every implementation) ----

TYPED_TEST(PortContract, AnOAuthStateIsUsableOnce) {
  const auto user = this->add_user();
  const auto state = make_state("st-1", user, 2'000);
  ASSERT_TRUE(this->store_->save_oauth_state(state).has_value());
  ASSERT_TRUE(this->store_->save_oauth_state(make_state("st-2", user, 2'000)).has_value());

  const auto first = this->store_->take_oauth_state("st-1", at(1'999));
  const auto second = this->store_->take_oauth_state("st-1", at(1'999));

  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(*first, std::optional(state));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(*second, std::nullopt);
  EXPECT_EQ(*this->store_->take_oauth_state("unknown", at(0)), std::nullopt);
  EXPECT_EQ(*this->store_->take_oauth_state("st-2", at(0)),
            std::optional(make_state("st-2", user, 2'000)));
}

TYPED_TEST(PortContract, AnExpiredOAuthStateIsDeletedAndNotReturned) {
  const auto user = this->add_user();
  ASSERT_TRUE(this->store_->save_oauth_state(make_state("late", user, 1'000)).has_value());

  EXPECT_EQ(*this->store_->take_oauth_state("late", at(1'000)), std::nullopt);
  // Deleted, not merely refused: even a clock set back cannot use it.
  EXPECT_EQ(*this->store_->take_oauth_state("late", at(0)), std::nullopt);
  EXPECT_TRUE(this->store_->save_oauth_state(make_state("late", user, 5'000)).has_value());
}

TYPED_TEST(PortContract, DeletesExpiredOAuthStates) {
  const auto alice = this->add_user("alice");
  const auto bob = this->add_user("bob");
  ASSERT_TRUE(this->store_->save_oauth_state(make_state("a-100", alice, 100)).has_value());
  ASSERT_TRUE(this->store_->save_oauth_state(make_state("b-200", bob, 200)).has_value());
  ASSERT_TRUE(this->store_->save_oauth_state(make_state("a-300", alice, 300)).has_value());

  ASSERT_TRUE(this->store_->delete_expired_oauth_states(at(200)).has_value());

  EXPECT_EQ(*this->store_->take_oauth_state("a-100", at(0)), std::nullopt);
  EXPECT_EQ(*this->store_->take_oauth_state("b-200", at(0)), std::nullopt);
  EXPECT_EQ(*this->store_->take_oauth_state("a-300", at(0)),
            std::optional(make_state("a-300", alice, 300)));
}

TYPED_TEST(PortContract, KeepsOAuthStateTimesToTheSecond) {
  const auto user = this->add_user();
  core::OAuthState state = make_state("fine", user, 2'000);
  state.expires_at += std::chrono::milliseconds(700);
  ASSERT_TRUE(this->store_->save_oauth_state(state).has_value());
  ASSERT_TRUE(this->store_->save_oauth_state(make_state("late", user, 2'000)).has_value());

  EXPECT_EQ(*this->store_->take_oauth_state("fine", at(1'999) + std::chrono::milliseconds(999)),
            std::optional(make_state("fine", user, 2'000)));
  EXPECT_EQ(*this->store_->take_oauth_state("late", at(2'000) + std::chrono::milliseconds(1)),
            std::nullopt);
}

TYPED_TEST(PortContract, OAuthStateConflictsAndUnknownUsers) {
  const auto user = this->add_user();
  ASSERT_TRUE(this->store_->save_oauth_state(make_state("dup", user)).has_value());

  const auto duplicate = this->store_->save_oauth_state(make_state("dup", user));
  const auto orphan = this->store_->save_oauth_state(make_state("orphan", user + 100));

  ASSERT_FALSE(duplicate.has_value());
  EXPECT_EQ(duplicate.error().code, ErrorCode::Conflict);
  ASSERT_FALSE(orphan.has_value());
  EXPECT_EQ(orphan.error().code, ErrorCode::NotFound);
  EXPECT_EQ(*this->store_->take_oauth_state("dup", at(0)), std::optional(make_state("dup", user)));
}

// ---- UnitOfWork (every implementation) ----

TYPED_TEST(PortContract, AUnitOfWorkStoresEverythingItDid) {
  std::int64_t user = 0;
  std::int64_t account = 0;

  const auto done =
      this->store_->in_transaction([&](core::TransactionPorts& ports) -> core::Status {
        auto created = ports.users().create_user("alice", "h", core::Role::Editor);
        if (!created) return created.error();
        user = created->id;
        auto upserted = ports.accounts().upsert_account(
            {.app_user_id = user, .spotify_user_id = "sp", .tokens = make_tokens("sp")});
        if (!upserted) return upserted.error();
        account = *upserted;
        if (auto saved =
                ports.playlists().save_playlist(account, 0, make_summary("p"), make_items(3));
            !saved) {
          return saved;
        }
        if (auto session = ports.sessions().create_session(make_session("s", user)); !session) {
          return session;
        }
        // The unit sees its own changes.
        auto items = ports.playlists().playlist_items(account, "p");
        if (!items) return items.error();
        if (items->size() != 3) return core::make_error(ErrorCode::Internal, "own items not seen");
        return core::ok();
      });

  ASSERT_TRUE(done.has_value()) << done.error().message;
  EXPECT_EQ((*this->store_->find_user(user))->username, "alice");
  EXPECT_EQ((*this->store_->find_account(account))->tokens, make_tokens("sp"));
  EXPECT_EQ(this->items_of(account, "p"), make_items(3));
  EXPECT_TRUE(this->store_->find_session("s")->has_value());
}

TYPED_TEST(PortContract, AUnitOfWorkThatFailsLeavesNothingBehind) {
  const auto bob = this->add_user("bob");
  const auto bobs_account = this->add_account(bob, "sp-bob");
  ASSERT_TRUE(this->add_tagged_playlist(bobs_account, "p", {"before"}));

  const auto done =
      this->store_->in_transaction([&](core::TransactionPorts& ports) -> core::Status {
        auto created = ports.users().create_user("alice", "h", core::Role::Editor);
        if (!created) return created.error();
        if (auto tagged = ports.playlists().set_playlist_tags(bobs_account, "p", {"during"});
            !tagged) {
          return tagged;
        }
        if (auto deleted = ports.sessions().delete_expired_sessions(at(0)); !deleted) {
          return deleted.error();
        }
        return core::make_error(ErrorCode::Conflict, "the change that asked for it was refused");
      });

  ASSERT_FALSE(done.has_value());
  EXPECT_EQ(done.error().code, ErrorCode::Conflict);
  EXPECT_EQ(done.error().message, "the change that asked for it was refused");
  EXPECT_EQ(*this->store_->find_user_by_name("alice"), std::nullopt);
  EXPECT_EQ(this->tags_of(bobs_account, "p"), std::vector<std::string>{"before"});
  EXPECT_EQ(this->store_->list_users()->size(), 1u);
}

TYPED_TEST(PortContract, AUnitOfWorkThatThrowsLeavesNothingBehindAndPassesTheExceptionOn) {
  const auto user = this->add_user("bob");

  EXPECT_THROW(
      (void)this->store_->in_transaction([&](core::TransactionPorts& ports) -> core::Status {
        if (auto set = ports.users().set_role(user, core::Role::Admin); !set) return set;
        throw std::runtime_error("the work broke");
      }),
      std::runtime_error);

  EXPECT_EQ((*this->store_->find_user(user))->role, core::Role::Editor);
  // The store is usable afterwards.
  EXPECT_TRUE(this->store_->set_role(user, core::Role::Viewer).has_value());
}

TYPED_TEST(PortContract, AFailedCallInsideAUnitOfWorkChangesNothingAndTheWorkGoesOn) {
  this->add_user("taken");
  core::Result<core::AppUser> duplicate = core::make_error(ErrorCode::Internal, "not called");

  const auto done =
      this->store_->in_transaction([&](core::TransactionPorts& ports) -> core::Status {
        auto first = ports.users().create_user("first", "h", core::Role::Viewer);
        if (!first) return first.error();
        duplicate = ports.users().create_user("taken", "other", core::Role::Admin);
        auto second = ports.users().create_user("second", "h", core::Role::Viewer);
        if (!second) return second.error();
        return core::ok();
      });

  ASSERT_TRUE(done.has_value()) << done.error().message;
  ASSERT_FALSE(duplicate.has_value());
  EXPECT_EQ(duplicate.error().code, ErrorCode::Conflict);
  EXPECT_EQ((*this->store_->find_user_by_name("taken"))->password_hash, "$argon2id$hash-of-taken");
  EXPECT_TRUE(this->store_->find_user_by_name("first")->has_value());
  EXPECT_TRUE(this->store_->find_user_by_name("second")->has_value());
}

TYPED_TEST(PortContract, AUnitOfWorkEnqueuesAJobWithTheChangeThatAsksForItOrNeither) {
  const auto user = this->add_user();
  const auto account = this->add_account(user);
  ASSERT_TRUE(this->add_tagged_playlist(account, "p", {"before"}));
  const core::NewJob request{.kind = core::JobKind::SyncPlaylist,
                             .owner_user_id = user,
                             .account_id = account,
                             .playlist_id = "p",
                             .concurrency_key = core::concurrency_key_for_playlist(account, "p")};
  std::int64_t job_id = 0;
  const auto tag_and_enqueue = [&](core::TransactionPorts& ports) -> core::Status {
    if (auto tagged = ports.playlists().set_playlist_tags(account, "p", {"during"}); !tagged)
      return tagged;
    auto enqueued = ports.jobs().enqueue(request);
    if (!enqueued) return enqueued.error();
    job_id = enqueued->job.id;
    // The unit sees its own job.
    auto found = ports.jobs().find_job(job_id);
    if (!found) return found.error();
    if (!found->has_value()) return core::make_error(ErrorCode::Internal, "own job not seen");
    return core::ok();
  };

  const auto refused =
      this->store_->in_transaction([&](core::TransactionPorts& ports) -> core::Status {
        if (auto done = tag_and_enqueue(ports); !done) return done;
        return core::make_error(ErrorCode::Conflict, "the change that asked for it was refused");
      });

  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::Conflict);
  ASSERT_GT(job_id, 0);
  EXPECT_EQ(this->tags_of(account, "p"), std::vector<std::string>{"before"});
  EXPECT_FALSE(this->has_job(job_id));
  EXPECT_TRUE(this->store_->jobs().list_jobs({})->empty());
  EXPECT_EQ(this->store_->jobs().count_jobs()->queued, 0);

  const auto stored = this->store_->in_transaction(tag_and_enqueue);

  ASSERT_TRUE(stored.has_value()) << stored.error().message;
  EXPECT_EQ(this->tags_of(account, "p"), std::vector<std::string>{"during"});
  const auto job = this->store_->jobs().find_job(job_id);
  ASSERT_TRUE(job.has_value() && job->has_value());
  EXPECT_EQ((*job)->job.state, core::JobState::Queued);
  EXPECT_EQ((*job)->job.playlist_id, "p");
  EXPECT_EQ(this->store_->jobs().count_jobs()->queued, 1);
}

TYPED_TEST(StoreContract, ADatabaseFailureInsideAUnitOfWorkUndoesOnlyThatCall) {
  const auto account = this->add_account(this->add_user());
  ASSERT_TRUE(
      this->store_->save_playlist(account, 0, make_summary("p"), make_items(4)).has_value());
  auto bad_items = make_items(300, 500);
  bad_items.push_back(core::PlaylistItem{.uri = "", .unavailable = false});  // a CHECK refuses it
  core::Status bad_save = core::ok();

  const auto done =
      this->store_->in_transaction([&](core::TransactionPorts& ports) -> core::Status {
        bad_save =
            ports.playlists().save_playlist(account, 0, make_summary("p", "snap-bad"), bad_items);
        return ports.playlists().set_playlist_tags(account, "p", {"after"});
      });

  ASSERT_TRUE(done.has_value()) << done.error().message;
  ASSERT_FALSE(bad_save.has_value());
  EXPECT_EQ(bad_save.error().code, ErrorCode::InvalidInput);
  EXPECT_EQ((*this->store_->find_playlist(account, "p"))->summary.snapshot_id, "snap-1");
  EXPECT_EQ(this->items_of(account, "p"), make_items(4));
  EXPECT_EQ(this->tags_of(account, "p"), std::vector<std::string>{"after"});
  EXPECT_EQ(this->backend_.raw_count("SELECT count(*) FROM tracks"), 4);
}

TYPED_TEST(StoreContract, TheStoresOwnPortsAreRefusedInsideAUnitOfWork) {
  // Such a call would escape the unit's transaction (and, with one connection, wait for it).
  const auto user = this->add_user();
  core::Status outside = core::ok();
  core::Status nested = core::ok();

  const auto done =
      this->store_->in_transaction([&](core::TransactionPorts& ports) -> core::Status {
        outside = this->store_->set_role(user, core::Role::Admin);
        nested = this->store_->in_transaction(
            [](core::TransactionPorts&) -> core::Status { return core::ok(); });
        return ports.users().set_password_hash(user, "changed");
      });

  ASSERT_TRUE(done.has_value()) << done.error().message;
  ASSERT_FALSE(outside.has_value());
  EXPECT_EQ(outside.error().code, ErrorCode::Internal);
  ASSERT_FALSE(nested.has_value());
  EXPECT_EQ(nested.error().code, ErrorCode::Internal);
  EXPECT_EQ((*this->store_->find_user(user))->role, core::Role::Editor);
  EXPECT_EQ((*this->store_->find_user(user))->password_hash, "changed");
}

// ---- Time (databases; the fake has no clock) ----

TYPED_TEST(StoreContract, StoredTimesComeFromTheStoresClock) {
  const std::string opened_at = this->now_utc();
  const auto user = this->store_->create_user("alice", "h", core::Role::Admin);
  ASSERT_TRUE(user.has_value());
  const auto account = this->add_account(user->id);
  this->clock_.advance(std::chrono::minutes(90));
  ASSERT_TRUE(
      this->store_->save_playlist(account, 0, make_summary("full"), make_items(2)).has_value());
  const std::string saved_at = this->now_utc();
  this->clock_.advance(std::chrono::seconds(61));
  ASSERT_TRUE(this->store_->save_playlist_summary(account, 1, make_summary("summary")).has_value());

  EXPECT_EQ(opened_at, "2026-11-01T00:00:00Z");
  EXPECT_EQ(core::format_utc(user->created_at), opened_at);
  EXPECT_EQ((*this->store_->find_user(user->id))->created_at, user->created_at);
  EXPECT_EQ(saved_at, "2026-11-01T01:30:00Z");
  EXPECT_EQ(core::format_utc((*this->store_->find_playlist(account, "full"))->synced_at), saved_at);
  EXPECT_EQ(core::format_utc((*this->store_->find_playlist(account, "summary"))->synced_at),
            "2026-11-01T01:31:01Z");
  EXPECT_EQ(this->backend_.raw_text("SELECT applied_at FROM schema_migrations WHERE version = 2"),
            opened_at);
}

// ---- At rest and schema (databases) ----

TYPED_TEST(StoreContract, StoresSessionAndStateTimesAsUnixSeconds) {
  // The stored format is what older versions wrote and read: whole seconds since 1970.
  const auto user = this->add_user();
  ASSERT_TRUE(this->store_->create_session(make_session("s", user)).has_value());
  ASSERT_TRUE(this->store_->touch_session("s", at(1'790'000'500), at(1'800'000'500)).has_value());
  ASSERT_TRUE(this->store_->save_oauth_state(make_state("o", user, 1'790'000'600)).has_value());

  EXPECT_EQ(this->backend_.raw_count("SELECT created_at FROM sessions"), 1'790'000'000);
  EXPECT_EQ(this->backend_.raw_count("SELECT last_seen_at FROM sessions"), 1'790'000'500);
  EXPECT_EQ(this->backend_.raw_count("SELECT expires_at FROM sessions"), 1'800'000'500);
  EXPECT_EQ(this->backend_.raw_count("SELECT expires_at FROM oauth_states"), 1'790'000'600);
  // And rows written that way read back as those times.
  this->backend_.raw_execute(
      "INSERT INTO sessions (id_hash, app_user_id, csrf_token, created_at, last_seen_at, "
      "expires_at, user_agent, remote_address) SELECT 'old', id, 'c', 1700000000, 1700000060, "
      "1700259200, 'ua', '::1' FROM app_users");
  const auto old = *this->store_->find_session("old");
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(core::format_utc(old->created_at), "2023-11-14T22:13:20Z");
  EXPECT_EQ(old->last_seen_at, old->created_at + std::chrono::minutes(1));
  EXPECT_EQ(old->expires_at, old->created_at + std::chrono::hours(72));
}

TYPED_TEST(StoreContract, StoresUserAndAccountTimesAsBefore) {
  // ISO-8601 text for creation and sync times ('' for never), Unix seconds for tokens (0 for an
  // unknown consent time), as older versions wrote and read them.
  this->clock_.advance(std::chrono::milliseconds(1'500));
  const auto user = this->add_user();
  const auto synced = this->add_account(user, "sp-synced");
  core::SpotifyAccount unknown_consent{.app_user_id = user,
                                       .spotify_user_id = "sp-unknown",
                                       .display_name = "Old",
                                       .client_id = "client-1",
                                       .tokens = make_tokens("unknown")};
  unknown_consent.tokens.authorized_at = std::nullopt;
  unknown_consent.tokens.expires_at += std::chrono::milliseconds(999);
  const auto unknown = *this->store_->upsert_account(unknown_consent);
  ASSERT_TRUE(this->store_->mark_synced(synced, utc("2026-02-03T04:05:06.789Z")).has_value());
  const auto column = [&](const std::string& name, std::int64_t account) {
    return this->backend_.raw_text("SELECT " + name +
                                   " FROM spotify_accounts WHERE id = " + std::to_string(account));
  };

  EXPECT_EQ(this->backend_.raw_text("SELECT created_at FROM app_users"), "2026-11-01T00:00:01Z");
  EXPECT_EQ(column("last_synced_at", synced), "2026-02-03T04:05:06Z");
  EXPECT_EQ(column("last_synced_at", unknown), "");
  EXPECT_EQ(column("expires_at", synced), "1800000000");
  EXPECT_EQ(column("authorized_at", synced), "1790000000");
  EXPECT_EQ(column("expires_at", unknown), "1800000000");
  EXPECT_EQ(column("authorized_at", unknown), "0");
  const auto found = *this->store_->find_account(unknown);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->tokens.authorized_at, std::nullopt);
  EXPECT_EQ(found->tokens.expires_at, at(1'800'000'000));
  EXPECT_EQ(found->last_synced_at, std::nullopt);
  EXPECT_EQ((*this->store_->find_account(synced))->last_synced_at, utc("2026-02-03T04:05:06Z"));
}

TYPED_TEST(StoreContract, StoresPlaylistAndItemTimesAsBefore) {
  // ISO-8601 text, '' for an item Spotify sent no added_at for.
  const auto account = this->add_account(this->add_user());
  std::vector<core::PlaylistItem> items = make_items(2);
  items[1].added_at = std::nullopt;
  this->clock_.advance(std::chrono::milliseconds(1'500));
  ASSERT_TRUE(this->store_->save_playlist(account, 0, make_summary("p"), items).has_value());
  const auto added_at = [&](int position) {
    return this->backend_.raw_text("SELECT added_at FROM playlist_items WHERE position = " +
                                   std::to_string(position));
  };

  EXPECT_EQ(this->backend_.raw_text("SELECT synced_at FROM playlists"), "2026-11-01T00:00:01Z");
  EXPECT_EQ(added_at(0), "2025-01-02T03:04:05Z");
  EXPECT_EQ(added_at(1), "");
}

TYPED_TEST(StoreContract, ReadsItemTimesOlderVersionsStoredAsSpotifySentThem) {
  // Older versions stored Spotify's added_at text as it came; what is no time reads as unknown,
  // as it would from Spotify now, rather than making the playlist unreadable.
  const auto account = this->add_account(this->add_user());
  ASSERT_TRUE(
      this->store_->save_playlist(account, 0, make_summary("p"), make_items(3)).has_value());
  this->backend_.raw_execute(
      "UPDATE playlist_items SET added_at = '2015-01-25T08:51:45+01:00' WHERE position = 0; "
      "UPDATE playlist_items SET added_at = '' WHERE position = 1; "
      "UPDATE playlist_items SET added_at = 'x' WHERE position = 2");

  const auto read = this->items_of(account, "p");

  ASSERT_EQ(read.size(), 3u);
  EXPECT_EQ(read[0].added_at, utc("2015-01-25T07:51:45Z"));
  EXPECT_EQ(read[1].added_at, std::nullopt);
  EXPECT_EQ(read[2].added_at, std::nullopt);
}

TYPED_TEST(StoreContract, ReadsStoredTimesInEveryFormTheDatabasesSend) {
  const auto user = this->add_user();
  const auto account = this->add_account(user);
  this->backend_.raw_execute(
      "UPDATE app_users SET created_at = '2026-01-01 01:00:00.25+01'; "
      "UPDATE spotify_accounts SET last_synced_at = '2026-01-02T03:04:05.678+00:00'");

  EXPECT_EQ((*this->store_->find_user(user))->created_at,
            utc("2026-01-01T00:00:00Z") + std::chrono::milliseconds(250));
  EXPECT_EQ((*this->store_->find_account(account))->last_synced_at,
            utc("2026-01-02T03:04:05Z") + std::chrono::milliseconds(678));
}

TYPED_TEST(StoreContract, AStoredTimeThatIsNoTimeIsAnInternalError) {
  const auto user = this->add_user();
  const auto account = this->add_account(user);
  this->backend_.raw_execute("UPDATE app_users SET created_at = 'yesterday-ish'");
  this->backend_.raw_execute("UPDATE spotify_accounts SET last_synced_at = '2026-13-01T00:00:00Z'");

  const auto found_user = this->store_->find_user(user);
  const auto users = this->store_->list_users();
  const auto found_account = this->store_->find_account(account);
  ASSERT_TRUE(this->store_->save_playlist(account, 0, make_summary("p"), {}).has_value());
  this->backend_.raw_execute("UPDATE playlists SET synced_at = 'soon'");
  const auto playlists = this->store_->playlists_of(account);
  const auto playlist = this->store_->find_playlist(account, "p");

  // The message is for a person and names the operation; the column and the database's own text
  // are the error's detail (shown with PLM_DEBUG=1), and neither carries the bad value.
  ASSERT_FALSE(found_user.has_value());
  EXPECT_EQ(found_user.error().code, ErrorCode::Internal);
  EXPECT_NE(found_user.error().detail.find("app_users.created_at"), std::string::npos)
      << found_user.error().detail;
  EXPECT_EQ(found_user.error().message.find("yesterday"), std::string::npos);
  EXPECT_EQ(found_user.error().detail.find("yesterday"), std::string::npos);
  ASSERT_FALSE(users.has_value());
  EXPECT_EQ(users.error().code, ErrorCode::Internal);
  ASSERT_FALSE(found_account.has_value());
  EXPECT_NE(found_account.error().detail.find("spotify_accounts.last_synced_at"), std::string::npos)
      << found_account.error().detail;
  ASSERT_FALSE(playlists.has_value());
  EXPECT_EQ(playlists.error().code, ErrorCode::Internal);
  EXPECT_NE(playlists.error().detail.find("playlists.synced_at"), std::string::npos);
  ASSERT_FALSE(playlist.has_value());
  EXPECT_EQ(playlist.error().code, ErrorCode::Internal);
}

TYPED_TEST(StoreContract, KeepsCodeVerifiersEncryptedAtRest) {
  const auto user = this->add_user();
  const auto state = make_state("st", user);
  ASSERT_TRUE(this->store_->save_oauth_state(state).has_value());

  const std::string stored =
      this->backend_.raw_text("SELECT code_verifier_enc FROM oauth_states WHERE state = 'st'");

  EXPECT_TRUE(stored.starts_with("v2:")) << stored;
  EXPECT_EQ(stored.find("pkce-verifier"), std::string::npos);
  EXPECT_EQ(*this->store_->take_oauth_state("st", at(0)), std::optional(state));
}

TYPED_TEST(StoreContract, AStateAnotherKeyCannotReadIsNotConsumed) {
  const auto user = this->add_user();
  ASSERT_TRUE(this->store_->save_oauth_state(make_state("st", user)).has_value());
  security::TokenCipher other_cipher(security::SecretKey::generate());
  auto other = this->backend_.open(other_cipher, this->clock_);

  const auto taken = other->take_oauth_state("st", at(0));

  ASSERT_FALSE(taken.has_value());
  EXPECT_EQ(taken.error().code, ErrorCode::Internal);
  EXPECT_EQ(taken.error().message.find("pkce-verifier"), std::string::npos);
  EXPECT_EQ(*this->store_->take_oauth_state("st", at(0)), std::optional(make_state("st", user)));
}

TYPED_TEST(StoreContract, ATokenCopiedIntoAnotherAccountDoesNotDecrypt) {
  // Someone who can write to the database but has no key swaps ciphertexts between rows.
  const auto alice = this->add_account(this->add_user("alice"), "sp-alice");
  const auto mallory_user = this->add_user("mallory");
  const auto mallory = this->add_account(mallory_user, "sp-mallory");
  const auto same_user_other = this->add_account(mallory_user, "sp-alice");
  const std::string copy_alices =
      "(SELECT access_token_enc FROM spotify_accounts WHERE id = " + std::to_string(alice) + ")";

  for (const auto victim : {mallory, same_user_other}) {
    this->backend_.raw_execute("UPDATE spotify_accounts SET access_token_enc = " + copy_alices +
                               " WHERE id = " + std::to_string(victim));

    const auto found = this->store_->find_account(victim);

    ASSERT_FALSE(found.has_value()) << "account " << victim << " read alice's token";
    EXPECT_EQ(found.error().code, ErrorCode::Internal);
    EXPECT_EQ(found.error().message.find("BQD-access"), std::string::npos);
  }
  EXPECT_EQ((*this->store_->find_account(alice))->tokens, make_tokens("sp-alice"));
}

TYPED_TEST(StoreContract, AnAccessTokenCopiedIntoTheRefreshColumnDoesNotDecrypt) {
  const auto account = this->add_account(this->add_user(), "sp-1");
  this->backend_.raw_execute(
      "UPDATE spotify_accounts SET refresh_token_enc = access_token_enc WHERE id = " +
      std::to_string(account));

  const auto found = this->store_->find_account(account);

  ASSERT_FALSE(found.has_value());
  EXPECT_EQ(found.error().code, ErrorCode::Internal);
  EXPECT_NE(found.error().message.find("refresh token"), std::string::npos);
}

TYPED_TEST(StoreContract, ACodeVerifierCopiedIntoAnotherStateDoesNotDecrypt) {
  const auto alice = this->add_user("alice");
  const auto mallory = this->add_user("mallory");
  ASSERT_TRUE(this->store_->save_oauth_state(make_state("alices", alice)).has_value());
  ASSERT_TRUE(this->store_->save_oauth_state(make_state("mallorys", mallory)).has_value());
  ASSERT_TRUE(this->store_->save_oauth_state(make_state("alices-2", alice)).has_value());
  const std::string copy_alices =
      "(SELECT code_verifier_enc FROM oauth_states WHERE state = 'alices')";

  for (const std::string victim : {"mallorys", "alices-2"}) {
    this->backend_.raw_execute("UPDATE oauth_states SET code_verifier_enc = " + copy_alices +
                               " WHERE state = '" + victim + "'");

    const auto taken = this->store_->take_oauth_state(victim, at(0));

    ASSERT_FALSE(taken.has_value()) << victim;
    EXPECT_EQ(taken.error().code, ErrorCode::Internal);
    EXPECT_EQ(taken.error().message.find("pkce-verifier"), std::string::npos);
  }
  EXPECT_EQ(*this->store_->take_oauth_state("alices", at(0)),
            std::optional(make_state("alices", alice)));
}

TYPED_TEST(StoreContract, ReadsSecretsOfThePreviousVersionAndRewritesThemInTheNewForm) {
  const auto user = this->add_user();
  const auto account = this->add_account(user, "sp-old");
  const auto other = this->add_account(user, "sp-other");
  ASSERT_TRUE(this->store_->save_oauth_state(make_state("st", user)).has_value());
  // As an older plm left them: unbound "v1:" texts.
  const auto write_unbound = [&](std::int64_t id, const std::string& tag) {
    this->backend_.raw_execute("UPDATE spotify_accounts SET access_token_enc = '" +
                               this->cipher_.encrypt_unbound_for_test("BQD-access-" + tag) +
                               "', refresh_token_enc = '" +
                               this->cipher_.encrypt_unbound_for_test("AQA-refresh-" + tag) +
                               "' WHERE id = " + std::to_string(id));
  };
  write_unbound(account, "sp-old");
  write_unbound(other, "sp-other");
  this->backend_.raw_execute(
      "UPDATE oauth_states SET code_verifier_enc = '" +
      this->cipher_.encrypt_unbound_for_test(make_state("st", user).code_verifier) +
      "' WHERE state = 'st'");
  const auto stored = [&](const std::string& column, std::int64_t id) {
    return this->backend_.raw_text("SELECT " + column +
                                   " FROM spotify_accounts WHERE id = " + std::to_string(id));
  };

  // Read as they are...
  EXPECT_EQ((*this->store_->find_account(account))->tokens, make_tokens("sp-old"));
  EXPECT_TRUE(stored("access_token_enc", account).starts_with("v1:"));
  // ...rewritten when next saved...
  ASSERT_TRUE(this->store_->save_tokens(account, make_tokens("sp-old")).has_value());
  EXPECT_TRUE(stored("access_token_enc", account).starts_with("v2:"));
  EXPECT_TRUE(stored("access_token_enc", other).starts_with("v1:"));
  // ...or when the store is next opened.
  this->reopen();
  EXPECT_TRUE(stored("access_token_enc", other).starts_with("v2:"));
  EXPECT_TRUE(stored("refresh_token_enc", other).starts_with("v2:"));
  EXPECT_TRUE(
      this->backend_.raw_text("SELECT code_verifier_enc FROM oauth_states WHERE state = 'st'")
          .starts_with("v2:"));
  EXPECT_EQ((*this->store_->find_account(account))->tokens, make_tokens("sp-old"));
  EXPECT_EQ((*this->store_->find_account(other))->tokens, make_tokens("sp-other"));
  EXPECT_EQ(*this->store_->take_oauth_state("st", at(0)), std::optional(make_state("st", user)));
}

TYPED_TEST(StoreContract, OpeningWithAnotherKeyLeavesOldSecretsAlone) {
  const auto account = this->add_account(this->add_user(), "sp-old");
  const std::string unbound = this->cipher_.encrypt_unbound_for_test("BQD-old");
  this->backend_.raw_execute("UPDATE spotify_accounts SET access_token_enc = '" + unbound +
                             "' WHERE id = " + std::to_string(account));
  security::TokenCipher other_cipher(security::SecretKey::generate());

  auto other = this->backend_.open(other_cipher, this->clock_);

  EXPECT_EQ(this->backend_.raw_text("SELECT access_token_enc FROM spotify_accounts WHERE id = " +
                                    std::to_string(account)),
            unbound);
  EXPECT_FALSE(other->find_account(account).has_value());
  EXPECT_EQ((*this->store_->find_account(account))->tokens.access_token, "BQD-old");
}

TYPED_TEST(StoreContract, DeletingAUserLeavesNoRowsBehind) {
  const auto alice = this->add_user("alice");
  const auto bob = this->add_user("bob");
  const auto alice_account = this->add_account(alice, "sp-alice");
  const auto bob_account = this->add_account(bob, "sp-bob");
  ASSERT_TRUE(this->add_tagged_playlist(alice_account, "p", {"a", "b"}, 4));
  ASSERT_TRUE(this->add_tagged_playlist(bob_account, "p", {"c"}, 2));
  ASSERT_TRUE(this->store_->create_session(make_session("sa", alice)).has_value());
  ASSERT_TRUE(this->store_->save_oauth_state(make_state("oa", alice)).has_value());

  ASSERT_TRUE(this->store_->delete_user(alice).has_value());

  const std::string of_alice = " WHERE app_user_id = " + std::to_string(alice);
  const std::string of_account = " WHERE account_id = " + std::to_string(alice_account);
  EXPECT_EQ(this->backend_.raw_count("SELECT count(*) FROM sessions" + of_alice), 0);
  EXPECT_EQ(this->backend_.raw_count("SELECT count(*) FROM oauth_states" + of_alice), 0);
  EXPECT_EQ(this->backend_.raw_count("SELECT count(*) FROM spotify_accounts" + of_alice), 0);
  EXPECT_EQ(this->backend_.raw_count("SELECT count(*) FROM playlists" + of_account), 0);
  EXPECT_EQ(this->backend_.raw_count("SELECT count(*) FROM playlist_items" + of_account), 0);
  EXPECT_EQ(this->backend_.raw_count("SELECT count(*) FROM playlist_tags" + of_account), 0);
  EXPECT_EQ(this->backend_.raw_count("SELECT count(*) FROM playlist_items"), 2);
  EXPECT_EQ(this->backend_.raw_count("SELECT count(*) FROM playlist_tags"), 1);
}

TYPED_TEST(StoreContract, RemovingPlaylistsDeletesTheirTagRows) {
  const auto account = this->add_account(this->add_user());
  ASSERT_TRUE(this->add_tagged_playlist(account, "kept", {"k"}));
  ASSERT_TRUE(this->add_tagged_playlist(account, "gone", {"g1", "g2"}));

  ASSERT_TRUE(this->store_->remove_playlists_except(account, {"kept"}).has_value());

  EXPECT_EQ(this->backend_.raw_count("SELECT count(*) FROM playlist_tags"), 1);
  EXPECT_EQ(this->backend_.raw_text("SELECT tag FROM playlist_tags"), "k");
}

TYPED_TEST(StoreContract, UpgradesADatabaseOfTheFirstSchemaInPlace) {
  // A database as plm left it before the web tables existed: migration 1 only, with data.
  TypeParam old;
  ASSERT_GE(old.migrations().size(), 2u);
  ASSERT_EQ(old.migrations()[0].version, 1);
  this->make_old_database(old, 1);
  old.raw_execute(
      "INSERT INTO playlists SELECT id, 'p-old', 0, 'Old playlist', '', 'o', 'O', true, false, "
      "'snap', 0, '', 'snap', 0, '2026-01-01T00:00:00Z' FROM spotify_accounts;");

  auto store = old.open(this->cipher_, this->clock_);

  EXPECT_EQ(old.raw_count("SELECT count(*) FROM schema_migrations"),
            static_cast<std::int64_t>(old.migrations().size()));
  EXPECT_EQ(old.raw_text("SELECT applied_at FROM schema_migrations WHERE version = 1"),
            "2026-01-01T00:00:00Z");
  const auto user = *store->find_user_by_name("old");
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->created_at, utc("2026-01-01T00:00:00Z"));
  const auto accounts = *store->accounts_of(user->id);
  ASSERT_EQ(accounts.size(), 1u);
  EXPECT_EQ(accounts[0].tokens.access_token, "BQD-old");
  EXPECT_EQ(accounts[0].tokens.expires_at, at(1'800'000'000));
  EXPECT_EQ(accounts[0].tokens.authorized_at, at(1'790'000'000));
  EXPECT_EQ(accounts[0].last_synced_at, std::nullopt);
  const auto playlist = *store->find_playlist(accounts[0].id, "p-old");
  ASSERT_TRUE(playlist.has_value());
  EXPECT_EQ(playlist->summary.name, "Old playlist");
  EXPECT_EQ(playlist->synced_at, utc("2026-01-01T00:00:00Z"));
  EXPECT_TRUE(playlist->tags.empty());
  // The new tables work, and their foreign keys reach the old rows.
  ASSERT_TRUE(store->set_playlist_tags(accounts[0].id, "p-old", {"upgraded"}).has_value());
  EXPECT_EQ((*store->find_playlist(accounts[0].id, "p-old"))->tags,
            std::vector<std::string>{"upgraded"});
  ASSERT_TRUE(store->create_session(make_session("s", user->id)).has_value());
  ASSERT_TRUE(store->save_oauth_state(make_state("o", user->id)).has_value());
  ASSERT_TRUE(store->delete_user(user->id).has_value());
  EXPECT_EQ(old.raw_count("SELECT count(*) FROM playlist_tags"), 0);
  EXPECT_EQ(old.raw_count("SELECT count(*) FROM sessions"), 0);
}

TYPED_TEST(StoreContract, DeletingFinishedJobsDeletesTheirItemsAndHistory) {
  const auto user = this->add_user();
  const auto account = this->add_account(user);
  const auto done = this->add_job(user, account);
  ASSERT_EQ((*this->store_->jobs().claim("w1", {}, std::chrono::seconds(30)))->id, done);
  for (const std::string key : {"p1", "p2"}) {
    ASSERT_TRUE(this->store_->jobs()
                    .record_item(done, "w1", {key, key, core::ItemOutcome::Done, std::nullopt, ""})
                    .has_value());
  }
  ASSERT_TRUE(
      this->store_->jobs().complete(done, "w1", core::JobState::Succeeded, "synced").has_value());
  const auto waiting = this->add_job(user, 0);
  this->clock_.advance(std::chrono::seconds(1));

  EXPECT_EQ(*this->store_->jobs().delete_finished_before(this->clock_.now()), 1);

  EXPECT_EQ(this->backend_.raw_count("SELECT count(*) FROM jobs"), 1);
  EXPECT_EQ(this->backend_.raw_count("SELECT count(*) FROM job_items"), 0);
  EXPECT_EQ(this->backend_.raw_count("SELECT count(*) FROM job_events WHERE job_id = " +
                                     std::to_string(done)),
            0);
  EXPECT_EQ(this->backend_.raw_count("SELECT count(*) FROM job_events WHERE job_id = " +
                                     std::to_string(waiting)),
            1);
}

TYPED_TEST(StoreContract, KeepsJobTimesAsMillisecondsOfTheStoresClock) {
  const auto user = this->add_user();
  this->clock_.advance(std::chrono::milliseconds(1234));
  const auto id = this->add_job(user, 0);

  EXPECT_EQ(this->backend_.raw_text("SELECT created_at_ms FROM jobs"),
            std::to_string(1'793'491'201'234));
  EXPECT_EQ(
      this->backend_.raw_text("SELECT at_ms FROM job_events WHERE job_id = " + std::to_string(id)),
      std::to_string(1'793'491'201'234));
}

TYPED_TEST(StoreContract, UpgradesADatabaseOfThePreviousSchemaToOneWithJobs) {
  // A database as plm left it before the jobs tables existed (migrations 1-3), with a user and an
  // account.
  TypeParam old;
  const auto migrations = old.migrations();
  const auto jobs = std::find_if(migrations.begin(), migrations.end(),
                                 [](const sql::Migration& m) { return m.name == "jobs"; });
  ASSERT_NE(jobs, migrations.end());
  this->make_old_database(old, static_cast<std::size_t>(jobs - migrations.begin()));

  auto store = old.open(this->cipher_, this->clock_);

  EXPECT_EQ(old.raw_count("SELECT count(*) FROM schema_migrations"),
            static_cast<std::int64_t>(migrations.size()));
  const auto user = (*store->find_user_by_name("old"))->id;
  const auto account = store->accounts_of(user)->front().id;
  const auto enqueued = store->jobs().enqueue(sync_job(user, account));
  ASSERT_TRUE(enqueued.has_value()) << enqueued.error().message;
  const auto claimed = store->jobs().claim("w1", {}, std::chrono::seconds(30));
  ASSERT_TRUE(claimed.has_value() && claimed->has_value());
  EXPECT_EQ((*claimed)->id, enqueued->job.id);
  ASSERT_TRUE(store->delete_user(user).has_value());
  EXPECT_EQ(old.raw_count("SELECT count(*) FROM jobs"), 0);
  EXPECT_EQ(old.raw_count("SELECT count(*) FROM job_events"), 0);
}

// ---- PlaylistJournal (every implementation) ----

core::VersionItem version_item(int n, std::int64_t added = 1'700'000'000) {
  return {"spotify:track:" + std::to_string(n) + "xxxxxxxxxxxxxxxxxxx", at(added),
          "user" + std::to_string(n % 3)};
}

std::vector<core::VersionItem> version_items(std::initializer_list<int> tracks) {
  std::vector<core::VersionItem> items;
  for (const int n : tracks) items.push_back(version_item(n));
  return items;
}

core::NewRecordedVersion sync_version(std::int64_t account, const std::string& playlist,
                                      const std::string& snapshot,
                                      std::vector<core::VersionItem> items,
                                      const std::string& name = "Mix") {
  return {account,
          playlist,
          snapshot,
          {name, "about", true, false},
          std::move(items),
          {.kind = core::VersionCauseKind::Sync, .why = std::string(core::kChangedOutside)}};
}

TYPED_TEST(PortContract, RemovesOnePlaylistWithItsItemsAndTagsButNotItsVersions) {
  const auto user = this->add_user();
  const auto account = this->add_account(user, "sp-1");
  const auto other_account = this->add_account(user, "sp-2");
  ASSERT_TRUE(this->add_tagged_playlist(account, "gone", {"a"}));
  ASSERT_TRUE(this->add_tagged_playlist(account, "kept", {"b"}));
  ASSERT_TRUE(this->add_tagged_playlist(other_account, "gone", {"c"}));
  ASSERT_TRUE(this->record(sync_version(account, "gone", "s1", version_items({1, 2}))));

  ASSERT_TRUE(this->store_->remove_playlist(account, "gone").has_value());

  EXPECT_EQ(*this->store_->find_playlist(account, "gone"), std::nullopt);
  EXPECT_EQ(this->store_->playlist_items(account, "gone").error().code, ErrorCode::NotFound);
  EXPECT_EQ(this->items_of(account, "kept").size(), 3u);
  EXPECT_EQ(this->tags_of(account, "kept"), std::vector<std::string>{"b"});
  EXPECT_EQ(this->tags_of(other_account, "gone"), std::vector<std::string>{"c"});
  // The journal keeps the versions (a restore can create the playlist again from them).
  EXPECT_EQ(this->versions_of(account, "gone").size(), 1u);
  // Stored again later, it has no stale tags.
  ASSERT_TRUE(this->store_->save_playlist(account, 0, make_summary("gone"), {}).has_value());
  EXPECT_TRUE(this->tags_of(account, "gone").empty());

  // Twice, or for a playlist never stored: no error (a resumed delete job runs it again).
  ASSERT_TRUE(this->store_->remove_playlist(account, "gone").has_value());
  EXPECT_TRUE(this->store_->remove_playlist(account, "never").has_value());
  EXPECT_TRUE(this->store_->remove_playlist(account + 100, "gone").has_value());
}

TYPED_TEST(PortContract, RecordsVersionsNumberedPerPlaylistWithWhatChanged) {
  const auto user = this->add_user();
  const auto account = this->add_account(user);
  const auto first_at = std::chrono::time_point_cast<std::chrono::seconds>(this->clock_.now());

  const auto first = this->record(sync_version(account, "p", "s1", version_items({1, 2, 3})));
  this->clock_.advance(std::chrono::seconds(60));
  core::NewRecordedVersion edit = sync_version(account, "p", "s2", version_items({3, 1, 2, 4}));
  edit.cause = {.kind = core::VersionCauseKind::Edit,
                .app_user_id = user,
                .origin = "cli",
                .action = "playlist move",
                .why = "opener first",
                .job_id = 42};
  const auto second = this->record(edit);
  const auto other = this->record(sync_version(account, "q", "s1", version_items({9})));

  ASSERT_TRUE(first && second && other);
  EXPECT_EQ(first->sequence, 1);
  EXPECT_EQ(first->changes, (core::ChangeCounts{3, 0, 0, false}));
  EXPECT_EQ(first->recorded_at, first_at);
  EXPECT_EQ(second->recorded_at, first_at + std::chrono::seconds(60));
  EXPECT_TRUE(first->items.empty());  // the answer leaves the items out
  EXPECT_EQ(first->item_count, 3);
  EXPECT_EQ(second->sequence, 2);
  EXPECT_EQ(second->changes, (core::ChangeCounts{1, 0, 1, false}));
  EXPECT_EQ(second->cause, edit.cause);
  EXPECT_EQ(other->sequence, 1);  // numbered per playlist

  const auto listed = this->versions_of(account, "p");
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0], *second);  // newest first, without items
  EXPECT_EQ(listed[1], *first);

  auto found = this->journal().find_version(account, "p", 1);
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->items, version_items({1, 2, 3}));
  EXPECT_EQ((*found)->details, (core::PlaylistDetails{"Mix", "about", true, false}));
  EXPECT_EQ((*found)->snapshot_id, "s1");
  auto latest = this->journal().latest_version(account, "p");
  ASSERT_TRUE(latest.has_value() && latest->has_value());
  EXPECT_EQ((*latest)->sequence, 2);
  EXPECT_EQ((*latest)->items, edit.items);
  EXPECT_EQ(*this->journal().find_version(account, "p", 3), std::nullopt);
  EXPECT_EQ(*this->journal().latest_sequences(account),
            (std::map<std::string, std::int64_t>{{"p", 2}, {"q", 1}}));
  EXPECT_TRUE(this->journal().latest_sequences(account + 1)->empty());
  EXPECT_EQ(*this->journal().latest_version(account, "none"), std::nullopt);
}

TYPED_TEST(PortContract, TheSameVersionIsNotRecordedTwice) {
  const auto account = this->add_account(this->add_user());
  ASSERT_TRUE(this->record(sync_version(account, "p", "s1", version_items({1, 2}))));

  // The same snapshot (an edit recorded it; the sync finds it later), whatever it carries.
  EXPECT_EQ(this->record(sync_version(account, "p", "s1", version_items({7}))), std::nullopt);
  // A new snapshot with the same items and details.
  EXPECT_EQ(this->record(sync_version(account, "p", "s2", version_items({1, 2}))), std::nullopt);
  // Only the details changed: a version.
  const auto renamed = this->record(sync_version(account, "p", "s3", version_items({1, 2}), "New"));
  ASSERT_TRUE(renamed);
  EXPECT_EQ(renamed->changes, (core::ChangeCounts{0, 0, 0, true}));
  EXPECT_EQ(this->versions_of(account, "p").size(), 2u);
}

TYPED_TEST(PortContract, ListsPagesOfVersionsNewestFirstFilteredByCause) {
  const auto account = this->add_account(this->add_user());
  for (int n = 1; n <= 6; ++n) {
    auto version = sync_version(account, "p", "s" + std::to_string(n), version_items({n}));
    if (n % 2 == 0) version.cause = {.kind = core::VersionCauseKind::Edit, .origin = "web"};
    ASSERT_TRUE(this->record(version));
  }
  const auto sequences = [](const std::vector<core::RecordedVersion>& versions) {
    std::vector<std::int64_t> result;
    for (const auto& version : versions) result.push_back(version.sequence);
    return result;
  };

  EXPECT_EQ(sequences(this->versions_of(account, "p", {.limit = 4})),
            (std::vector<std::int64_t>{6, 5, 4, 3}));
  EXPECT_EQ(sequences(this->versions_of(account, "p", {.before = 3, .limit = 4})),
            (std::vector<std::int64_t>{2, 1}));
  EXPECT_EQ(sequences(this->versions_of(account, "p", {.cause = core::VersionCauseKind::Edit})),
            (std::vector<std::int64_t>{6, 4, 2}));
  EXPECT_EQ(sequences(this->versions_of(
                account, "p", {.cause = core::VersionCauseKind::Sync, .before = 5, .limit = 1})),
            (std::vector<std::int64_t>{3}));
  for (const std::int64_t limit : {std::int64_t{0}, core::kMaxVersionPage + 1}) {
    const auto refused = this->journal().list_versions(account, "p", {.limit = limit});
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code, ErrorCode::InvalidInput);
  }
}

TYPED_TEST(PortContract, VersionsBelongToTheirAccountAndGoWithIt) {
  const auto alice = this->add_user("alice");
  const auto bob = this->add_user("bob");
  const auto alices = this->add_account(alice, "sp-alice");
  const auto bobs = this->add_account(bob, "sp-bob");
  ASSERT_TRUE(this->record(sync_version(alices, "p", "s1", version_items({1}))));
  core::NewRecordedVersion bobs_edit = sync_version(bobs, "p", "s1", version_items({2}));
  bobs_edit.cause = {.kind = core::VersionCauseKind::Edit, .app_user_id = bob, .origin = "web"};
  ASSERT_TRUE(this->record(bobs_edit));

  EXPECT_EQ((*this->journal().latest_version(bobs, "p"))->items, version_items({2}));
  EXPECT_EQ((*this->journal().latest_version(alices, "p"))->items, version_items({1}));

  ASSERT_TRUE(this->store_->delete_account(alices).has_value());
  EXPECT_TRUE(this->versions_of(alices, "p").empty());
  EXPECT_EQ(this->versions_of(bobs, "p").size(), 1u);
  const auto orphan = this->journal().record_version(sync_version(alices, "p", "s2", {}));
  ASSERT_FALSE(orphan.has_value());
  EXPECT_EQ(orphan.error().code, ErrorCode::NotFound);
  const auto no_playlist = this->journal().record_version(sync_version(bobs, "", "s2", {}));
  ASSERT_FALSE(no_playlist.has_value());
  EXPECT_EQ(no_playlist.error().code, ErrorCode::InvalidInput);
}

TYPED_TEST(PortContract, ItemsOfEveryVersionReadBackThroughLongChains) {
  const auto account = this->add_account(this->add_user());
  std::vector<core::VersionItem> items;
  for (int n = 0; n < 10'000; ++n) items.push_back(version_item(n % 9'500));
  items[5].uri = "";                                           // unavailable
  items[6].uri = "spotify:local:Artist:Album:Title%2C+x:215";  // local, as Spotify spells it
  items[7].added_at.reset();
  std::vector<std::vector<core::VersionItem>> recorded;
  for (int version = 0; version < 40; ++version) {
    if (version % 3 == 0)
      std::rotate(items.begin() + version, items.begin() + version + 1, items.end());
    if (version % 3 == 1) items.erase(items.begin() + 100 + version);
    if (version % 3 == 2) items.insert(items.begin() + version * 7, version_item(20'000 + version));
    ASSERT_TRUE(this->record(sync_version(account, "p", "s" + std::to_string(version), items)));
    recorded.push_back(items);
  }
  for (std::size_t version = 0; version < recorded.size(); ++version) {
    const auto found =
        this->journal().find_version(account, "p", static_cast<std::int64_t>(version) + 1);
    ASSERT_TRUE(found.has_value() && found->has_value()) << version;
    ASSERT_EQ((*found)->items, recorded[version]) << "version " << version + 1;
    EXPECT_EQ((*found)->item_count, static_cast<std::int64_t>(recorded[version].size()));
  }
}

TYPED_TEST(PortContract, AVersionRecordedInAFailedUnitOfWorkIsNotKept) {
  const auto account = this->add_account(this->add_user());
  const auto done =
      this->store_->in_transaction([&](core::TransactionPorts& ports) -> core::Status {
        auto recorded = ports.journal().record_version(sync_version(account, "p", "s1", {}));
        if (!recorded) return recorded.error();
        auto seen = ports.journal().latest_version(account, "p");
        if (!seen || !seen->has_value()) return core::make_error(ErrorCode::Internal, "not seen");
        return core::make_error(ErrorCode::Conflict, "the edit's write failed");
      });
  ASSERT_FALSE(done.has_value());
  EXPECT_EQ(done.error().code, ErrorCode::Conflict);
  EXPECT_TRUE(this->versions_of(account, "p").empty());
}

TYPED_TEST(StoreContract, SmallChangesAreStoredAsShortDeltas) {
  const auto account = this->add_account(this->add_user());
  std::vector<core::VersionItem> items;
  for (int n = 0; n < 10'000; ++n) items.push_back(version_item(n));
  ASSERT_TRUE(this->record(sync_version(account, "p", "s1", items)));
  std::swap(items[1], items[9'000]);
  ASSERT_TRUE(this->record(sync_version(account, "p", "s2", items)));

  EXPECT_GT(
      this->backend_.raw_count("SELECT length(items) FROM playlist_versions WHERE sequence = 1"),
      400'000);
  EXPECT_LT(
      this->backend_.raw_count("SELECT length(items) FROM playlist_versions WHERE sequence = 2"),
      200);
  EXPECT_EQ(
      this->backend_.raw_count("SELECT delta_depth FROM playlist_versions WHERE sequence = 2"), 1);
}

TYPED_TEST(StoreContract, DeletingTheUserWhoEditedKeepsTheVersionWithoutThem) {
  const auto owner = this->add_user("owner");
  const auto editor = this->add_user("editor");
  const auto account = this->add_account(owner);
  core::NewRecordedVersion edit = sync_version(account, "p", "s1", {});
  edit.cause = {.kind = core::VersionCauseKind::Edit, .app_user_id = editor, .origin = "web"};
  ASSERT_TRUE(this->record(edit));

  ASSERT_TRUE(this->store_->delete_user(editor).has_value());

  const auto versions = this->versions_of(account, "p");
  ASSERT_EQ(versions.size(), 1u);
  EXPECT_EQ(versions[0].cause.app_user_id, std::nullopt);
  EXPECT_EQ(versions[0].cause.origin, "web");
}

}  // namespace
}  // namespace plm::contract
