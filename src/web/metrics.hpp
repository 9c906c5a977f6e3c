#pragma once
/// The counters behind /metrics, rendered in the Prometheus text format (version 0.0.4).

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace plm::web {

class Metrics {
 public:
  /// One finished request: the route template ("/api/playlists", "static", "unmatched").
  void record_request(const std::string& route, const std::string& method, int status,
                      std::chrono::nanoseconds duration);
  void record_spotify(std::int64_t calls, std::int64_t rate_limited, std::int64_t retries);
  void record_job_finished(const std::string& state);
  void record_login_failure() { login_failures_.fetch_add(1, std::memory_order_relaxed); }

  /// Set from the queue's counts at every scrape.
  std::atomic<std::int64_t> running_jobs{0};
  std::atomic<std::int64_t> queued_jobs{0};

  /// `sse_clients`: open event streams (the EventHub counts them).
  std::string render(std::int64_t sse_clients) const;

  static constexpr std::array<double, 12> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                   0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

 private:
  struct Histogram {
    std::array<std::int64_t, kBuckets.size()> counts{};
    std::int64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, std::int64_t> requests_;
  std::map<std::string, Histogram> latency_;
  std::map<std::string, std::int64_t> jobs_finished_;
  std::atomic<std::int64_t> spotify_calls_{0};
  std::atomic<std::int64_t> spotify_rate_limited_{0};
  std::atomic<std::int64_t> spotify_retries_{0};
  std::atomic<std::int64_t> login_failures_{0};
};

}  // namespace plm::web
