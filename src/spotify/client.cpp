#include "spotify/client.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/write/playlist_edits.hpp"
#include "http/message.hpp"

namespace plm::spotify {

namespace {

using core::ErrorCode;
using Json = nlohmann::json;

std::string encode(const std::string& id) { return plm::http::percent_encode(id); }

std::string paging(std::int64_t offset, int limit) {
  return "limit=" + std::to_string(limit) + "&offset=" + std::to_string(offset);
}

/// `page.next_offset` counted from the offset we asked for (the one in the body may be missing).
template <typename T>
core::Page<T> rebase(core::Page<T> page, std::int64_t requested_offset) {
  const std::int64_t sent = std::max<std::int64_t>(0, page.next_offset - page.offset);
  page.next_offset = requested_offset + sent;
  return page;
}

core::Status check_page(std::int64_t offset, int limit, int max_limit) {
  if (offset < 0) {
    return core::make_error(ErrorCode::InvalidInput,
                            "offset must not be negative, got " + std::to_string(offset));
  }
  if (limit < 1 || limit > max_limit) {
    return core::make_error(
        ErrorCode::InvalidInput,
        "limit must be 1-" + std::to_string(max_limit) + ", got " + std::to_string(limit));
  }
  return core::ok();
}

}  // namespace

void ThreadSleeper::sleep_for(Millis duration) { std::this_thread::sleep_for(duration); }

AuthorizationSettings authorization_settings(const ClientConfig& config) {
  return AuthorizationSettings{.oauth = {.accounts_base_url = config.accounts_base_url,
                                         .client_id = config.client_id,
                                         .client_secret = config.client_secret,
                                         .connect_timeout = config.connect_timeout,
                                         .total_timeout = config.total_timeout},
                               .refresh_margin = config.refresh_margin};
}

ClientCredentialsSettings client_credentials_settings(const ClientConfig& config) {
  const AuthorizationSettings settings = authorization_settings(config);
  return ClientCredentialsSettings{.oauth = settings.oauth,
                                   .renew_margin = settings.refresh_margin};
}

Client::Client(ClientConfig config, std::shared_ptr<TokenSource> authorization,
               HttpTransport& transport, std::shared_ptr<CallBudget> budget,
               const core::Clock& clock, Sleeper& sleeper)
    : config_(std::move(config)),
      authorization_(std::move(authorization)),
      transport_(transport),
      budget_(std::move(budget)),
      clock_(clock),
      sleeper_(sleeper),
      jitter_engine_(config_.jitter_seed != 0 ? config_.jitter_seed : std::random_device{}()) {
  while (config_.api_base_url.ends_with('/')) config_.api_base_url.pop_back();
  if (!budget_)
    budget_ = std::make_shared<SharedRateLimiter>(config_.rate_limit, config_.steady_now);
}

Client::Client(ClientConfig config, core::AccountTokens tokens, HttpTransport& transport,
               std::shared_ptr<CallBudget> budget, const core::Clock& clock, Sleeper& sleeper,
               AccountHooks hooks)
    : Client(config,
             std::make_shared<AccountAuthorization>(authorization_settings(config),
                                                    std::move(tokens), transport, clock,
                                                    std::move(hooks), config.start_needs_reauth),
             transport, std::move(budget), clock, sleeper) {}

// ---- the call loop -------------------------------------------------------------------------

Client::Outcome Client::execute(const Call& call) {
  const RetrySettings& retry = config_.retry;
  int transient_retries = 0;
  int rate_limit_retries = 0;
  Millis rate_limit_waited{0};
  bool refreshed_after_401 = false;
  std::string rejected_token;
  const std::string what = call.method + " " + call.path.substr(0, call.path.find('?'));

  while (true) {
    auto token = authorization_->access_token(rejected_token);
    if (!token) return {token.error()};
    rejected_token.clear();
    const auto admitted = pace();
    if (!admitted) return {admitted.error()};

    HttpRequest request;
    request.method = call.method;
    request.url = config_.api_base_url + call.path;
    request.headers = {{"Authorization", "Bearer " + *token}, {"Accept", "application/json"}};
    if (!call.body.empty()) {
      request.headers.emplace_back("Content-Type", call.content_type);
      request.body = call.body;
    }
    request.connect_timeout = config_.connect_timeout;
    request.total_timeout = config_.total_timeout;
    ++calls_;
    auto response = transport_.send(request);
    // The call counts against the window from now on, when the server has surely counted it.
    budget_->record_answer(*admitted);
    const auto now = clock_.now();

    if (!response) {
      // A timeout or reset after sending may hide an applied write.
      if (call.idempotency == Idempotency::Unsafe) return {response.error(), true};
      // Only a network failure is worth repeating: an answer too large to accept stays so.
      if (response.error().code != ErrorCode::Unavailable) return {response.error()};
      if (transient_retries >= retry.max_retries) {
        return {core::make_error(ErrorCode::Unavailable,
                                 what + " failed after " + std::to_string(transient_retries) +
                                     " retries: " + response.error().message)};
      }
      wait(backoff_delay(retry.base_backoff, retry.max_backoff, transient_retries++, jitter()));
      ++retries_;
      continue;
    }
    const int status = response->status;
    if (status >= 200 && status < 300) return {std::move(response)};

    if (status == 401 && !refreshed_after_401) {
      // §7.10: "The access token expired" mid-batch: refresh once and repeat.
      refreshed_after_401 = true;
      rejected_token = *token;
      ++retries_;
      continue;
    }
    if (status == 429) {
      ++rate_limited_;
      const ApiError error = parse_api_error(status, response->body);
      const auto decision = decide_rate_limit(
          retry, parse_retry_after(response->header("retry-after")),
          error.reason == "QUOTA_EXCEEDED", rate_limit_retries, rate_limit_waited, jitter());
      using Kind = RateLimitDecision::Kind;
      if (decision.kind == Kind::QuotaExceeded) {
        // The quota is per app too: every account of this client ID fails fast until then.
        budget_->pause_for_quota(decision.wait);
        auto failure =
            core::make_error(ErrorCode::QuotaExceeded,
                             what + ": development-mode quota exceeded (" + error.message + ")");
        failure.retry_at = now + decision.wait;
        return {std::move(failure)};
      }
      // Every account of this client ID stops until then: calling while limited only lengthens
      // the penalty (§3.3).
      budget_->pause_for(decision.wait);
      if (decision.kind == Kind::RateLimited) {
        auto failure = core::make_error(ErrorCode::RateLimited,
                                        what + ": rate limited for " +
                                            std::to_string(decision.wait.count() / 1000) + " s (" +
                                            error.message + ")");
        failure.retry_at = now + decision.wait;
        return {std::move(failure)};
      }
      ++rate_limit_retries;
      rate_limit_waited += decision.wait;
      wait(decision.wait);
      continue;
    }
    if (is_transient_status(status)) {
      if (call.idempotency == Idempotency::Unsafe) return {error_for(*response), true};
      if (transient_retries >= retry.max_retries) return {error_for(*response)};
      wait(backoff_delay(retry.base_backoff, retry.max_backoff, transient_retries++, jitter()));
      ++retries_;
      continue;
    }
    return {error_for(*response)};
  }
}

core::Error Client::error_for(const HttpResponse& response) const {
  const ApiError error = parse_api_error(response.status, response.body);
  const std::string message =
      "spotify answered " + std::to_string(response.status) + ": " + error.message;
  switch (response.status) {
    case 400:
    case 413:
      return core::make_error(ErrorCode::InvalidInput, message);
    case 401:  // still refused right after a refresh: transient on Spotify's side, or a bug
      return core::make_error(ErrorCode::Unavailable, message);
    case 403:
      return core::make_error(ErrorCode::Forbidden, message);
    case 404:
      return core::make_error(ErrorCode::NotFound, message);
    case 409:
    case 412:
      return core::make_error(ErrorCode::Conflict, message);
    default:
      if (response.status >= 500) return core::make_error(ErrorCode::Unavailable, message);
      return core::make_error(ErrorCode::BadResponse, message);
  }
}

core::Result<std::int64_t> Client::pace() {
  while (true) {
    const auto admission = budget_->try_acquire();
    if (!admission) return admission.error();
    if (admission->admitted()) return admission->ticket;
    const Millis delay = admission->wait;
    const auto now = clock_.now();
    if (admission->quota_wait.count() > 0) {
      // Another account of this client ID ran into the quota: do not call until it resets.
      auto failure = core::make_error(
          ErrorCode::QuotaExceeded,
          "spotify client " + config_.client_id + " is over its development-mode quota for " +
              std::to_string(admission->quota_wait.count() / 1000) + " s");
      failure.retry_at = now + admission->quota_wait;
      return failure;
    }
    if (delay > config_.retry.max_wait) {
      // A pause set by a long Retry-After: never sleep it in a request thread (§3.5).
      auto failure = core::make_error(ErrorCode::RateLimited,
                                      "spotify client " + config_.client_id + " is paused for " +
                                          std::to_string(delay.count() / 1000) + " s");
      failure.retry_at = now + delay;
      return failure;
    }
    ++paced_waits_;
    wait(delay);
  }
}

void Client::wait(Millis duration) {
  if (duration.count() <= 0) return;
  waited_ms_ += duration.count();
  sleeper_.sleep_for(duration);
}

double Client::jitter() {
  std::lock_guard lock(jitter_mutex_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(jitter_engine_);
}

core::ApiCounters Client::counters() const {
  return core::ApiCounters{.calls = calls_.load(),
                           .retries = retries_.load(),
                           .rate_limited = rate_limited_.load(),
                           .paced_waits = paced_waits_.load(),
                           .waited_ms = waited_ms_.load()};
}

// ---- reads ---------------------------------------------------------------------------------

core::Result<core::SpotifyProfile> Client::current_user() {
  auto response = execute({"GET", "/me"}).response;
  if (!response) return response.error();
  return parse_profile(response->body);
}

core::Result<core::Page<core::PlaylistSummary>> Client::my_playlists(std::int64_t offset,
                                                                     int limit) {
  if (auto valid = check_page(offset, limit, kMaxPlaylistsPage); !valid) return valid.error();
  auto response = execute({"GET", "/me/playlists?" + paging(offset, limit)}).response;
  if (!response) return response.error();
  auto page = parse_playlist_page(response->body);
  if (!page) return page.error();
  return rebase(std::move(*page), offset);
}

core::Result<core::Page<core::PlaylistItem>> Client::playlist_items(const std::string& playlist_id,
                                                                    std::int64_t offset,
                                                                    int limit) {
  if (auto valid = check_page(offset, limit, kMaxItemsPage); !valid) return valid.error();
  // No `market`: without it Spotify does not relink, so the URIs are the ones stored (§5.5).
  auto response =
      execute({"GET", "/playlists/" + encode(playlist_id) + "/items?" + paging(offset, limit)})
          .response;
  if (!response) return response.error();
  auto page = parse_item_page(response->body);
  if (!page) return page.error();
  return rebase(std::move(*page), offset);
}

core::Result<core::PlaylistSummary> Client::playlist(const std::string& playlist_id) {
  // Metadata only (§2.5): without `fields` the answer would carry the first page of items.
  static const std::string kFields = plm::http::percent_encode(
      "id,name,description,public,collaborative,owner(id,display_name),snapshot_id,images,"
      "items(total),tracks(total)");
  auto response =
      execute({"GET", "/playlists/" + encode(playlist_id) + "?fields=" + kFields}).response;
  if (!response) return response.error();
  return parse_playlist(response->body);
}

core::Result<core::TrackInfo> Client::track(const std::string& track_id) {
  auto response = execute({"GET", "/tracks/" + encode(track_id)}).response;
  if (!response) return response.error();
  return parse_track(response->body);
}

core::Result<core::Page<core::TrackInfo>> Client::search_tracks(const std::string& query,
                                                                std::int64_t offset, int limit) {
  if (auto valid = check_page(offset, limit, kMaxSearchPage); !valid) return valid.error();
  auto response =
      execute({"GET", "/search?" + plm::http::build_query({{"q", query},
                                                           {"type", "track"},
                                                           {"limit", std::to_string(limit)},
                                                           {"offset", std::to_string(offset)}})})
          .response;
  if (!response) return response.error();
  auto page = parse_track_search(response->body);
  if (!page) return page.error();
  return rebase(std::move(*page), offset);
}

core::Result<core::PlaylistVersion> Client::playlist_version(const std::string& playlist_id) {
  static const std::string kFields =
      plm::http::percent_encode("snapshot_id,items(total),tracks(total)");
  auto response =
      execute({"GET", "/playlists/" + encode(playlist_id) + "?fields=" + kFields}).response;
  if (!response) return response.error();
  return parse_playlist_version(response->body);
}

// ---- writes --------------------------------------------------------------------------------

namespace {

core::WriteOutcome refused(const core::Status& status) {
  return core::WriteOutcome::not_applied(status.error());
}

/// The outcome of a write that did not get a 2xx.
core::WriteOutcome failed(core::WriteStatus status, core::Error error) {
  return status == core::WriteStatus::Unknown ? core::WriteOutcome::unknown(std::move(error))
                                              : core::WriteOutcome::not_applied(std::move(error));
}

}  // namespace

Client::SentWrite Client::send_write(Call call, Repeat repeat) {
  // execute never repeats an unsafe call once it may have reached Spotify; idempotent writes are
  // repeated here instead, so that we know whether any attempt may have been applied.
  call.idempotency = Idempotency::Unsafe;
  const std::string what = call.method + " " + call.path.substr(0, call.path.find('?'));
  bool may_have_applied = false;
  for (int attempt = 0;; ++attempt) {
    auto outcome = execute(call);
    if (outcome.response) {
      return {core::WriteStatus::Applied, std::move(*outcome.response), std::nullopt};
    }
    may_have_applied = may_have_applied || outcome.maybe_applied;
    if (outcome.maybe_applied && repeat == Repeat::AfterServerErrors &&
        attempt < config_.retry.max_retries) {
      wait(backoff_delay(config_.retry.base_backoff, config_.retry.max_backoff, attempt, jitter()));
      ++retries_;
      continue;
    }
    auto error = outcome.response.error();
    error.message = what + ": " + error.message;
    if (!may_have_applied) return {core::WriteStatus::NotApplied, {}, std::move(error)};
    error.message += " (it may have been applied)";
    return {core::WriteStatus::Unknown, {}, std::move(error)};
  }
}

/// Adds, removes, reorders and replaces answer with the new snapshot.
core::WriteOutcome Client::snapshot_write(Call call, Repeat repeat) {
  auto sent = send_write(std::move(call), repeat);
  if (sent.status != core::WriteStatus::Applied) return failed(sent.status, *sent.error);
  auto snapshot = parse_snapshot(sent.response.body);
  if (!snapshot) {
    auto applied = core::WriteOutcome::applied();
    applied.error = snapshot.error();  // done, but its snapshot is unknown
    return applied;
  }
  return core::WriteOutcome::applied(std::move(*snapshot));
}

/// Details, covers and unfollows answer without a body (§2.8, §2.12).
core::WriteOutcome Client::bodiless_write(Call call) {
  auto sent = send_write(std::move(call), Repeat::AfterServerErrors);
  if (sent.status != core::WriteStatus::Applied) return failed(sent.status, *sent.error);
  return core::WriteOutcome::applied();
}

core::CreateOutcome Client::create_playlist(const core::NewPlaylist& playlist) {
  // §2.7: always send `public` explicitly; an empty description is refused, so leave it out.
  Json body{{"name", playlist.name},
            {"public", playlist.is_public},
            {"collaborative", playlist.collaborative}};
  if (!playlist.description.empty()) body["description"] = playlist.description;
  auto sent = send_write({"POST", "/me/playlists", body.dump()}, Repeat::Never);
  if (sent.status != core::WriteStatus::Applied) {
    return {failed(sent.status, *sent.error), std::nullopt};
  }
  auto created = parse_playlist(sent.response.body);
  if (!created) {
    auto applied = core::WriteOutcome::applied();
    applied.error = created.error();
    return {std::move(applied), std::nullopt};
  }
  return {core::WriteOutcome::applied(created->snapshot_id), std::move(*created)};
}

core::WriteOutcome Client::change_details(const std::string& playlist_id,
                                          const core::PlaylistDetailsChange& change) {
  if (auto valid = core::check_details_change(change); !valid) return refused(valid);
  // Only what changes is sent: a description of "" would be refused (§2.8, §4.3), so it is sent
  // only when the caller asks for it, and then Spotify says no.
  Json body = Json::object();
  if (change.name) body["name"] = *change.name;
  if (change.description) body["description"] = *change.description;
  if (change.is_public) body["public"] = *change.is_public;
  if (change.collaborative) body["collaborative"] = *change.collaborative;
  return bodiless_write({"PUT", "/playlists/" + encode(playlist_id), body.dump()});
}

core::WriteOutcome Client::upload_cover(const std::string& playlist_id, const std::string& jpeg) {
  if (auto valid = core::check_cover(jpeg); !valid) return refused(valid);
  // §2.12: the base64 text itself, no data: prefix, no trailing newline.
  return bodiless_write({.method = "PUT",
                         .path = "/playlists/" + encode(playlist_id) + "/images",
                         .body = plm::http::base64_encode(jpeg),
                         .content_type = "image/jpeg"});
}

core::WriteOutcome Client::add_items(const std::string& playlist_id,
                                     const std::vector<std::string>& uris,
                                     std::optional<std::int64_t> position) {
  if (auto valid = core::check_add_request(uris, position); !valid) return refused(valid);
  Json body{{"uris", uris}};
  if (position) body["position"] = *position;
  return snapshot_write({"POST", "/playlists/" + encode(playlist_id) + "/items", body.dump()},
                        Repeat::Never);
}

core::WriteOutcome Client::remove_items(const std::string& playlist_id,
                                        const std::vector<std::string>& uris) {
  if (auto valid = core::check_uri_count(uris, "removed"); !valid) return refused(valid);
  // §2.11: key `items`, no `positions` (ignored since 2024), no snapshot_id (it caused 502s).
  Json items = Json::array();
  for (const auto& uri : uris) items.push_back(Json{{"uri", uri}});
  return snapshot_write(
      {"DELETE", "/playlists/" + encode(playlist_id) + "/items", Json{{"items", items}}.dump()},
      Repeat::AfterServerErrors);
}

core::WriteOutcome Client::reorder_items(const std::string& playlist_id, std::int64_t range_start,
                                         std::int64_t insert_before, std::int64_t range_length) {
  if (auto valid = core::check_reorder_request(range_start, insert_before, range_length); !valid) {
    return refused(valid);
  }
  const Json body{{"range_start", range_start},
                  {"insert_before", insert_before},
                  {"range_length", range_length}};
  // Not idempotent: an applied reorder sent again moves a different range.
  return snapshot_write({"PUT", "/playlists/" + encode(playlist_id) + "/items", body.dump()},
                        Repeat::Never);
}

core::WriteOutcome Client::replace_items(const std::string& playlist_id,
                                         const std::vector<std::string>& uris) {
  if (auto valid = core::check_uri_count(uris, "added", /*allow_empty=*/true); !valid) {
    return refused(valid);
  }
  // §2.10: an empty list clears the playlist.
  return snapshot_write(
      {"PUT", "/playlists/" + encode(playlist_id) + "/items", Json{{"uris", uris}}.dump()},
      Repeat::AfterServerErrors);
}

core::WriteOutcome Client::unfollow_playlist(const std::string& playlist_id) {
  // §2.2: DELETE /me/library replaces the followers endpoint removed for development mode.
  return bodiless_write({"DELETE", "/me/library?uris=" + plm::http::percent_encode(
                                                             "spotify:playlist:" + playlist_id)});
}

}  // namespace plm::spotify
