#include "web/response_cache.hpp"

#include <mutex>

#include "http/compression.hpp"
#include "web/internal.hpp"

namespace plm::web {

ResponseCache::ResponseCache(std::size_t max_bytes, std::size_t max_per_user,
                             std::int64_t max_age_ms)
    : max_bytes_(max_bytes),
      max_per_user_(std::max<std::size_t>(1, max_per_user)),
      max_age_ms_(max_age_ms) {}

std::shared_ptr<const CachedBody> ResponseCache::get(std::int64_t user_id, const std::string& key,
                                                     std::int64_t now_ms) {
  std::shared_lock lock(mutex_);
  const auto user = users_.find(user_id);
  if (user == users_.end()) return nullptr;
  const auto found = user->second.bodies.find(key);
  if (found == user->second.bodies.end()) return nullptr;
  // Stale ones stay until replaced: the next render (same content: same ETag) overwrites them.
  if (now_ms - found->second->stored_at_ms > max_age_ms_) return nullptr;
  found->second->last_used = ++tick_;
  return found->second;
}

std::uint64_t ResponseCache::generation(std::int64_t user_id) {
  {
    std::shared_lock lock(mutex_);
    if (const auto user = users_.find(user_id); user != users_.end())
      return user->second.generation;
  }
  std::unique_lock lock(mutex_);
  return users_[user_id].generation;
}

void ResponseCache::remove_locked(UserCache& user, const std::string& key) {
  const auto found = user.bodies.find(key);
  if (found == user.bodies.end()) return;
  bytes_ -= found->second->bytes();
  user.bodies.erase(found);
}

void ResponseCache::evict_locked() {
  while (bytes_ > max_bytes_) {
    UserCache* oldest_user = nullptr;
    const std::string* oldest_key = nullptr;
    std::uint64_t oldest = UINT64_MAX;
    for (auto& [id, user] : users_) {
      for (const auto& [key, body] : user.bodies) {
        if (body->last_used.load() < oldest) {
          oldest = body->last_used.load();
          oldest_user = &user;
          oldest_key = &key;
        }
      }
    }
    if (!oldest_user) return;
    remove_locked(*oldest_user, std::string(*oldest_key));
  }
}

std::shared_ptr<const CachedBody> ResponseCache::put(std::int64_t user_id, std::uint64_t generation,
                                                     const std::string& key, std::string json,
                                                     std::int64_t now_ms) {
  auto body = std::make_shared<CachedBody>();
  body->stored_at_ms = now_ms;
  body->etag = etag_for(json);
  // Small bodies are not worth a Content-Encoding; large JSON shrinks 5-10 times.
  if (json.size() >= 1024) body->gzipped = http::gzip_compress(json, 6);
  body->json = std::move(json);
  body->last_used = ++tick_;
  if (body->bytes() > max_bytes_) return body;
  std::unique_lock lock(mutex_);
  const auto user = users_.find(user_id);
  if (user == users_.end() || user->second.generation != generation) return body;
  remove_locked(user->second, key);
  if (user->second.bodies.size() >= max_per_user_) {
    // Items of many playlists: the user's least recently used one goes.
    auto oldest = user->second.bodies.begin();
    for (auto it = user->second.bodies.begin(); it != user->second.bodies.end(); ++it) {
      if (it->second->last_used.load() < oldest->second->last_used.load()) oldest = it;
    }
    remove_locked(user->second, std::string(oldest->first));
  }
  user->second.bodies.emplace(key, body);
  bytes_ += body->bytes();
  evict_locked();
  return body;
}

void ResponseCache::invalidate(std::int64_t user_id) {
  std::unique_lock lock(mutex_);
  const auto user = users_.find(user_id);
  if (user == users_.end()) return;  // nothing cached, and no render can be in flight
  ++user->second.generation;
  for (const auto& [key, body] : user->second.bodies) bytes_ -= body->bytes();
  user->second.bodies.clear();
}

void ResponseCache::erase_user(std::int64_t user_id) {
  std::unique_lock lock(mutex_);
  const auto user = users_.find(user_id);
  if (user == users_.end()) return;
  for (const auto& [key, body] : user->second.bodies) bytes_ -= body->bytes();
  users_.erase(user);
}

std::size_t ResponseCache::bytes() const {
  std::shared_lock lock(mutex_);
  return bytes_;
}

std::size_t ResponseCache::users() const {
  std::shared_lock lock(mutex_);
  return users_.size();
}

std::size_t ResponseCache::bodies() const {
  std::shared_lock lock(mutex_);
  std::size_t count = 0;
  for (const auto& [id, user] : users_) count += user.bodies.size();
  return count;
}

}  // namespace plm::web
