#pragma once
/// Rendered response bodies kept for repeated GETs (the playlists list, a playlist's items), per
/// user and key, with a generation per user (a render that raced an invalidation is not stored),
/// at most `max_per_user` bodies per user and `max_bytes` in all: beyond that, the least recently
/// used bodies (of any user) go. A body older than `max_age` is not served: changes this process
/// does not see (a `plm sync` from the command line, another server) show within that time.
/// Times are passed in (milliseconds of the caller's clock). Thread-safe.

#include <atomic>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace plm::web {

/// One rendered body, with its gzip form and a strong ETag.
struct CachedBody {
  std::string json;
  std::string gzipped;  ///< empty when not worth compressing
  std::string etag;
  mutable std::atomic<std::uint64_t> last_used{0};  ///< for LRU eviction
  std::int64_t stored_at_ms = 0;
  std::size_t bytes() const { return json.size() + gzipped.size() + etag.size(); }
};

class ResponseCache {
 public:
  static constexpr std::size_t kDefaultMaxBytes = 64 * 1024 * 1024;
  static constexpr std::int64_t kDefaultMaxAgeMs = 5'000;
  explicit ResponseCache(std::size_t max_bytes = kDefaultMaxBytes, std::size_t max_per_user = 32,
                         std::int64_t max_age_ms = kDefaultMaxAgeMs);

  /// The body cached for `user_id` and `key` at most max_age ago, or nullptr.
  std::shared_ptr<const CachedBody> get(std::int64_t user_id, const std::string& key,
                                        std::int64_t now_ms);
  /// The user's generation, read before rendering (registers the user).
  std::uint64_t generation(std::int64_t user_id);
  /// Builds the body of `json` (ETag, gzip) and keeps it unless the user's generation moved since
  /// `generation` was read, or it alone exceeds the budget. Returns the body either way.
  std::shared_ptr<const CachedBody> put(std::int64_t user_id, std::uint64_t generation,
                                        const std::string& key, std::string json,
                                        std::int64_t now_ms);
  /// Drops the user's bodies and moves their generation. Users never seen are not registered.
  void invalidate(std::int64_t user_id);
  /// Forgets the user altogether (deleted).
  void erase_user(std::int64_t user_id);

  std::size_t bytes() const;
  std::size_t users() const;
  std::size_t bodies() const;

 private:
  struct UserCache {
    std::uint64_t generation = 0;
    std::unordered_map<std::string, std::shared_ptr<const CachedBody>> bodies;
  };
  void remove_locked(UserCache& user, const std::string& key);
  void evict_locked();

  std::size_t max_bytes_;
  std::size_t max_per_user_;
  std::int64_t max_age_ms_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::int64_t, UserCache> users_;
  std::size_t bytes_ = 0;
  std::atomic<std::uint64_t> tick_{0};
};

}  // namespace plm::web
