#pragma once
/// The emulator's own clock. Token lifetimes, refresh-token expiry and rate windows all read it, so
/// tests can freeze it and move it forward (`POST /__emulator/clock`) instead of sleeping.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace spotify_emulator {

class Clock {
 public:
  /// `start_ms`: Unix time in milliseconds the clock shows at construction. `frozen`: when true the
  /// clock moves only through advance(); otherwise it also follows real (steady) time.
  Clock(std::int64_t start_ms, bool frozen)
      : start_ms_(start_ms), frozen_(frozen), real_start_(std::chrono::steady_clock::now()) {}

  std::int64_t now_ms() const {
    std::lock_guard lock(mutex_);
    std::int64_t now = start_ms_ + advanced_ms_;
    if (!frozen_) {
      now += std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::steady_clock::now() - real_start_)
                 .count();
    }
    return now;
  }
  void advance_ms(std::int64_t delta) {
    std::lock_guard lock(mutex_);
    advanced_ms_ += delta;
  }
  void set_frozen(bool frozen) {
    std::lock_guard lock(mutex_);
    if (frozen == frozen_) return;
    const auto real_now = std::chrono::steady_clock::now();
    if (frozen) {
      start_ms_ +=
          std::chrono::duration_cast<std::chrono::milliseconds>(real_now - real_start_).count();
    }
    real_start_ = real_now;
    frozen_ = frozen;
  }
  bool frozen() const {
    std::lock_guard lock(mutex_);
    return frozen_;
  }

 private:
  mutable std::mutex mutex_;
  std::int64_t start_ms_;
  std::int64_t advanced_ms_ = 0;
  bool frozen_;
  std::chrono::steady_clock::time_point real_start_;
};

/// "2026-11-24T05:12:40Z" for a Unix time in milliseconds.
std::string format_iso8601(std::int64_t unix_ms);
/// Parses "2026-11-24T05:12:40Z" (also with fractional seconds or without time); nullopt if
/// invalid.
std::optional<std::int64_t> parse_iso8601(std::string_view text);
/// The same instant `months` calendar months later (day clamped to the month's length), as
/// Spotify's "6 months after authorization".
std::int64_t add_months(std::int64_t unix_ms, int months);

}  // namespace spotify_emulator
