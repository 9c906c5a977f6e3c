#include "app/services.hpp"

#include <sys/stat.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <stdexcept>

#include "security/token_cipher.hpp"
#include "spotify/client.hpp"
#include "spotify/oauth.hpp"
#include "spotify/rate_limiter.hpp"
#include "spotify/transport.hpp"
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

}  // namespace

struct Services::Impl {
  Config config;
  SystemClock system_clock;
  const core::Clock* clock = &system_clock;
  std::unique_ptr<security::TokenCipher> cipher;
  std::unique_ptr<sql::Store> store;
  spotify::CurlTransport transport;
  spotify::RateLimiterRegistry limiters;
  InterruptibleSleeper sleeper;
};

Services::Services(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Services::~Services() = default;

std::unique_ptr<Services> Services::open(const Config& config, const core::Clock* clock) {
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  if (clock) impl->clock = clock;
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
core::SessionStore& Services::sessions() { return *impl_->store; }

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
  const Config& config = impl_->config;
  spotify::ClientConfig client;
  client.api_base_url = config.spotify_api_url;
  client.accounts_base_url = config.spotify_accounts_url;
  client.client_id = account.client_id.empty() ? config.spotify_client_id : account.client_id;
  client.client_secret = config.spotify_client_secret;
  client.total_timeout = config.spotify_timeout;
  client.rate_limit.window_budget = config.spotify_rate_budget;
  client.retry.max_wait = std::chrono::seconds(config.spotify_max_wait_s);
  client.start_needs_reauth = account.status == core::AccountStatus::NeedsReauth;
  const std::int64_t account_id = account.id;
  core::AccountStore& store = *impl_->store;
  spotify::AccountHooks hooks;
  hooks.on_tokens = [&store, account_id](const core::AccountTokens& tokens) {
    return store.save_tokens(account_id, tokens);
  };
  hooks.on_needs_reauth = [&store, account_id](const core::Error&) {
    (void)store.set_account_status(account_id, core::AccountStatus::NeedsReauth);
  };
  auto limiter = impl_->limiters.for_client(client.client_id, client.rate_limit);
  return std::make_unique<spotify::Client>(client, account.tokens, impl_->transport,
                                           std::move(limiter), *impl_->clock, impl_->sleeper,
                                           std::move(hooks));
}

}  // namespace plm::app

namespace plm::app {
void Services::interrupt_waits() { impl_->sleeper.interrupt(); }
}  // namespace plm::app
