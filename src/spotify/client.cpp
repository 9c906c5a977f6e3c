#include "spotify/client.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <thread>

#include "http/message.hpp"

namespace plm::spotify {

namespace {

using core::ErrorCode;
using Json = nlohmann::json;

constexpr std::size_t kChunk = core::SpotifyApi::kMaxItemsPerWrite;

std::string encode(const std::string& id) { return plm::http::percent_encode(id); }

std::string paging(std::int64_t offset, int limit) {
  return "limit=" + std::to_string(limit) + "&offset=" + std::to_string(offset);
}

template <typename T>
std::vector<std::vector<T>> chunks_of(const std::vector<T>& values, std::size_t size) {
  std::vector<std::vector<T>> chunks;
  for (std::size_t start = 0; start < values.size(); start += size) {
    const auto end = std::min(values.size(), start + size);
    chunks.emplace_back(values.begin() + static_cast<std::ptrdiff_t>(start),
                        values.begin() + static_cast<std::ptrdiff_t>(end));
  }
  return chunks;
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

Client::Client(ClientConfig config, std::shared_ptr<AccountAuthorization> authorization,
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
      request.headers.emplace_back("Content-Type", "application/json");
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

core::Result<PlaylistState> Client::read_state(const std::string& playlist_id) {
  auto response =
      execute({"GET", "/playlists/" + encode(playlist_id) + "?fields=" +
                          plm::http::percent_encode("snapshot_id,items(total),tracks(total)")})
          .response;
  if (!response) return response.error();
  return parse_playlist_state(response->body);
}

// ---- writes --------------------------------------------------------------------------------

core::Result<std::string> Client::add_items(const std::string& playlist_id,
                                            const std::vector<std::string>& uris,
                                            std::optional<std::int64_t> position) {
  if (position && *position < 0) {
    return core::make_error(ErrorCode::InvalidInput,
                            "position must not be negative, got " + std::to_string(*position));
  }
  // The length before we start is what tells, after an ambiguous failure, whether a chunk landed.
  auto state = read_state(playlist_id);
  if (!state) return state.error();
  if (uris.empty()) return state->snapshot_id;
  std::int64_t expected_total = state->total;
  std::string snapshot;
  std::size_t done = 0;
  for (const auto& chunk : chunks_of(uris, kChunk)) {
    // Chunks go in order; with a position each lands right after the previous one.
    std::optional<std::int64_t> chunk_position;
    if (position) chunk_position = *position + static_cast<std::int64_t>(done);
    auto added = add_chunk(playlist_id, chunk, chunk_position, expected_total);
    if (!added) {
      auto error = added.error();
      if (done > 0) error.message += " (after " + std::to_string(done) + " items were added)";
      return error;
    }
    snapshot = std::move(*added);
    done += chunk.size();
  }
  return snapshot;
}

core::Result<std::string> Client::add_chunk(const std::string& playlist_id,
                                            const std::vector<std::string>& uris,
                                            std::optional<std::int64_t> position,
                                            std::int64_t& expected_total) {
  Json body{{"uris", uris}};
  if (position) body["position"] = *position;
  const Call call{"POST", "/playlists/" + encode(playlist_id) + "/items", body.dump(),
                  Idempotency::Unsafe};
  auto outcome = execute(call);
  for (int attempt = 0;; ++attempt) {
    if (outcome.response) {
      expected_total += static_cast<std::int64_t>(uris.size());
      return parse_snapshot(outcome.response->body);
    }
    if (!outcome.maybe_applied) return outcome.response.error();
    // A 5xx or timeout may hide an applied add (emulator fault apply_then_502): look before
    // repeating, so no track is ever added twice (spotify-api.md §3.5, §7.12) — and also before
    // giving up, so a chunk that landed is reported as added, not as failed.
    wait(backoff_delay(config_.retry.base_backoff, config_.retry.max_backoff, attempt, jitter()));
    auto applied = chunk_is_applied(playlist_id, uris, position, expected_total);
    if (!applied) {
      auto error = applied.error();
      error.message = "adding " + std::to_string(uris.size()) + " items to playlist " +
                      playlist_id + " failed (" + outcome.response.error().message +
                      ") and may have been applied; checking failed: " + error.message;
      return error;
    }
    if (*applied) {
      expected_total += static_cast<std::int64_t>(uris.size());
      return std::move(**applied);
    }
    // Not applied: safe to repeat, or to report as not added.
    if (attempt >= config_.retry.max_retries) return outcome.response.error();
    ++retries_;
    outcome = execute(call);
  }
}

core::Result<std::optional<std::string>> Client::chunk_is_applied(
    const std::string& playlist_id, const std::vector<std::string>& uris,
    std::optional<std::int64_t> position, std::int64_t total_before) {
  auto state = read_state(playlist_id);
  if (!state) return state.error();
  const auto count = static_cast<std::int64_t>(uris.size());
  if (state->total == total_before) return std::optional<std::string>();
  if (state->total == total_before + count) {
    // Check that the slice where the chunk would be holds exactly its URIs.
    const std::int64_t start = position.value_or(total_before);
    std::vector<std::string> found;
    for (std::int64_t offset = start; offset < start + count; offset += kMaxItemsPage) {
      const int limit =
          static_cast<int>(std::min<std::int64_t>(kMaxItemsPage, start + count - offset));
      auto page = playlist_items(playlist_id, offset, limit);
      if (!page) return page.error();
      for (const auto& item : page->items) found.push_back(item.uri);
    }
    if (found == uris) return std::optional<std::string>(state->snapshot_id);
  }
  return core::make_error(ErrorCode::Conflict, "playlist " + playlist_id +
                                                   " changed while adding items: expected " +
                                                   std::to_string(total_before) + " or " +
                                                   std::to_string(total_before + count) +
                                                   " items, found " + std::to_string(state->total));
}

core::Result<std::string> Client::remove_items(const std::string& playlist_id,
                                               const std::vector<std::string>& uris) {
  if (uris.empty()) {
    auto state = read_state(playlist_id);
    if (!state) return state.error();
    return state->snapshot_id;
  }
  std::string snapshot;
  for (const auto& chunk : chunks_of(uris, kChunk)) {
    // §2.11: key `items`, no `positions` (ignored since 2024), no snapshot_id (it caused 502s).
    Json items = Json::array();
    for (const auto& uri : chunk) items.push_back(Json{{"uri", uri}});
    auto response = execute({"DELETE", "/playlists/" + encode(playlist_id) + "/items",
                             Json{{"items", items}}.dump(), Idempotency::Safe})
                        .response;
    if (!response) return response.error();
    auto parsed = parse_snapshot(response->body);
    if (!parsed) return parsed.error();
    snapshot = std::move(*parsed);
  }
  return snapshot;
}

core::Result<std::string> Client::reorder_items(const std::string& playlist_id,
                                                std::int64_t range_start,
                                                std::int64_t insert_before,
                                                std::int64_t range_length) {
  if (range_start < 0 || insert_before < 0 || range_length < 1) {
    return core::make_error(ErrorCode::InvalidInput,
                            "reorder needs range_start >= 0, insert_before >= 0 and "
                            "range_length >= 1");
  }
  const Json body{{"range_start", range_start},
                  {"insert_before", insert_before},
                  {"range_length", range_length}};
  // Not idempotent: repeating an applied reorder moves a different range. The snapshot before the
  // call tells, after an ambiguous failure, whether it was applied.
  auto before = read_state(playlist_id);
  if (!before) return before.error();
  const Call call{"PUT", "/playlists/" + encode(playlist_id) + "/items", body.dump(),
                  Idempotency::Unsafe};
  auto outcome = execute(call);
  for (int attempt = 0;; ++attempt) {
    if (outcome.response) return parse_snapshot(outcome.response->body);
    if (!outcome.maybe_applied) return outcome.response.error();
    wait(backoff_delay(config_.retry.base_backoff, config_.retry.max_backoff, attempt, jitter()));
    auto after = read_state(playlist_id);
    if (!after) {
      auto error = after.error();
      error.message = "reordering playlist " + playlist_id + " failed (" +
                      outcome.response.error().message +
                      ") and may have been applied; checking failed: " + error.message;
      return error;
    }
    if (after->snapshot_id != before->snapshot_id) {
      // Ours or someone else's change: either way repeating could move the wrong range.
      return core::make_error(ErrorCode::Conflict,
                              "reordering playlist " + playlist_id + " failed (" +
                                  outcome.response.error().message +
                                  "), but the playlist changed: the reorder may have been "
                                  "applied; re-read the playlist");
    }
    if (attempt >= config_.retry.max_retries) return outcome.response.error();
    ++retries_;
    outcome = execute(call);
  }
}

core::Result<std::string> Client::replace_items(const std::string& playlist_id,
                                                const std::vector<std::string>& uris) {
  // §2.10: PUT the first 100 (an empty list clears the playlist), then POST the rest.
  const std::vector<std::string> first(
      uris.begin(), uris.begin() + static_cast<std::ptrdiff_t>(std::min(uris.size(), kChunk)));
  auto response = execute({"PUT", "/playlists/" + encode(playlist_id) + "/items",
                           Json{{"uris", first}}.dump(), Idempotency::Safe})
                      .response;
  if (!response) return response.error();
  auto snapshot = parse_snapshot(response->body);
  if (!snapshot) return snapshot.error();
  std::int64_t expected_total = static_cast<std::int64_t>(first.size());
  const std::vector<std::string> rest(uris.begin() + static_cast<std::ptrdiff_t>(first.size()),
                                      uris.end());
  std::size_t done = first.size();
  for (const auto& chunk : chunks_of(rest, kChunk)) {
    auto added = add_chunk(playlist_id, chunk, std::nullopt, expected_total);
    if (!added) {
      auto error = added.error();
      error.message += " (replace stopped after " + std::to_string(done) + " items)";
      return error;
    }
    snapshot = std::move(*added);
    done += chunk.size();
  }
  return snapshot;
}

core::Result<core::PlaylistSummary> Client::create_playlist(const std::string& name,
                                                            const std::string& description,
                                                            bool is_public, bool collaborative) {
  // §2.7: always send `public` explicitly; an empty description is refused, so leave it out.
  Json body{{"name", name}, {"public", is_public}, {"collaborative", collaborative}};
  if (!description.empty()) body["description"] = description;
  auto outcome = execute({"POST", "/me/playlists", body.dump(), Idempotency::Unsafe});
  if (!outcome.response) {
    auto error = outcome.response.error();
    if (outcome.maybe_applied) error.message += " (the playlist may have been created)";
    return error;
  }
  return parse_playlist(outcome.response->body);
}

}  // namespace plm::spotify
