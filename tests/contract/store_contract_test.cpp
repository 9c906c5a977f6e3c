// The storage contract: every implementation of core::UserStore, AccountStore and PlaylistStore
// passes this one suite (design guide section 8). Each test runs on a fresh database.

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>

#include "store_backends.hpp"

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
      .explicit_content = n % 3 == 0};
}

core::PlaylistItem make_item(int n) {
  core::TrackInfo track = make_track(n);
  return core::PlaylistItem{.uri = track.uri,
                            .added_at = "2025-01-02T03:04:05Z",
                            .added_by = "user" + std::to_string(n % 5),
                            .track = std::move(track)};
}

std::vector<core::PlaylistItem> make_items(int count, int first = 0) {
  std::vector<core::PlaylistItem> items;
  for (int n = first; n < first + count; ++n) items.push_back(make_item(n));
  return items;
}

core::AccountTokens make_tokens(const std::string& tag) {
  return core::AccountTokens{.access_token = "BQD-access-" + tag,
                             .refresh_token = "AQA-refresh-" + tag,
                             .scope = "playlist-read-private playlist-modify-public",
                             .expires_at = 1'800'000'000,
                             .authorized_at = 1'790'000'000};
}

template <typename BackendType>
class StoreContract : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const auto reason = backend_.skip_reason()) GTEST_SKIP() << *reason;
    store_ = backend_.open(cipher_);
  }

  void reopen() {
    store_.reset();
    store_ = backend_.open(cipher_);
  }

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

  std::vector<core::PlaylistItem> items_of(std::int64_t account, const std::string& playlist) {
    auto items = store_->playlist_items(account, playlist);
    EXPECT_TRUE(items.has_value()) << items.error().message;
    return items.has_value() ? *items : std::vector<core::PlaylistItem>{};
  }

  security::TokenCipher cipher_{security::SecretKey::generate()};
  BackendType backend_;
  std::unique_ptr<sql::Store> store_;
};

using Backends = ::testing::Types<SqliteBackend, PostgresBackend>;

class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, SqliteBackend> ? "Sqlite" : "Postgres";
  }
};

TYPED_TEST_SUITE(StoreContract, Backends, BackendNames);

// ---- UserStore ----

TYPED_TEST(StoreContract, CreatesAndFindsUsers) {
  auto alice = this->store_->create_user("alice", "hash-a", core::Role::Admin);
  auto bob = this->store_->create_user("bob", "hash-b", core::Role::Viewer);

  ASSERT_TRUE(alice.has_value()) << alice.error().message;
  ASSERT_TRUE(bob.has_value());
  EXPECT_EQ(alice->username, "alice");
  EXPECT_EQ(alice->password_hash, "hash-a");
  EXPECT_EQ(alice->role, core::Role::Admin);
  EXPECT_EQ(alice->created_at.size(), 20u) << alice->created_at;  // 2026-01-02T03:04:05Z
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
  EXPECT_EQ(this->store_->list_users()->size(), 1u);
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
  account.last_synced_at = "2026-01-01T00:00:00Z";
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
  EXPECT_EQ(this->store_->mark_synced(99, "2026-01-01T00:00:00Z").error().code,
            ErrorCode::NotFound);
}

TYPED_TEST(StoreContract, KeepsTokensEncryptedAtRest) {
  const auto account = this->add_account(this->add_user(), "sp-secret");
  ASSERT_TRUE(this->store_->save_tokens(account, make_tokens("rotated")).has_value());

  const std::string access = this->backend_.raw_text(
      "SELECT access_token_enc FROM spotify_accounts WHERE id = " + std::to_string(account));
  const std::string refresh = this->backend_.raw_text(
      "SELECT refresh_token_enc FROM spotify_accounts WHERE id = " + std::to_string(account));

  EXPECT_TRUE(access.starts_with("v1:")) << access;
  EXPECT_TRUE(refresh.starts_with("v1:")) << refresh;
  EXPECT_EQ(access.find("BQD-access"), std::string::npos);
  EXPECT_EQ(refresh.find("AQA-refresh"), std::string::npos);
  EXPECT_EQ((*this->store_->find_account(account))->tokens, make_tokens("rotated"));
}

TYPED_TEST(StoreContract, AnotherKeyCannotReadTheTokens) {
  const auto account = this->add_account(this->add_user());
  security::TokenCipher other_cipher(security::SecretKey::generate());
  this->store_.reset();
  auto other = this->backend_.open(other_cipher);

  const auto found = other->find_account(account);

  ASSERT_FALSE(found.has_value());
  EXPECT_EQ(found.error().code, ErrorCode::Internal);
  EXPECT_EQ(found.error().message.find("BQD-access"), std::string::npos);
}

TYPED_TEST(StoreContract, MarksAccountsSynced) {
  const auto account = this->add_account(this->add_user());

  ASSERT_TRUE(this->store_->mark_synced(account, "2026-02-03T04:05:06Z").has_value());

  EXPECT_EQ((*this->store_->find_account(account))->last_synced_at, "2026-02-03T04:05:06Z");
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
  EXPECT_EQ((*stored)->synced_at.size(), 20u);
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

  EXPECT_EQ(this->backend_.raw_count("SELECT count(*) FROM schema_migrations"), 1);
  EXPECT_EQ(this->backend_.raw_text("SELECT applied_at FROM schema_migrations WHERE version = 1"),
            applied_at);
  EXPECT_EQ(this->items_of(account, "p"), make_items(3));
  EXPECT_EQ((*this->store_->find_account(account))->tokens, make_tokens("spotify-alice"));
}

}  // namespace
}  // namespace plm::contract
