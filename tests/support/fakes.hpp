#pragma once
/// Small working fakes of plm's ports for core tests: an in-memory Spotify account, an in-memory
/// store and a manual clock. Integration tests use the real adapters instead.

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/ports/clock.hpp"
#include "core/ports/import_store.hpp"
#include "core/ports/match_store.hpp"
#include "core/ports/spotify_api.hpp"
#include "core/ports/store.hpp"
#include "core/ports/unit_of_work.hpp"
#include "support/in_memory_job_queue.hpp"

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

/// An in-memory Spotify account that follows Spotify's semantics for everything the port does:
/// writes remove every copy of a URI, local files can be neither added nor removed, reorder
/// indices are those of the list before the move, positions and ranges are bounds-checked, at most
/// 100 URIs go in one write, every write but an unfollow moves the snapshot (details and covers
/// included), items and covers need the owner or a collaborator and details the owner, private
/// playlists of others are not found, and the checks an implementation makes before any call
/// (core/write/playlist_edits.hpp) cost no call here either.
///
/// It is trusted only because the SpotifyApi contract suite
/// (tests/contract/spotify_api_contract_test.cpp) runs the same tests on it and on the real client
/// against the emulator in both API modes: what that suite does not cover, the fake does not
/// promise. Reads are lenient where the suite does not pin them (the fake serves the items of any
/// playlist, as extended mode does).
///
/// Counts calls like the real client. `fail_call` makes a chosen call (1-based, counted over all
/// calls) fail instead (a write then comes back not applied); `inject_write` decides how a chosen
/// write ends, for tests of what callers do with Unknown outcomes.
class FakeSpotifyApi final : public core::SpotifyApi {
 public:
  struct FakePlaylist {
    core::PlaylistSummary summary;
    std::vector<core::PlaylistItem> items;
    /// In the user's list. Unfollowing (Spotify's "delete" for the owner) clears it; the playlist
    /// itself stays, as on Spotify.
    bool followed = true;
    std::string cover_jpeg;
  };

  /// How an injected write ends: refused with the error (nothing done), or Unknown with the error
  /// (a 502 or a timeout) after applying the write or without applying it.
  enum class Injected { NotApplied, UnknownApplied, UnknownNotApplied };

  explicit FakeSpotifyApi(std::string user_id) : user_id_(std::move(user_id)) {}

  /// Adds or replaces a playlist at the end of the list (or keeps its place when it exists); the
  /// user follows it.
  void put_playlist(core::PlaylistSummary summary, std::vector<core::PlaylistItem> items);
  void remove_playlist(const std::string& id);
  /// Changes the items and moves the snapshot, as any Spotify mutation does (someone else's edit).
  void set_items(const std::string& id, std::vector<core::PlaylistItem> items);
  /// Whether the user follows the playlist (a private playlist of someone else that the user does
  /// not follow is not found, as on Spotify).
  void set_followed(const std::string& id, bool followed);
  /// The playlist as the fake holds it, for assertions; nullptr when there is none.
  const FakePlaylist* find_playlist(const std::string& id) const;

  void fail_call(std::int64_t call_number, core::Error error) {
    failures_[call_number] = std::move(error);
  }
  /// The `write_number`-th write that is sent (1-based, counted over all writes; writes refused
  /// before any call do not count) ends as `injected`, with `error` (default: a 502).
  void inject_write(std::int64_t write_number, Injected injected,
                    std::optional<core::Error> error = std::nullopt);
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
  core::Result<core::PlaylistVersion> playlist_version(const std::string& playlist_id) override;
  core::CreateOutcome create_playlist(const core::NewPlaylist& playlist) override;
  core::WriteOutcome change_details(const std::string& playlist_id,
                                    const core::PlaylistDetailsChange& change) override;
  core::WriteOutcome upload_cover(const std::string& playlist_id, const std::string& jpeg) override;
  core::WriteOutcome add_items(const std::string& playlist_id, const std::vector<std::string>& uris,
                               std::optional<std::int64_t> position) override;
  core::WriteOutcome remove_items(const std::string& playlist_id,
                                  const std::vector<std::string>& uris) override;
  core::WriteOutcome reorder_items(const std::string& playlist_id, std::int64_t range_start,
                                   std::int64_t insert_before, std::int64_t range_length) override;
  core::WriteOutcome replace_items(const std::string& playlist_id,
                                   const std::vector<std::string>& uris) override;
  core::WriteOutcome unfollow_playlist(const std::string& playlist_id) override;
  core::Result<core::TrackInfo> track(const std::string& track_id) override;
  core::Result<core::Page<core::TrackInfo>> search_tracks(const std::string& query,
                                                          std::int64_t offset, int limit) override;
  core::ApiCounters counters() const override { return counters_; }

  std::int64_t calls() const { return counters_.calls; }
  std::int64_t writes() const { return writes_; }

  /// Spotify's cap on a playlist's length (§7.8): adds beyond it are Forbidden.
  static constexpr std::size_t kMaxPlaylistItems = 10'000;

