#include "app/services.hpp"

#include <sys/stat.h>

#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <stdexcept>

#include "security/token_cipher.hpp"
#include "spotify/client.hpp"
#include "spotify/oauth.hpp"
#include "spotify/transport.hpp"
#include "sql/rate_ledger.hpp"
#include "sql/store.hpp"

namespace plm::app {

namespace fs = std::filesystem;

namespace {

/// Sleeps like ThreadSleeper until interrupt() is called; from then on every wait (the current
/// ones included) throws, so a sync paced over minutes stops at once on shutdown.
class InterruptibleSleeper final : public spotify::Sleeper {
 public:
  void sleep_for(spotify::Millis duration) override {
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, duration, [&] { return interrupted_; }))
      throw std::runtime_error("the Spotify call was interrupted: the server is stopping");
  }
  void interrupt() {
    {
      std::lock_guard lock(mutex_);
      interrupted_ = true;
    }
    wake_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool interrupted_ = false;
};

/// The client ID's budget in the database (core::RateLedger), as the Spotify client paces.
class LedgerBudget final : public spotify::CallBudget {
 public:
  LedgerBudget(core::RateLedger& ledger, std::string client_id, core::RateBudget budget)
      : ledger_(ledger), client_id_(std::move(client_id)), budget_(budget) {}

  core::Result<core::RateAdmission> try_acquire() override {
    return ledger_.try_admit(client_id_, budget_);
  }
  // The call is made by then; if the database fails here (it answered the admission a moment
  // ago), the call counts from its send time or no pause is shared: at worst a call goes a little
  // early, and the next admission meets the same database and fails.
  void record_answer(std::int64_t ticket) override {
    (void)ledger_.record_answer(client_id_, ticket);
  }
  void pause_for(spotify::Millis duration) override {
    (void)ledger_.pause(client_id_, core::RatePause::RateLimited, duration);
  }
  void pause_for_quota(spotify::Millis duration) override {
    (void)ledger_.pause(client_id_, core::RatePause::QuotaExceeded, duration);
  }

 private:
  core::RateLedger& ledger_;
  std::string client_id_;
  core::RateBudget budget_;
};

}  // namespace

struct Services::Impl {
  Config config;
  SystemClock system_clock;
  const core::Clock* clock = &system_clock;
  std::unique_ptr<security::TokenCipher> cipher;
  std::unique_ptr<sql::Store> store;
  std::unique_ptr<core::RateLedger> ledger;
  spotify::CurlTransport transport;
  InterruptibleSleeper own_sleeper;
  spotify::Sleeper* sleeper = &own_sleeper;
  std::mutex authorizations_mutex;
  /// One per account ever used by this process (a few hundred bytes each; ids are never reused).
  std::map<std::int64_t, std::shared_ptr<spotify::AccountAuthorization>> authorizations;
  /// The client ID's catalog token, made on first use (under authorizations_mutex).
  std::shared_ptr<spotify::ClientCredentials> client_credentials;

  spotify::ClientConfig client_config(const std::string& account_client_id) const {
    spotify::ClientConfig client;
    client.api_base_url = config.spotify_api_url;
    client.accounts_base_url = config.spotify_accounts_url;
    client.client_id = account_client_id.empty() ? config.spotify_client_id : account_client_id;
    client.client_secret = config.spotify_client_secret;
    client.total_timeout = config.spotify_timeout;
    client.retry.max_wait = std::chrono::seconds(config.spotify_max_wait_s);
    return client;
  }

  std::shared_ptr<spotify::CallBudget> budget_for(const std::string& client_id) {
    return std::make_shared<LedgerBudget>(
        *ledger, client_id,
        core::RateBudget{.calls = config.spotify_rate_budget, .window = std::chrono::seconds(30)});
  }

  spotify::AccountHooks hooks_for(std::int64_t account_id) {
    core::AccountStore& accounts = *store;
    spotify::AccountHooks hooks;
    hooks.on_tokens = [&accounts, account_id](const core::AccountTokens& tokens) {
      return accounts.save_tokens(account_id, tokens);
    };
    hooks.on_needs_reauth = [&accounts, account_id](const core::Error&) {
      (void)accounts.set_account_status(account_id, core::AccountStatus::NeedsReauth);
    };
    hooks.load_tokens = [&accounts, account_id]() -> core::Result<core::AccountTokens> {
      auto found = accounts.find_account(account_id);
      if (!found) return found.error();
      if (!*found) {
        return core::make_error(core::ErrorCode::NotFound,
                                "account " + std::to_string(account_id) + " was disconnected");
      }
      return (*found)->tokens;
    };
    return hooks;
  }

  std::shared_ptr<spotify::AccountAuthorization> authorization_for(
      const core::SpotifyAccount& account, const spotify::ClientConfig& client) {
    const bool needs_reauth = account.status == core::AccountStatus::NeedsReauth;
    std::lock_guard lock(authorizations_mutex);
    auto& authorization = authorizations[account.id];
    if (authorization) {
      authorization->adopt(account.tokens, needs_reauth);
    } else {
      authorization = std::make_shared<spotify::AccountAuthorization>(
          spotify::authorization_settings(client), account.tokens, transport, *clock,
          hooks_for(account.id), needs_reauth);
    }
    return authorization;
  }
};

