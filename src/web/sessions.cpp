#include "web/sessions.hpp"

#include <algorithm>

namespace plm::web {

namespace {

/// Activity is written to the store at most this often per session.
constexpr std::int64_t kTouchEverySeconds = 60;
/// Beyond this many cached sessions the cache starts over (a flood of sign-ins cannot exhaust
/// memory; the store still holds every session).
constexpr std::size_t kMaxCachedSessions = 100'000;
constexpr std::size_t kMaxThrottleKeys = 100'000;

}  // namespace

bool constant_time_equals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  return difference == 0;
}

// ---- LoginThrottle --------------------------------------------------------------------------

LoginThrottle::LoginThrottle(int max_failures, std::chrono::seconds window)
    : max_failures_(max_failures), window_(window) {}

void LoginThrottle::prune(std::deque<TimePoint>& failures, TimePoint now) const {
  while (!failures.empty() && failures.front() + window_ <= now) failures.pop_front();
}

std::optional<std::chrono::seconds> LoginThrottle::blocked(const std::string& key, TimePoint now) {
  std::lock_guard lock(mutex_);
  const auto found = failures_.find(key);
  if (found == failures_.end()) return std::nullopt;
  prune(found->second, now);
  if (static_cast<int>(found->second.size()) < max_failures_) return std::nullopt;
  // Blocked until enough failures have left the window for one more attempt.
  const TimePoint until =
      found->second[found->second.size() - static_cast<std::size_t>(max_failures_)] + window_;
  return std::max(std::chrono::ceil<std::chrono::seconds>(until - now), std::chrono::seconds(1));
}

void LoginThrottle::record_failure(const std::string& key, TimePoint now) {
  std::lock_guard lock(mutex_);
  if (failures_.size() >= kMaxThrottleKeys) {
    for (auto it = failures_.begin(); it != failures_.end();) {
      prune(it->second, now);
      it = it->second.empty() ? failures_.erase(it) : std::next(it);
    }
  }
  auto& failures = failures_[key];
  prune(failures, now);
  failures.push_back(now);
  // Only the last max_failures matter for the decision.
  while (static_cast<int>(failures.size()) > max_failures_) failures.pop_front();
}

void LoginThrottle::clear(const std::string& key) {
  std::lock_guard lock(mutex_);
  failures_.erase(key);
}

// ---- SessionManager -------------------------------------------------------------------------

SessionManager::SessionManager(core::SessionStore& store, core::UserStore& users,
                               const core::Clock& clock, const Crypto& crypto,
                               std::chrono::seconds ttl, std::chrono::seconds idle)
    : store_(store), users_(users), clock_(clock), crypto_(crypto), ttl_(ttl), idle_(idle) {}

std::int64_t SessionManager::now_seconds() const {
  return std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
}

void SessionManager::cache(const SignedIn& signed_in) {
  std::unique_lock lock(mutex_);
  if (cache_.size() >= kMaxCachedSessions) cache_.clear();
  cache_[signed_in.session.id_hash] = signed_in;
}

core::Result<SessionManager::Created> SessionManager::create(const core::AppUser& user,
                                                             std::string user_agent,
                                                             std::string remote_address) {
  const std::int64_t now = now_seconds();
  Created created;
  created.token = crypto_.random_token();
  core::Session& session = created.signed_in.session;
  session.id_hash = crypto_.token_digest(created.token);
  session.app_user_id = user.id;
  session.csrf_token = crypto_.random_token();
  session.created_at = now;
  session.last_seen_at = now;
  session.expires_at = now + std::min(ttl_, idle_).count();
  session.user_agent = std::move(user_agent).substr(0, 256);
  session.remote_address = std::move(remote_address);
  if (auto saved = store_.create_session(session); !saved) return saved.error();
  created.signed_in.user = user;
  created.signed_in.user.password_hash.clear();
  cache(created.signed_in);
  return created;
}

