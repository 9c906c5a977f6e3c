#include "support/gated_spotify.hpp"

#include <algorithm>

namespace plm::test_support {

void GatedSpotify::gather(int count, std::function<void()> when_gathered) {
  const std::lock_guard lock(gate_mutex_);
  gather_ = count;
  when_gathered_ = std::move(when_gathered);
}

void GatedSpotify::hold(const std::string& playlist_id) {
  const std::lock_guard lock(gate_mutex_);
  held_.insert(playlist_id);
}

void GatedSpotify::release(const std::string& playlist_id) {
  const std::lock_guard lock(gate_mutex_);
  held_.erase(playlist_id);
  gate_.notify_all();
}

void GatedSpotify::fail_items(const std::string& playlist_id, core::Error error) {
  const std::lock_guard lock(gate_mutex_);
  failing_.insert_or_assign(playlist_id, std::move(error));
}

void GatedSpotify::clear_failures() {
  const std::lock_guard lock(gate_mutex_);
  failing_.clear();
}

int GatedSpotify::max_in_flight() const {
  const std::lock_guard lock(gate_mutex_);
  return max_in_flight_;
}

std::map<std::string, std::vector<std::int64_t>> GatedSpotify::offsets() const {
  const std::lock_guard lock(gate_mutex_);
  return offsets_;
}

core::Result<core::Page<core::PlaylistItem>> GatedSpotify::playlist_items(
    const std::string& playlist_id, std::int64_t offset, int limit) {
  std::optional<core::Error> failure;
  {
    std::unique_lock lock(gate_mutex_);
    offsets_[playlist_id].push_back(offset);
    max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
    if (gather_ > 0 && in_flight_ >= gather_) {
      gather_ = 0;
      if (when_gathered_) when_gathered_();
      gate_.notify_all();
    }
    gate_.wait(lock, [&] { return gather_ == 0 && !held_.contains(playlist_id); });
    if (const auto found = failing_.find(playlist_id); found != failing_.end())
      failure = found->second;
  }
  auto page = pass([&] { return inner_.playlist_items(playlist_id, offset, limit); });
  const std::lock_guard lock(gate_mutex_);
  --in_flight_;
  if (failure) return *failure;  // the call was made (and counted), and failed
  return page;
}

core::Result<core::SpotifyProfile> GatedSpotify::current_user() {
  return pass([&] { return inner_.current_user(); });
}
core::Result<core::Page<core::PlaylistSummary>> GatedSpotify::my_playlists(std::int64_t offset,
                                                                           int limit) {
  return pass([&] { return inner_.my_playlists(offset, limit); });
}
core::Result<core::PlaylistSummary> GatedSpotify::playlist(const std::string& playlist_id) {
  return pass([&] { return inner_.playlist(playlist_id); });
}
core::Result<core::PlaylistVersion> GatedSpotify::playlist_version(const std::string& playlist_id) {
  return pass([&] { return inner_.playlist_version(playlist_id); });
}
core::CreateOutcome GatedSpotify::create_playlist(const core::NewPlaylist& playlist) {
  return pass([&] { return inner_.create_playlist(playlist); });
}
core::WriteOutcome GatedSpotify::change_details(const std::string& playlist_id,
                                                const core::PlaylistDetailsChange& change) {
  return pass([&] { return inner_.change_details(playlist_id, change); });
}
core::WriteOutcome GatedSpotify::upload_cover(const std::string& playlist_id,
                                              const std::string& jpeg) {
  return pass([&] { return inner_.upload_cover(playlist_id, jpeg); });
}
core::WriteOutcome GatedSpotify::add_items(const std::string& playlist_id,
                                           const std::vector<std::string>& uris,
                                           std::optional<std::int64_t> position) {
  return pass([&] { return inner_.add_items(playlist_id, uris, position); });
}
core::WriteOutcome GatedSpotify::remove_items(const std::string& playlist_id,
                                              const std::vector<std::string>& uris) {
  return pass([&] { return inner_.remove_items(playlist_id, uris); });
}
core::WriteOutcome GatedSpotify::reorder_items(const std::string& playlist_id,
                                               std::int64_t range_start, std::int64_t insert_before,
                                               std::int64_t range_length) {
  return pass(
      [&] { return inner_.reorder_items(playlist_id, range_start, insert_before, range_length); });
}
core::WriteOutcome GatedSpotify::replace_items(const std::string& playlist_id,
                                               const std::vector<std::string>& uris) {
  return pass([&] { return inner_.replace_items(playlist_id, uris); });
}
core::WriteOutcome GatedSpotify::unfollow_playlist(const std::string& playlist_id) {
  return pass([&] { return inner_.unfollow_playlist(playlist_id); });
}
core::Result<core::TrackInfo> GatedSpotify::track(const std::string& track_id) {
  return pass([&] { return inner_.track(track_id); });
}
core::Result<core::Page<core::TrackInfo>> GatedSpotify::search_tracks(const std::string& query,
                                                                      std::int64_t offset,
                                                                      int limit) {
  return pass([&] { return inner_.search_tracks(query, offset, limit); });
}
core::ApiCounters GatedSpotify::counters() const {
  return pass([&] { return inner_.counters(); });
}

}  // namespace plm::test_support
