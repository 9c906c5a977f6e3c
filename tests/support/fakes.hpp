#pragma once
/// Small working fakes of plm's ports for core tests: an in-memory Spotify account, an in-memory
/// store and a manual clock. Integration tests use the real adapters instead.

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/ports/clock.hpp"
#include "core/ports/spotify_api.hpp"
#include "core/ports/store.hpp"
#include "core/ports/unit_of_work.hpp"

namespace plm::test_support {

class ManualClock final : public core::Clock {
 public:
  explicit ManualClock(std::chrono::system_clock::time_point start =
                           std::chrono::system_clock::time_point{
                               std::chrono::seconds{1'793'491'200}})  // 2026-11-01T00:00:00Z
      : now_(start) {}
  std::chrono::system_clock::time_point now() const override { return now_; }
  void advance(std::chrono::milliseconds delta) { now_ += delta; }

 private:
  std::chrono::system_clock::time_point now_;
};

/// An in-memory Spotify account. Counts calls like the real client; `fail_call` makes a chosen call
/// (1-based, counted over all calls) return an error instead.
class FakeSpotifyApi final : public core::SpotifyApi {
 public:
  struct FakePlaylist {
    core::PlaylistSummary summary;
    std::vector<core::PlaylistItem> items;
  };

  explicit FakeSpotifyApi(std::string user_id) : user_id_(std::move(user_id)) {}

  /// Adds or replaces a playlist at the end of the list (or keeps its place when it exists).
  void put_playlist(core::PlaylistSummary summary, std::vector<core::PlaylistItem> items);
  void remove_playlist(const std::string& id);
  /// Changes the items and moves the snapshot, as any Spotify mutation does.
  void set_items(const std::string& id, std::vector<core::PlaylistItem> items);
  void fail_call(std::int64_t call_number, core::Error error) {
    failures_[call_number] = std::move(error);
  }
  /// Runs before every call with its number; lets a test change the account mid-sync.
  void on_call(std::function<void(std::int64_t)> hook) { hook_ = std::move(hook); }
  /// Misbehaviours of the real service, for robustness tests.
  void report_total(const std::string& id, std::int64_t total) { reported_totals_[id] = total; }
  void send_as_null_in_listing(const std::string& id) { nulls_in_listing_.insert(id); }
  void always_has_next(bool value) { always_has_next_ = value; }

  core::Result<core::SpotifyProfile> current_user() override;
  core::Result<core::Page<core::PlaylistSummary>> my_playlists(std::int64_t offset,
                                                               int limit) override;
  core::Result<core::Page<core::PlaylistItem>> playlist_items(const std::string& playlist_id,
                                                              std::int64_t offset,
                                                              int limit) override;
  core::Result<core::PlaylistSummary> playlist(const std::string& playlist_id) override;
  core::Result<std::string> add_items(const std::string& playlist_id,
                                      const std::vector<std::string>& uris,
                                      std::optional<std::int64_t> position) override;
  core::Result<std::string> remove_items(const std::string& playlist_id,
                                         const std::vector<std::string>& uris) override;
  core::Result<std::string> reorder_items(const std::string& playlist_id, std::int64_t range_start,
                                          std::int64_t insert_before,
                                          std::int64_t range_length) override;
  core::Result<std::string> replace_items(const std::string& playlist_id,
                                          const std::vector<std::string>& uris) override;
  core::Result<core::PlaylistSummary> create_playlist(const std::string& name,
                                                      const std::string& description,
                                                      bool is_public, bool collaborative) override;
  core::Result<core::TrackInfo> track(const std::string& track_id) override;
  core::Result<core::Page<core::TrackInfo>> search_tracks(const std::string& query,
                                                          std::int64_t offset, int limit) override;
  core::ApiCounters counters() const override { return counters_; }

  std::int64_t calls() const { return counters_.calls; }

 private:
  std::optional<core::Error> begin_call();
  FakePlaylist* find(const std::string& id);
  void touch(FakePlaylist& playlist);

  std::string user_id_;
  std::vector<FakePlaylist> playlists_;
  std::map<std::int64_t, core::Error> failures_;
  std::map<std::string, std::int64_t> reported_totals_;
  std::set<std::string> nulls_in_listing_;
  bool always_has_next_ = false;
  std::function<void(std::int64_t)> hook_;
  core::ApiCounters counters_;
  std::int64_t version_ = 0;
};

/// The storage ports and the unit of work in memory, with the same promises as the SQL stores (the
/// code verifiers of OAuth states are kept as given: there is no "at rest" here).
class InMemoryStore final : public core::UserStore,
                            public core::AccountStore,
                            public core::PlaylistStore,
                            public core::SessionStore,
                            public core::UnitOfWork {
 public:
  /// Keeps a copy of everything and puts it back when `work` fails or throws. Nothing is isolated:
  /// the store's own ports see the unit's changes at once (the SQL stores refuse them inside).
  core::Status in_transaction(
      const std::function<core::Status(core::TransactionPorts&)>& work) override;

  core::Result<core::AppUser> create_user(const std::string& username,
                                          const std::string& password_hash,
                                          core::Role role) override;
  core::Result<std::optional<core::AppUser>> find_user(std::int64_t id) override;
  core::Result<std::optional<core::AppUser>> find_user_by_name(
      const std::string& username) override;
  core::Result<std::vector<core::AppUser>> list_users() override;
  core::Status set_password_hash(std::int64_t user_id, const std::string& hash) override;
  core::Status set_role(std::int64_t user_id, core::Role role) override;
  core::Status delete_user(std::int64_t user_id) override;

  core::Status create_session(const core::Session& session) override;
  core::Result<std::optional<core::Session>> find_session(const std::string& id_hash) override;
  core::Status touch_session(const std::string& id_hash, std::int64_t last_seen_at,
                             std::int64_t expires_at) override;
  core::Status delete_session(const std::string& id_hash) override;
  core::Status delete_sessions_of(std::int64_t app_user_id,
                                  const std::string& except_id_hash) override;
  core::Result<std::int64_t> delete_expired_sessions(std::int64_t now) override;
  core::Status save_oauth_state(const core::OAuthState& state) override;
  core::Result<std::optional<core::OAuthState>> take_oauth_state(const std::string& state,
                                                                 std::int64_t now) override;
  core::Status delete_expired_oauth_states(std::int64_t now) override;

  core::Result<std::int64_t> upsert_account(const core::SpotifyAccount& account) override;
  core::Result<std::optional<core::SpotifyAccount>> find_account(std::int64_t account_id) override;
  core::Result<std::vector<core::SpotifyAccount>> accounts_of(std::int64_t app_user_id) override;
  core::Status save_tokens(std::int64_t account_id, const core::AccountTokens& tokens) override;
  core::Status set_account_status(std::int64_t account_id, core::AccountStatus status) override;
  core::Status delete_account(std::int64_t account_id) override;

  core::Result<std::vector<core::StoredPlaylist>> playlists_of(std::int64_t account_id) override;
  core::Result<std::optional<core::StoredPlaylist>> find_playlist(
      std::int64_t account_id, const std::string& playlist_id) override;
  core::Status save_playlist(std::int64_t account_id, std::int64_t list_position,
                             const core::PlaylistSummary& summary,
                             const std::vector<core::PlaylistItem>& items) override;
  core::Status save_playlist_summary(std::int64_t account_id, std::int64_t list_position,
                                     const core::PlaylistSummary& summary) override;
  core::Status remove_playlists_except(std::int64_t account_id,
                                       const std::vector<std::string>& keep) override;
  core::Result<std::vector<core::PlaylistItem>> playlist_items(
      std::int64_t account_id, const std::string& playlist_id) override;
  core::Status mark_synced(std::int64_t account_id, const std::string& synced_at) override;
  core::Status set_playlist_tags(std::int64_t account_id, const std::string& playlist_id,
                                 const std::vector<std::string>& tags) override;

  std::int64_t saves() const { return saves_; }
  /// Makes save_playlist of this playlist fail with `error` (as a constraint violation would).
  void reject_save(const std::string& playlist_id, core::Error error) {
    rejected_[playlist_id] = std::move(error);
  }

 private:
  bool has_user(std::int64_t id) const;

  struct Row {
    std::int64_t list_position = 0;
    core::StoredPlaylist stored;
    std::vector<core::PlaylistItem> items;
  };
  std::vector<core::AppUser> users_;
  std::map<std::int64_t, core::SpotifyAccount> accounts_;
  std::map<std::int64_t, std::map<std::string, Row>> playlists_;
  std::map<std::string, core::Session> sessions_;
  std::map<std::string, core::OAuthState> oauth_states_;
  std::int64_t last_user_id_ = 0;  // ids are never reused, as in the databases
  std::int64_t last_account_id_ = 0;
  std::int64_t saves_ = 0;
  std::map<std::string, core::Error> rejected_;
};

}  // namespace plm::test_support