std::optional<SignedIn> SessionManager::find_cached(std::string_view token) {
  if (token.empty() || token.size() > 128) return std::nullopt;
  const std::string id_hash = crypto_.token_digest(token);
  const std::int64_t now = now_seconds();
  std::shared_lock lock(mutex_);
  const auto it = cache_.find(id_hash);
  if (it == cache_.end()) return std::nullopt;
  const core::Session& session = it->second.session;
  if (session.expires_at <= now || now - session.last_seen_at >= kTouchEverySeconds)
    return std::nullopt;
  return it->second;
}

core::Result<std::optional<SignedIn>> SessionManager::find(std::string_view token) {
  // Tokens are 43 characters; anything far off is not ours and costs no lookup.
  if (token.empty() || token.size() > 128) return std::optional<SignedIn>();
  const std::string id_hash = crypto_.token_digest(token);
  const std::int64_t now = now_seconds();
  std::optional<SignedIn> found;
  {
    std::shared_lock lock(mutex_);
    if (const auto it = cache_.find(id_hash); it != cache_.end()) found = it->second;
  }
  if (!found) {
    auto stored = store_.find_session(id_hash);
    if (!stored) return stored.error();
    if (!*stored) return std::optional<SignedIn>();
    auto user = users_.find_user((*stored)->app_user_id);
    if (!user) return user.error();
    if (!*user) {
      (void)store_.delete_session(id_hash);
      return std::optional<SignedIn>();
    }
    found = SignedIn{**stored, **user};
    found->user.password_hash.clear();
    if (found->session.expires_at > now) cache(*found);
  }
  core::Session& session = found->session;
  if (session.expires_at <= now) {
    {
      std::unique_lock lock(mutex_);
      cache_.erase(id_hash);
    }
    if (auto deleted = store_.delete_session(id_hash); !deleted) return deleted.error();
    return std::optional<SignedIn>();
  }
  if (now - session.last_seen_at >= kTouchEverySeconds) {
    // Sliding expiry: idle time counts from the last request, within the absolute lifetime.
    const std::int64_t expires = std::min(session.created_at + ttl_.count(), now + idle_.count());
    if (auto touched = store_.touch_session(id_hash, now, expires); !touched) {
      if (touched.error().code != core::ErrorCode::NotFound) return touched.error();
      std::unique_lock lock(mutex_);
      cache_.erase(id_hash);
      return std::optional<SignedIn>();  // deleted by another process
    }
    session.last_seen_at = now;
    session.expires_at = expires;
    std::unique_lock lock(mutex_);
    if (const auto it = cache_.find(id_hash); it != cache_.end()) it->second.session = session;
  }
  return found;
}

core::Status SessionManager::end(const std::string& id_hash) {
  {
    std::unique_lock lock(mutex_);
    cache_.erase(id_hash);
  }
  return store_.delete_session(id_hash);
}

core::Status SessionManager::end_all_of(std::int64_t user_id, const std::string& except_id_hash) {
  {
    std::unique_lock lock(mutex_);
    for (auto it = cache_.begin(); it != cache_.end();) {
      it = it->second.user.id == user_id && it->first != except_id_hash ? cache_.erase(it)
                                                                        : std::next(it);
    }
  }
  return store_.delete_sessions_of(user_id, except_id_hash);
}

void SessionManager::forget_user(std::int64_t user_id) {
  std::unique_lock lock(mutex_);
  for (auto it = cache_.begin(); it != cache_.end();)
    it = it->second.user.id == user_id ? cache_.erase(it) : std::next(it);
}

void SessionManager::sweep() {
  const std::int64_t now = now_seconds();
  (void)store_.delete_expired_sessions(now);
  (void)store_.delete_expired_oauth_states(now);
  std::unique_lock lock(mutex_);
  for (auto it = cache_.begin(); it != cache_.end();)
    it = it->second.session.expires_at <= now ? cache_.erase(it) : std::next(it);
}

}  // namespace plm::web