 private:
  /// What a write does once the playlist is found and the user may change it: changes it, or
  /// refuses with the error Spotify would give and leaves it alone.
  using Mutation = std::function<core::Status(FakePlaylist&)>;
  /// Whose playlists a write may change.
  enum class Allowed { OwnerOrCollaborator, Owner };

  std::optional<core::Error> begin_call();
  /// One write to an existing playlist: the call, injected outcomes, visibility and permission,
  /// `mutate`, and the new snapshot (in the answer only for items writes).
  core::WriteOutcome write(const std::string& playlist_id, Allowed allowed, const Mutation& mutate,
                           bool answers_with_snapshot = true);
  /// How a write that is being sent goes on: `ended` when it ends before Spotify looks at it (the
  /// call failed, or an injection refused it or lost it unapplied); `lose_answer` when an
  /// injection applies it and then loses the answer.
  struct WriteStart {
    std::optional<core::WriteOutcome> ended;
    std::optional<core::Error> lose_answer;
  };
  WriteStart begin_write();
  FakePlaylist* find(const std::string& id);
  /// A playlist the user may see: private playlists of others only when followed.
  core::Result<FakePlaylist*> visible(const std::string& id);
  void touch(FakePlaylist& playlist);
  core::PlaylistItem new_item(const std::string& uri) const;

  std::string user_id_;
  std::vector<FakePlaylist> playlists_;
  std::map<std::int64_t, core::Error> failures_;
  std::map<std::int64_t, std::pair<Injected, std::optional<core::Error>>> injections_;
  std::map<std::string, std::int64_t> reported_totals_;
  std::set<std::string> nulls_in_listing_;
  bool always_has_next_ = false;
  std::function<void(std::int64_t)> hook_;
  core::ApiCounters counters_;
  std::int64_t writes_ = 0;
  std::int64_t version_ = 0;
  std::int64_t created_ = 0;
};

