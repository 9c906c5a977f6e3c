// /healthz, /metrics, first-visit setup, sign-in and out, password change, user management.

#include <charconv>

#include "http/server.hpp"
#include "web/handlers.hpp"

namespace plm::web {

namespace {

constexpr std::size_t kMinPassword = 10;
constexpr std::size_t kMaxPassword = 1024;

std::string throttle_message(std::chrono::seconds wait) {
  return "too many failed attempts; try again in " + std::to_string(wait.count()) + " s";
}

http::Response too_many(std::chrono::seconds wait) {
  return error_response(ApiError{429, "too_many_requests", throttle_message(wait), wait});
}

http::Response invalid(const core::Error& error) {
  return error_response(400, "invalid_input", error.message);
}

struct Credentials {
  std::string username;
  std::string password;
};

/// The `username` and `password` of a new account (setup, user creation), with the rules users
/// see in the messages.
core::Result<Credentials> new_credentials(const Json& body) {
  auto username = string_field(body, "username", 1, 64);
  if (!username) return username.error();
  if (!core::valid_username(*username)) {
    return core::make_error(core::ErrorCode::InvalidInput,
                            "'username' may contain only letters, digits and . _ @ -");
  }
  auto password = string_field(body, "password", kMinPassword, kMaxPassword);
  if (!password) return password.error();
  return Credentials{std::move(*username), std::move(*password)};
}

std::optional<std::int64_t> parse_id(const std::string& text) {
  std::int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return id;
}

http::Response session_response(App& app, const SessionManager::Created& created, int status) {
  const auto& session = created.signed_in.session;
  Json body{{"user", user_json(created.signed_in.user)},
            {"csrf_token", session.csrf_token},
            {"expires_at", core::format_utc(session.expires_at)}};
  auto response = http::Response::json(status, dump(body));
  // The cookie lives as long as the session can (the idle timeout is enforced on the server).
  response.set_header("Set-Cookie", app.session_cookie(created.token, app.options.session_ttl));
  return response;
}

/// Signs `user` in: a new session, its cookie and the Session body.
http::Response signed_in_response(App& app, const core::AppUser& user, const http::Request& request,
                                  int status) {
  const auto user_agent = request.header("User-Agent");
  auto created =
      app.sessions.create(user, std::string(user_agent.value_or("")), app.client_address(request));
  if (!created) {
    // The role or password changed (or the user went) while signing in: no session.
    if (created.error().code == core::ErrorCode::Conflict)
      return error_response(401, "unauthenticated", created.error().message);
    return app.fail(created.error());
  }
  return session_response(app, *created, status);
}

}  // namespace

// ---- system ----------------------------------------------------------------------------------

http::Response get_health(App& app, Context&) {
  const bool database = app.deps.users.find_user(0).has_value();
  Json body{{"status", database ? "ok" : "degraded"},
            {"database", database ? "ok" : "unavailable"},
            {"version", app.options.version}};
  return http::Response::json(database ? 200 : 503, dump(body));
}

http::Response get_metrics(App& app, Context& context) {
  // A scrape on the host itself (loopback, not relayed by a proxy) or a signed-in admin; anyone
  // else learns nothing, not even that the route exists.
  const auto& request = context.request;
  const bool local =
      is_loopback_address(request.remote_address) && !request.header("X-Forwarded-For");
  if (!local) {
    const auto signed_in = app.optional_session(request);
    if (!signed_in || signed_in->user.role != core::Role::Admin)
      return error_response(404, "not_found", "no route GET /metrics");
    context.signed_in = signed_in;
  }
  // The gauges count every process's jobs: the queue is shared.
  if (auto counts = app.deps.jobs.count_jobs()) {
    app.metrics.running_jobs = counts->running;
    app.metrics.queued_jobs = counts->queued;
  } else {
    app.log_error("web.metrics_failed", counts.error().message);
  }
  return http::Response::text(200, app.metrics.render(app.events.clients()),
                              "text/plain; version=0.0.4; charset=utf-8");
}

// ---- setup -----------------------------------------------------------------------------------

http::Response get_setup(App& app, Context&) {
  return http::Response::json(200, dump(Json{{"needs_setup", app.needs_setup()}}));
}

http::Response post_setup(App& app, Context& context) {
  const auto now = app.deps.clock.now();
  const std::string address =
      "setup:" + http::connection_group(app.client_address(context.request));
  std::lock_guard lock(app.setup_mutex);  // two browsers racing: one wins, the other gets 409
  if (!app.needs_setup() || app.setup_code.empty()) {
    return error_response(409, "conflict",
                          "setup is done: sign in, or ask an administrator for an account");
  }
  if (const auto wait = app.setup_throttle.reserve(address, now)) return too_many(*wait);
  // The reservation counts as a failure until the code has been found right.
  auto credentials = new_credentials(context.body);
  if (!credentials) {
    app.setup_throttle.release(address, now);
    return invalid(credentials.error());
  }
  auto code = string_field(context.body, "setup_code", 0, 256);
  if (!code) {
    app.setup_throttle.release(address, now);
    return invalid(code.error());
  }
  if (!constant_time_equals(*code, app.setup_code)) {
    app.metrics.record_login_failure();
    return error_response(403, "forbidden",
                          "the setup code is wrong (plm serve prints it in its log at start)");
  }
  app.setup_throttle.release(address, now);
  const std::string hash = app.deps.crypto.hash_password(credentials->password);
  auto existing = app.deps.users.find_user_by_name(credentials->username);
  if (!existing) return app.fail(existing.error());
  core::AppUser user;
  if (*existing) {
    // The password-less administrator `plm` creates on a fresh install gets its password.
    user = **existing;
    if (auto set = app.deps.users.set_password_hash(user.id, hash); !set)
      return app.fail(set.error());
    user.password_hash = hash;
    if (user.role != core::Role::Admin) {
      if (auto set = app.deps.users.set_role(user.id, core::Role::Admin); !set)
        return app.fail(set.error());
      user.role = core::Role::Admin;
    }
  } else {
    auto created = app.deps.users.create_user(credentials->username, hash, core::Role::Admin);
    if (!created) return app.fail(created.error());
    user = *created;
    user.password_hash = hash;
  }
  app.setup_code.clear();
  app.sessions.forget_user(user.id);
  app.log(Json{{"event", "web.setup_done"}, {"user_id", user.id}});
  return signed_in_response(app, user, context.request, 200);
}

// ---- session ---------------------------------------------------------------------------------

http::Response get_session(App&, Context& context) {
  const auto& session = context.signed_in->session;
  Json body{{"user", user_json(context.signed_in->user)},
            {"csrf_token", session.csrf_token},
            {"expires_at", core::format_utc(session.expires_at)}};
  return http::Response::json(200, dump(body));
}

http::Response post_session(App& app, Context& context) {
  const auto now = app.deps.clock.now();
  auto username = string_field(context.body, "username", 0, 1024);
  if (!username) return invalid(username.error());
  auto password = string_field(context.body, "password", 0, kMaxPassword);
  if (!password) return invalid(password.error());
  // Only names that could exist get a throttle entry of their own (bounded keys); any attempt
  // counts against the address.
  // An IPv6 client by its /64: it can pick any address in it (http::connection_group).
  const std::string client = app.client_address(context.request);
  SignInThrottle::Attempt attempt{http::connection_group(client), ""};
  if (core::valid_username(*username)) {
    attempt.name = *username;
    for (auto& c : attempt.name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  // Reserved (counted as failed) before the slow verification and given back on success, so
  // parallel attempts cannot all pass the check before the first failure is recorded.
  const auto decision = app.sign_in_throttle.reserve(attempt, now);
  if (decision.refused) {
    app.metrics.record_login_failure();
    return too_many(*decision.refused);
  }
  auto user = app.deps.users.find_user_by_name(*username);
  if (!user) {
    app.sign_in_throttle.release(attempt, now);
    return app.fail(user.error());
  }
  // Unknown users cost a hash too, so timing does not tell which names exist.
  static const std::string kDummyHash = app.deps.crypto.hash_password("not a password of anyone");
  const bool known = *user && !(*user)->password_hash.empty();
  const bool matches =
      app.deps.crypto.verify_password(known ? (*user)->password_hash : kDummyHash, *password) &&
      known;
  if (!matches) {
    // The reservations stay: they are the failures.
    app.metrics.record_login_failure();
    app.log(Json{{"event", "web.login_failed"}, {"remote", client}});
    auto response = error_response(401, "unauthenticated", "the username or password is wrong");
    response.delay = decision.delay;
    return response;
  }
  app.sign_in_throttle.succeeded(attempt, now);
  // The browser's previous session (if it still had one) ends: one browser, one session.
  if (const auto previous = app.optional_session(context.request))
    (void)app.end_session(previous->session.id_hash);
  auto response = signed_in_response(app, **user, context.request, 200);
  // A name under attack is slow for everyone, the right password included: the answer's timing
  // tells nothing, and the user still gets in.
  response.delay = decision.delay;
  return response;
}

http::Response delete_session(App& app, Context& context) {
  if (auto ended = app.end_session(context.signed_in->session.id_hash); !ended)
    return app.fail(ended.error());
  auto response = http::Response::empty(204);
  response.set_header("Set-Cookie", app.session_cookie("", std::chrono::seconds(0)));
  return response;
}

http::Response post_password(App& app, Context& context) {
  const auto now = app.deps.clock.now();
  const auto& me = context.signed_in->user;
  const std::string key = "password:" + std::to_string(me.id);
  auto current = string_field(context.body, "current_password", 0, kMaxPassword);
  if (!current) return invalid(current.error());
  auto next = string_field(context.body, "new_password", kMinPassword, kMaxPassword);
  if (!next) return invalid(next.error());
  // Counted as a failure until the current password is found right (parallel guesses).
  if (const auto wait = app.password_throttle.reserve(key, now)) return too_many(*wait);
  auto user = app.deps.users.find_user(me.id);
  if (!user) {
    app.password_throttle.release(key, now);
    return app.fail(user.error());
  }
  if (!*user) return error_response(401, "unauthenticated", "the user no longer exists");
  if (!app.deps.crypto.verify_password((*user)->password_hash, *current)) {
    app.metrics.record_login_failure();
    return error_response(403, "forbidden", "the current password is wrong");
  }
  app.password_throttle.clear(key);
  core::AppUser updated = **user;
  updated.password_hash = app.deps.crypto.hash_password(*next);
  if (auto set = app.deps.users.set_password_hash(me.id, updated.password_hash); !set)
    return app.fail(set.error());
  // Whoever knew the old password, or copied this browser's cookie, is signed out everywhere;
  // this browser continues in a new session (new cookie and CSRF token).
  if (auto ended = app.end_sessions_of(me.id, std::string()); !ended)
    return app.fail(ended.error());
  const auto user_agent = context.request.header("User-Agent");
  auto created = app.sessions.create(updated, std::string(user_agent.value_or("")),
                                     app.client_address(context.request));
  if (!created) {
    if (created.error().code == core::ErrorCode::Conflict)
      return error_response(401, "unauthenticated", created.error().message);
    return app.fail(created.error());
  }
  auto response = http::Response::empty(204);
  response.set_header("Set-Cookie", app.session_cookie(created->token, app.options.session_ttl));
  response.set_header("X-CSRF-Token", created->signed_in.session.csrf_token);
  return response;
}

// ---- users (admin) ---------------------------------------------------------------------------

http::Response list_users(App& app, Context&) {
  auto users = app.deps.users.list_users();
  if (!users) return app.fail(users.error());
  Json list = Json::array();
  for (const auto& user : *users) list.push_back(user_json(user));
  return http::Response::json(200, dump(Json{{"users", list}}));
}

http::Response create_user(App& app, Context& context) {
  auto credentials = new_credentials(context.body);
  if (!credentials) return invalid(credentials.error());
  auto role = role_field(context.body, "role");
  if (!role) return invalid(role.error());
  auto created = app.deps.users.create_user(
      credentials->username, app.deps.crypto.hash_password(credentials->password), *role);
  if (!created) {
    if (created.error().code == core::ErrorCode::Conflict)
      return error_response(409, "conflict", "the username " + credentials->username + " is taken");
    return app.fail(created.error());
  }
  app.log(Json{{"event", "web.user_created"}, {"user_id", created->id}, {"by", context.user_id()}});
  return http::Response::json(201, dump(user_json(*created)));
}

namespace {

/// How many users with a password are admins (a password-less one cannot sign in).
core::Result<int> count_admins(core::UserStore& users) {
  auto all = users.list_users();
  if (!all) return all.error();
  int admins = 0;
  for (const auto& user : *all)
    admins += user.role == core::Role::Admin && !user.password_hash.empty() ? 1 : 0;
  return admins;
}

bool usable_admin(const core::AppUser& user) {
  return user.role == core::Role::Admin && !user.password_hash.empty();
}

/// The user a route's {user_id} names; NotFound (404) for ids that are malformed or unknown.
core::Result<core::AppUser> existing_user(core::UserStore& users, const std::string& id_text) {
  const auto id = parse_id(id_text);
  const auto not_found =
      core::make_error(core::ErrorCode::NotFound, "user " + id_text.substr(0, 40) + " not found");
  if (!id) return not_found;
  auto found = users.find_user(*id);
  if (!found) return found.error();
  if (!*found) return not_found;
  return **found;
}

}  // namespace

http::Response patch_user(App& app, Context& context) {
  if (auto target = existing_user(app.deps.users, context.param("user_id")); !target)
    return app.fail(target.error());
  std::optional<core::Role> role;
  std::optional<std::string> password;
  if (context.body.contains("role")) {
    auto parsed = role_field(context.body, "role");
    if (!parsed) return invalid(parsed.error());
    role = *parsed;
  }
  if (context.body.contains("password")) {
    auto parsed = string_field(context.body, "password", kMinPassword, kMaxPassword);
    if (!parsed) return invalid(parsed.error());
    password = *parsed;
  }
  if (!role && !password)
    return error_response(400, "invalid_input", "give 'role', 'password' or both");
  const std::string new_hash = password ? app.deps.crypto.hash_password(*password) : std::string();
  // Check and change in one step: two admins demoting each other cannot both pass the check.
  app.hook("users.before_lock");
  std::lock_guard users_lock(app.users_mutex);
  auto target = existing_user(app.deps.users, context.param("user_id"));
  if (!target) return app.fail(target.error());
  core::AppUser user = *target;
  const bool self = user.id == context.user_id();
  if (role && *role != user.role) {
    if (self) {
      return error_response(409, "conflict",
                            "administrators cannot change their own role; ask another admin");
    }
    if (usable_admin(user)) {
      auto admins = count_admins(app.deps.users);
      if (!admins) return app.fail(admins.error());
      if (*admins <= 1) return error_response(409, "conflict", "the last admin cannot be demoted");
    }
    app.hook("users.checked");
    if (auto set = app.deps.users.set_role(user.id, *role); !set) return app.fail(set.error());
    user.role = *role;
    app.sessions.forget_user(user.id);
  }
  if (password) {
    if (auto set = app.deps.users.set_password_hash(user.id, new_hash); !set)
      return app.fail(set.error());
    // A reset password ends that user's sessions and event streams (but not the admin's own
    // current one).
    if (auto ended =
            app.end_sessions_of(user.id, self ? context.signed_in->session.id_hash : std::string());
        !ended)
      return app.fail(ended.error());
  }
  app.log(Json{{"event", "web.user_updated"}, {"user_id", user.id}, {"by", context.user_id()}});
  return http::Response::json(200, dump(user_json(user)));
}

http::Response delete_user(App& app, Context& context) {
  auto first_look = existing_user(app.deps.users, context.param("user_id"));
  if (!first_look) return app.fail(first_look.error());
  if (first_look->id == context.user_id())
    return error_response(409, "conflict", "administrators cannot delete themselves");
  app.hook("users.before_lock");
  std::lock_guard users_lock(app.users_mutex);
  auto target = existing_user(app.deps.users, context.param("user_id"));
  if (!target) return app.fail(target.error());
  if (usable_admin(*target)) {
    auto admins = count_admins(app.deps.users);
    if (!admins) return app.fail(admins.error());
    if (*admins <= 1) return error_response(409, "conflict", "the last admin cannot be deleted");
  }
  app.hook("users.checked");
  if (auto deleted = app.deps.users.delete_user(target->id); !deleted)
    return app.fail(deleted.error());
  app.sessions.forget_user(target->id);
  app.events.close_user(target->id);
  app.responses.erase_user(target->id);
  app.log(Json{{"event", "web.user_deleted"}, {"user_id", target->id}, {"by", context.user_id()}});
  return http::Response::empty(204);
}

}  // namespace plm::web
