#include "web/sessions.hpp"

#include <algorithm>

namespace plm::web {

namespace {

/// Activity is written to the store at most this often per session.
constexpr std::chrono::seconds kTouchEvery{60};
/// Beyond this many cached sessions the cache starts over (a flood of sign-ins cannot exhaust
/// memory; the store still holds every session).
constexpr std::size_t kMaxCachedSessions = 100'000;

}  // namespace

bool constant_time_equals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  return difference == 0;
}

// ---- SessionManager -------------------------------------------------------------------------

SessionManager::SessionManager(core::SessionStore& store, core::UserStore& users,
                               const core::Clock& clock, const Crypto& crypto,
                               std::chrono::seconds ttl, std::chrono::seconds idle)
    : store_(store), users_(users), clock_(clock), crypto_(crypto), ttl_(ttl), idle_(idle) {}

core::TimePoint SessionManager::now() const {
  return std::chrono::floor<std::chrono::seconds>(clock_.now());
}

std::uint64_t SessionManager::user_epoch(std::int64_t user_id) {
  std::shared_lock lock(mutex_);
  const auto found = epochs_.find(user_id);
  return found == epochs_.end() ? 0 : found->second;
}

std::uint64_t SessionManager::global_epoch() {
  std::shared_lock lock(mutex_);
  return global_epoch_;
}

bool SessionManager::cache_if_current(const SignedIn& signed_in, std::uint64_t epoch,
                                      bool per_user) {
  std::unique_lock lock(mutex_);
  std::uint64_t current = global_epoch_;
  if (per_user) {
    const auto found = epochs_.find(signed_in.user.id);
    current = found == epochs_.end() ? 0 : found->second;
  }
  if (current != epoch) return false;
  if (cache_.size() >= kMaxCachedSessions) cache_.clear();
  cache_[signed_in.session.id_hash] = signed_in;
  return true;
}

void SessionManager::bump(std::int64_t user_id, const std::string& except_id_hash) {
  std::unique_lock lock(mutex_);
  ++epochs_[user_id];
  ++global_epoch_;
  for (auto it = cache_.begin(); it != cache_.end();) {
    it = it->second.user.id == user_id && it->first != except_id_hash ? cache_.erase(it)
                                                                      : std::next(it);
  }
}

core::Result<SessionManager::Created> SessionManager::create(const core::AppUser& user,
                                                             std::string user_agent,
                                                             std::string remote_address) {
  hook("session.create.verified");
  // Read before the user is read again below: an invalidation after this point is seen either
  // by that read (the store changed first) or by cache_if_current (the epoch moved).
  const std::uint64_t epoch = user_epoch(user.id);
  const core::TimePoint now = this->now();
  Created created;
  created.token = crypto_.random_token();
  core::Session& session = created.signed_in.session;
  session.id_hash = crypto_.token_digest(created.token);
  session.app_user_id = user.id;
  session.csrf_token = crypto_.random_token();
  session.created_at = now;
  session.last_seen_at = now;
  session.expires_at = now + std::min(ttl_, idle_);
  session.user_agent = std::move(user_agent).substr(0, 256);
  session.remote_address = std::move(remote_address);
  if (auto saved = store_.create_session(session); !saved) return saved.error();
  // The row exists now, so a password reset or deletion from here on deletes it. Whatever
  // happened before must show in the user as stored: the password verified and the role read
  // must still be the user's.
  auto fresh = users_.find_user(user.id);
  if (!fresh) {
    (void)store_.delete_session(session.id_hash);
    return fresh.error();
  }
  const auto changed = core::make_error(core::ErrorCode::Conflict,
                                        "the account changed while signing in; sign in again");
  if (!*fresh || (*fresh)->password_hash != user.password_hash || (*fresh)->role != user.role) {
    (void)store_.delete_session(session.id_hash);
    return changed;
  }
  created.signed_in.user = **fresh;
  created.signed_in.user.password_hash.clear();
  hook("session.create.before_cache");
  if (!cache_if_current(created.signed_in, epoch, /*per_user=*/true)) {
    (void)store_.delete_session(session.id_hash);
    return changed;
  }
  return created;
}