Services::Services(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Services::~Services() = default;

std::unique_ptr<Services> Services::open(const Config& config, const core::Clock* clock,
                                         spotify::Sleeper* sleeper) {
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  if (clock) impl->clock = clock;
  if (sleeper) impl->sleeper = sleeper;
  std::error_code error;
  fs::create_directories(config.data_dir, error);
  if (error)
    throw std::runtime_error("cannot create data directory " + config.data_dir + ": " +
                             error.message());
  ::chmod(config.data_dir.c_str(), 0700);  // tokens' key and the database live here
  try {
    impl->cipher = std::make_unique<security::TokenCipher>(
        config.secret_key.empty() ? security::load_or_create_key(config.secret_key_file)
                                  : security::key_from_base64(config.secret_key));
  } catch (const std::exception& problem) {
    throw std::runtime_error(std::string("cannot load the secret key: ") + problem.what());
  }
  try {
    impl->store = sql::open_store(config.database_url, *impl->cipher, *impl->clock,
                                  {.pool_size = config.database_pool});
    impl->ledger = sql::open_rate_ledger(config.database_url, *impl->clock);
  } catch (const std::exception& problem) {
    throw std::runtime_error(std::string("cannot open the database: ") + problem.what());
  }
  return std::unique_ptr<Services>(new Services(std::move(impl)));
}

const Config& Services::config() const { return impl_->config; }
const core::Clock& Services::clock() const { return *impl_->clock; }
core::UserStore& Services::users() { return *impl_->store; }
core::AccountStore& Services::accounts() { return *impl_->store; }
core::PlaylistStore& Services::playlists() { return *impl_->store; }

core::PlaylistJournal& Services::journal() { return impl_->store->journal(); }
core::MatchStore& Services::matches() { return impl_->store->matches(); }

core::ImportStore& Services::imports() { return impl_->store->imports(); }
core::SessionStore& Services::sessions() { return *impl_->store; }
core::JobQueue& Services::jobs() { return impl_->store->jobs(); }
core::UnitOfWork& Services::unit_of_work() { return *impl_->store; }

core::Result<std::shared_ptr<spotify::Authorizer>> Services::authorizer() {
  const Config& config = impl_->config;
  if (config.spotify_client_id.empty()) {
    return core::make_error(core::ErrorCode::InvalidInput,
                            "PLM_SPOTIFY_CLIENT_ID is not set: register an app at "
                            "https://developer.spotify.com/dashboard (see docs/spotify-setup.md)");
  }
  spotify::OAuthConfig oauth;
  oauth.accounts_base_url = config.spotify_accounts_url;
  oauth.client_id = config.spotify_client_id;
  oauth.client_secret = config.spotify_client_secret;
  oauth.total_timeout = config.spotify_timeout;
  return std::make_shared<spotify::Authorizer>(oauth, impl_->transport, *impl_->clock);
}

std::unique_ptr<core::SpotifyApi> Services::spotify_for(const core::SpotifyAccount& account) {
  if (account.id <= 0) {
    // Hooks of an account that is not stored would write to no account (or to another one).
    throw std::invalid_argument("Services::spotify_for needs a stored account; use identify");
  }
  const auto client = impl_->client_config(account.client_id);
  return std::make_unique<spotify::Client>(client, impl_->authorization_for(account, client),
                                           impl_->transport, impl_->budget_for(client.client_id),
                                           *impl_->clock, *impl_->sleeper);
}

core::Result<std::unique_ptr<core::SpotifyApi>> Services::catalog_spotify() {
  const Config& config = impl_->config;
  if (config.spotify_client_id.empty() || config.spotify_client_secret.empty()) {
    return core::make_error(
        core::ErrorCode::InvalidInput,
        std::string(config.spotify_client_id.empty() ? "PLM_SPOTIFY_CLIENT_ID"
                                                     : "PLM_SPOTIFY_CLIENT_SECRET") +
            " is not set: catalog calls without a connected account use the app's client "
            "credentials, which need the client ID and its secret (see docs/spotify-setup.md)");
  }
  const auto client = impl_->client_config({});
  std::shared_ptr<spotify::ClientCredentials> credentials;
  {
    std::lock_guard lock(impl_->authorizations_mutex);
    if (!impl_->client_credentials) {
      impl_->client_credentials = std::make_shared<spotify::ClientCredentials>(
          spotify::client_credentials_settings(client), impl_->transport, *impl_->clock);
    }
    credentials = impl_->client_credentials;
  }
  return std::unique_ptr<core::SpotifyApi>(std::make_unique<spotify::Client>(
      client, std::move(credentials), impl_->transport, impl_->budget_for(client.client_id),
      *impl_->clock, *impl_->sleeper));
}

core::Result<IdentifiedAccount> Services::identify(const core::AccountTokens& tokens) {
  const auto client_config = impl_->client_config({});
  // An authorization of its own without hooks, so nothing is written: the account has no row yet.
  // A refresh is kept in memory and handed back with the profile, to be stored with the account.
  spotify::Client client(client_config, tokens, impl_->transport,
                         impl_->budget_for(client_config.client_id), *impl_->clock,
                         *impl_->sleeper);
  auto profile = client.current_user();
  if (!profile) return profile.error();
  return IdentifiedAccount{std::move(*profile), client.tokens()};
}

void Services::interrupt_waits() { impl_->own_sleeper.interrupt(); }

}  // namespace plm::app
