#pragma once
// A core::SpotifyApi around another one, for tests of work with several calls in flight (the
// sync's item reads, core/sync/in_flight.hpp): it records how many item reads overlap and in which
// order each playlist's pages were read, and it can hold item reads at a gate so the overlap is
// deterministic without sleeping: `gather(n)` holds them until n are in flight together (then lets
// every read through), `hold(id)` holds one playlist's reads until `release(id)`. `fail_items`
// makes a playlist's reads fail after they were sent (as a 5xx or a 429 does).
//
// Calls::OneAtATime puts the wrapped API behind a mutex (FakeSpotifyApi is not thread-safe);
// Calls::AsTheyCome passes calls on at once (spotify::Client is thread-safe), so overlapping item
// reads overlap in the wrapped API too.

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/ports/spotify_api.hpp"

namespace plm::test_support {

class GatedSpotify final : public core::SpotifyApi {
 public:
  enum class Calls { OneAtATime, AsTheyCome };

  GatedSpotify(core::SpotifyApi& inner, Calls calls) : inner_(inner), calls_(calls) {}

  /// Holds item reads until `count` are in flight together; `when_gathered` runs then (under the
  /// gate's lock, on the thread of the last one to arrive).
  void gather(int count, std::function<void()> when_gathered = {});
  void hold(const std::string& playlist_id);
  void release(const std::string& playlist_id);
  /// Every item read of `playlist_id` from now fails with `error` once it was sent.
  void fail_items(const std::string& playlist_id, core::Error error);
  void clear_failures();

  /// The most item reads in flight at once so far.
  int max_in_flight() const;
  /// The offsets read, per playlist, in the order the reads were made.
  std::map<std::string, std::vector<std::int64_t>> offsets() const;
  std::int64_t calls() const { return counters().calls; }

  core::Result<core::Page<core::PlaylistItem>> playlist_items(const std::string& playlist_id,
                                                              std::int64_t offset,
                                                              int limit) override;
  core::Result<core::SpotifyProfile> current_user() override;
  core::Result<core::Page<core::PlaylistSummary>> my_playlists(std::int64_t offset,
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
  core::ApiCounters counters() const override;

 private:
  /// Runs `call` on the wrapped API, under its mutex for Calls::OneAtATime.
  template <typename Call>
  auto pass(Call call) const {
    std::unique_lock lock(inner_mutex_, std::defer_lock);
    if (calls_ == Calls::OneAtATime) lock.lock();
    return call();
  }

  core::SpotifyApi& inner_;
  const Calls calls_;
  mutable std::mutex inner_mutex_;
  mutable std::mutex gate_mutex_;
  std::condition_variable gate_;
  int gather_ = 0;
  std::function<void()> when_gathered_;
  std::set<std::string> held_;
  std::map<std::string, core::Error> failing_;
  int in_flight_ = 0;
  int max_in_flight_ = 0;
  std::map<std::string, std::vector<std::int64_t>> offsets_;
};

}  // namespace plm::test_support