std::optional<SignedIn> SessionManager::find_cached(std::string_view token) {
  if (token.empty() || token.size() > 128) return std::nullopt;
  const std::string id_hash = crypto_.token_digest(token);
  const core::TimePoint now = this->now();
  std::shared_lock lock(mutex_);
  const auto it = cache_.find(id_hash);
  if (it == cache_.end()) return std::nullopt;
  const core::Session& session = it->second.session;
  if (session.expires_at <= now || now - session.last_seen_at >= kTouchEvery) return std::nullopt;
  return it->second;
}

core::Result<std::optional<SignedIn>> SessionManager::find(std::string_view token) {
  // Tokens are 43 characters; anything far off is not ours and costs no lookup.
  if (token.empty() || token.size() > 128) return std::optional<SignedIn>();
  const std::string id_hash = crypto_.token_digest(token);
  const core::TimePoint now = this->now();
  std::optional<SignedIn> found;
  std::uint64_t epoch = 0;
  {
    // The epoch is read before the store is: an invalidation after it keeps what is read below
    // out of the cache.
    std::shared_lock lock(mutex_);
    epoch = global_epoch_;
    if (const auto it = cache_.find(id_hash); it != cache_.end()) found = it->second;
  }
  auto forget = [&] {
    std::unique_lock lock(mutex_);
    cache_.erase(id_hash);
  };
  const bool touch_due = !found || now - found->session.last_seen_at >= kTouchEvery;
  if (!found) {
    auto stored = store_.find_session(id_hash);
    if (!stored) return stored.error();
    if (!*stored) return std::optional<SignedIn>();
    found = SignedIn{**stored, {}};
  }
  core::Session& session = found->session;
  if (session.expires_at <= now) {
    forget();
    if (auto deleted = store_.delete_session(id_hash); !deleted) return deleted.error();
    return std::optional<SignedIn>();
  }
  if (!touch_due) return found;
  if (now - session.last_seen_at >= kTouchEvery) {
    // Sliding expiry: idle time counts from the last request, within the absolute lifetime.
    const core::TimePoint expires = std::min(session.created_at + ttl_, now + idle_);
    if (auto touched = store_.touch_session(id_hash, now, expires); !touched) {
      if (touched.error().code != core::ErrorCode::NotFound) return touched.error();
      forget();
      return std::optional<SignedIn>();  // deleted by another process
    }
    session.last_seen_at = now;
    session.expires_at = expires;
  }
  // Loaded or touched: the user is read again, so a role or password changed by another process
  // (the CLI) reaches a cached session within a minute.
  auto user = users_.find_user(session.app_user_id);
  if (!user) return user.error();
  if (!*user) {
    forget();
    (void)store_.delete_session(id_hash);
    return std::optional<SignedIn>();
  }
  found->user = **user;
  found->user.password_hash.clear();
  hook("session.find.before_cache");
  cache_if_current(*found, epoch, /*per_user=*/false);
  return found;
}

core::Status SessionManager::end(const std::string& id_hash) {
  auto deleted = store_.delete_session(id_hash);
  {
    // Also moves the epoch: a lookup of this session that read the store before the delete must
    // not put it back into the cache.
    std::unique_lock lock(mutex_);
    cache_.erase(id_hash);
    ++global_epoch_;
  }
  return deleted;
}

core::Status SessionManager::end_all_of(std::int64_t user_id, const std::string& except_id_hash) {
  auto deleted = store_.delete_sessions_of(user_id, except_id_hash);
  bump(user_id, except_id_hash);
  return deleted;
}

void SessionManager::forget_user(std::int64_t user_id) { bump(user_id, std::string()); }

bool SessionManager::still_valid(const std::string& id_hash) {
  // The store, not the cache: another process (the CLI) may have ended the session.
  auto stored = store_.find_session(id_hash);
  if (!stored) return true;  // the database is down: keep the stream, look again later
  return *stored && (*stored)->expires_at > now();
}

void SessionManager::sweep() {
  const core::TimePoint now = this->now();
  (void)store_.delete_expired_sessions(now);
  (void)store_.delete_expired_oauth_states(now);
  std::unique_lock lock(mutex_);
  for (auto it = cache_.begin(); it != cache_.end();)
    it = it->second.session.expires_at <= now ? cache_.erase(it) : std::next(it);
}

}  // namespace plm::web