/// The storage ports, the job queue and the unit of work in memory, with the same promises as the
/// SQL stores (the code verifiers of OAuth states are kept as given: there is no "at rest" here).
/// Not thread-safe, except for the job queue (which reads the users and accounts when a job is
/// enqueued).
class InMemoryStore final : public core::UserStore,
                            public core::AccountStore,
                            public core::PlaylistStore,
                            public core::SessionStore,
                            public core::PlaylistJournal,
                            public core::MatchStore,
                            public core::ImportStore,
                            public core::UnitOfWork {
 public:
  /// The job queue's times come from the wall clock.
  InMemoryStore();
  /// The job queue's times come from `clock`, which must outlive the store.
  explicit InMemoryStore(const core::Clock& clock);

  /// Keeps a copy of everything (the jobs included) and puts it back when `work` fails or throws.
  /// Nothing is isolated: the store's own ports see the unit's changes at once (the SQL stores
  /// refuse them inside).
  core::Status in_transaction(
      const std::function<core::Status(core::TransactionPorts&)>& work) override;

  /// The jobs of this store's users and accounts: deleting a user or an account deletes its jobs.
  InMemoryJobQueue& jobs() { return *jobs_; }
  /// Pastes, choices, the lookup cache and known tracks (the same object; as sql::Store names it).
  core::MatchStore& matches() { return *this; }
  /// Uploaded import files (the same object; as sql::Store names it).
  core::ImportStore& imports() { return *this; }

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
  core::Status touch_session(const std::string& id_hash, core::TimePoint last_seen_at,
                             core::TimePoint expires_at) override;
  core::Status delete_session(const std::string& id_hash) override;
  core::Status delete_sessions_of(std::int64_t app_user_id,
                                  const std::string& except_id_hash) override;
  core::Result<std::int64_t> delete_expired_sessions(core::TimePoint now) override;
  core::Status save_oauth_state(const core::OAuthState& state) override;
  core::Result<std::optional<core::OAuthState>> take_oauth_state(const std::string& state,
                                                                 core::TimePoint now) override;
  core::Status delete_expired_oauth_states(core::TimePoint now) override;

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
  core::Status remove_playlist(std::int64_t account_id, const std::string& playlist_id) override;
  core::Status remove_playlists_except(std::int64_t account_id,
                                       const std::vector<std::string>& keep) override;
  core::Result<std::vector<core::PlaylistItem>> playlist_items(
      std::int64_t account_id, const std::string& playlist_id) override;
  core::Status mark_synced(std::int64_t account_id, core::TimePoint synced_at) override;
  core::Status set_playlist_tags(std::int64_t account_id, const std::string& playlist_id,
                                 const std::vector<std::string>& tags) override;
  core::Result<std::vector<core::SavedSelection>> saved_selections(
      std::int64_t app_user_id) override;
  core::Result<core::SavedSelection> save_selection(std::int64_t app_user_id,
                                                    const core::SavedSelection& selection) override;
  core::Status delete_selection(std::int64_t app_user_id, const std::string& name) override;

  core::Result<std::optional<core::RecordedVersion>> record_version(
      const core::NewRecordedVersion& version) override;
  core::Result<std::vector<core::RecordedVersion>> list_versions(
      std::int64_t account_id, const std::string& playlist_id,
      const core::VersionFilter& filter) override;
  core::Result<std::optional<core::RecordedVersion>> find_version(std::int64_t account_id,
                                                                  const std::string& playlist_id,
                                                                  std::int64_t sequence) override;
  core::Result<std::map<std::string, std::int64_t>> latest_sequences(
      std::int64_t account_id) override;
  core::Result<std::optional<core::RecordedVersion>> latest_version(
      std::int64_t account_id, const std::string& playlist_id) override;

  core::Result<core::StoredPaste> create_paste(std::int64_t owner_user_id, std::int64_t account_id,
                                               const std::vector<std::string>& inputs,
                                               core::TimePoint now) override;
  core::Result<std::optional<core::StoredPaste>> find_paste(std::int64_t paste_id) override;
  core::Status set_paste_job(std::int64_t paste_id, std::int64_t job_id) override;
  core::Result<std::vector<core::PasteLineRow>> paste_lines(std::int64_t paste_id,
                                                            std::int64_t since) override;
  core::Status save_line_results(std::int64_t paste_id,
                                 const std::vector<core::LineMatch>& results) override;
  core::Result<core::PasteLineRow> decide_line(
      std::int64_t paste_id, std::size_t number, core::LineDecision decision,
      const std::optional<core::TrackInfo>& chosen) override;
  core::Status delete_paste(std::int64_t paste_id) override;
  core::Result<std::optional<core::TrackInfo>> remembered_choice(std::int64_t user_id,
                                                                 const std::string& key) override;
  core::Status remember_choice(std::int64_t user_id, const std::string& key,
                               const core::TrackInfo& track, core::TimePoint now) override;
  core::Status forget_choice(std::int64_t user_id, const std::string& key) override;
  core::Result<std::optional<std::vector<core::TrackInfo>>> cached_lookup(
      const std::string& key, core::TimePoint not_before) override;
  core::Status cache_lookup(const std::string& key, const std::vector<core::TrackInfo>& tracks,
                            core::TimePoint now) override;
  core::Result<std::int64_t> prune_lookups(core::TimePoint before) override;
  core::Result<std::vector<core::TrackInfo>> known_tracks(std::int64_t account_id) override;

  core::Result<core::StoredImport> create_import(
      std::int64_t owner_user_id, std::int64_t account_id, const std::string& file_name,
      const std::string& bytes, std::optional<std::int64_t> paste_id,
      const std::optional<std::string>& playlist_id, core::TimePoint now) override;
  core::Result<std::optional<core::StoredImport>> find_import(std::int64_t import_id) override;
  core::Result<std::string> import_bytes(std::int64_t import_id) override;
  core::Result<std::int64_t> delete_imports_before(core::TimePoint cutoff) override;

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
  /// Each user's saved selections by name (std::string orders bytewise, as the SQL stores sort).
  std::map<std::int64_t, std::map<std::string, core::SavedSelection>> selections_;
  /// The versions (with their items) of each account's playlists, oldest first.
  std::map<std::int64_t, std::map<std::string, std::vector<core::RecordedVersion>>> versions_;
  const core::Clock* clock_;
  std::int64_t last_user_id_ = 0;  // ids are never reused, as in the databases
  std::int64_t last_account_id_ = 0;
  std::int64_t saves_ = 0;
  std::map<std::string, core::Error> rejected_;
  /// A pasted line: the matcher's result, and the track a person accepted or picked.
  struct PasteLine {
    core::LineMatch match;
    core::LineDecision decision = core::LineDecision::None;
    std::optional<std::string> chosen_uri;
    std::optional<core::TrackInfo> chosen_track;
    std::int64_t seq = 0;
  };
  struct Paste {
    core::StoredPaste stored;
    std::vector<PasteLine> lines;  // by number - 1
  };
  static core::PasteLineRow line_row(const PasteLine& line);
  std::map<std::int64_t, Paste> pastes_;
  std::int64_t last_paste_id_ = 0;
  std::int64_t last_seq_ = 0;
  /// Each user's remembered choices by key.
  std::map<std::int64_t, std::map<std::string, core::TrackInfo>> choices_;
  /// Cached lookups by key: the tracks and when they were stored (to the second).
  std::map<std::string, std::pair<std::vector<core::TrackInfo>, core::TimePoint>> lookups_;
  /// Uploaded imports by id: the record and the file.
  std::map<std::int64_t, std::pair<core::StoredImport, std::string>> imports_;
  std::int64_t last_import_id_ = 0;
  /// Shared by the copies in_transaction keeps, which put the queue's contents back themselves.
  std::shared_ptr<InMemoryJobQueue> jobs_;
};

}  // namespace plm::test_support
