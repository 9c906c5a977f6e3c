#include "web/metrics.hpp"

#include <cstdio>

namespace plm::web {

void Metrics::record_request(const std::string& route, const std::string& method, int status,
                             std::chrono::nanoseconds duration) {
  const double seconds = std::chrono::duration<double>(duration).count();
  std::lock_guard lock(mutex_);
  ++requests_[{route, method, status}];
  Histogram& histogram = latency_[route];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++histogram.counts[i];
  }
  ++histogram.count;
  histogram.sum += seconds;
}

void Metrics::record_spotify(std::int64_t calls, std::int64_t rate_limited, std::int64_t retries) {
  spotify_calls_.fetch_add(calls, std::memory_order_relaxed);
  spotify_rate_limited_.fetch_add(rate_limited, std::memory_order_relaxed);
  spotify_retries_.fetch_add(retries, std::memory_order_relaxed);
}

void Metrics::record_job_finished(const std::string& state) {
  std::lock_guard lock(mutex_);
  ++jobs_finished_[state];
}

namespace {

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9g", value);
  return buffer;
}

/// Label values escape backslash, quote and newline.
std::string label(const std::string& value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string Metrics::render(std::int64_t sse_clients) const {
  std::string out;
  auto gauge = [&](const char* name, const char* help, const char* type, std::int64_t value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
           name + " " + std::to_string(value) + "\n";
  };
  std::lock_guard lock(mutex_);
  out +=
      "# HELP plm_http_requests_total HTTP requests by route template, method and status.\n"
      "# TYPE plm_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    const auto& [route, method, status] = key;
    out += "plm_http_requests_total{route=\"" + label(route) + "\",method=\"" + label(method) +
           "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(count) + "\n";
  }
  out +=
      "# HELP plm_http_request_duration_seconds Time to answer a request, by route template.\n"
      "# TYPE plm_http_request_duration_seconds histogram\n";
  for (const auto& [route, histogram] : latency_) {
    const std::string name = "plm_http_request_duration_seconds";
    const std::string route_label = "route=\"" + label(route) + "\"";
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      out += name + "_bucket{" + route_label + ",le=\"" + number(kBuckets[i]) + "\"} " +
             std::to_string(histogram.counts[i]) + "\n";
    }
    out +=
        name + "_bucket{" + route_label + ",le=\"+Inf\"} " + std::to_string(histogram.count) + "\n";
    out += name + "_sum{" + route_label + "} " + number(histogram.sum) + "\n";
    out += name + "_count{" + route_label + "} " + std::to_string(histogram.count) + "\n";
  }
  out +=
      "# HELP plm_sync_jobs_finished_total Jobs this process finished, by final state.\n"
      "# TYPE plm_sync_jobs_finished_total counter\n";
  for (const char* state : {"succeeded", "failed", "cancelled"}) {
    const auto found = jobs_finished_.find(state);
    out += std::string("plm_sync_jobs_finished_total{state=\"") + state + "\"} " +
           std::to_string(found == jobs_finished_.end() ? 0 : found->second) + "\n";
  }
  gauge("plm_sync_jobs_running", "Jobs running now (in every process sharing the database).",
        "gauge", running_jobs.load());
  gauge("plm_sync_jobs_queued", "Jobs waiting for a worker, interrupted ones included.", "gauge",
        queued_jobs.load());
  gauge("plm_spotify_calls_total", "Spotify Web API requests made by this process's jobs.",
        "counter", spotify_calls_.load());
  gauge("plm_spotify_rate_limited_total", "Spotify 429 answers received by this process's jobs.",
        "counter", spotify_rate_limited_.load());
  gauge("plm_spotify_retries_total", "Spotify requests repeated by this process's jobs.", "counter",
        spotify_retries_.load());
  gauge("plm_sse_clients", "Open server-sent-event streams.", "gauge", sse_clients);
  gauge("plm_login_failures_total", "Failed sign-ins (wrong password, unknown user, throttled).",
        "counter", login_failures_.load());
  return out;
}

}  // namespace plm::web
