#include "app/serve.hpp"

#include <signal.h>
#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "app/batch_jobs.hpp"
#include "app/edit_jobs.hpp"
#include "app/job_handlers.hpp"
#include "app/lifecycle_jobs.hpp"
#include "app/match_jobs.hpp"
#include "app/sync_jobs.hpp"
#include "app/worker.hpp"
#include "app/worker_identity.hpp"
#include "core/exchange/workbook.hpp"
#include "core/ports/clock.hpp"
#include "http/server.hpp"
#include "security/password.hpp"
#include "security/random_token.hpp"
#include "spotify/oauth.hpp"
#include "web/errors.hpp"

namespace plm::app {

namespace {

/// The web app's view of Spotify, over the services' OAuth helper and clients.
class Connector final : public web::SpotifyConnector {
 public:
  explicit Connector(Services& services) : services_(services) {}

  std::string client_id() const override { return services_.config().spotify_client_id; }

  core::Result<Authorization> begin(const std::string& redirect_uri) override {
    auto authorizer = services_.authorizer();
    if (!authorizer) return authorizer.error();
    const auto request = (*authorizer)->start(redirect_uri);
    return Authorization{request.url, request.state, request.code_verifier};
  }

  core::Result<Connection> finish(const std::string& code, const std::string& redirect_uri,
                                  const std::string& code_verifier) override {
    auto authorizer = services_.authorizer();
    if (!authorizer) return authorizer.error();
    auto tokens = (*authorizer)->exchange_code(code, redirect_uri, code_verifier);
    if (!tokens) return tokens.error();
    auto identified = services_.identify(*tokens);
    if (!identified) return identified.error();
    return Connection{std::move(identified->tokens), std::move(identified->profile)};
  }

  std::unique_ptr<core::SpotifyApi> spotify_for(const core::SpotifyAccount& account) override {
    return services_.spotify_for(account);
  }

 private:
  Services& services_;
};

/// One line of the web app's log (a JSON object) through `log`, or on stderr without one.
void log_json(const std::function<void(std::string_view)>& log, nlohmann::json line) {
  line["ts"] = core::format_utc(std::chrono::system_clock::now());
  if (!line.contains("level")) line["level"] = "info";
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (log) {
    log(text);
  } else {
    const std::string with_newline = text + "\n";
    std::fwrite(with_newline.data(), 1, with_newline.size(), stderr);  // one write: no interleaving
  }
}

std::string hex(const unsigned char* bytes, std::size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0x0F]);
  }
  return out;
}

/// The most body bytes `plm serve` reads for a request that carries a session cookie (the web app
/// holds JSON bodies to 64 KiB itself, and its largest JSON route, a paste, to 2 MiB; an import
/// upload takes more, below), and for one that
/// does not.
constexpr std::size_t kMaxBodyBytes = 2 * 1024 * 1024;
constexpr std::size_t kAnonymousBodyBytes = 64 * 1024;

/// Whether a Cookie header holds the session cookie (web's kSessionCookie). Only whether it is
/// there, not whether it is valid: that needs the database, and this runs on an I/O thread before
/// the body is read. It keeps clients without a session to small bodies; one that forges a cookie
/// is still held to kMaxBodyBytes and by the connection caps.
/// What the server reads of an import upload (POST /api/accounts/{id}/imports) from a client with
/// a session: the largest file the app takes (20 MiB) and some more, so that a slightly larger one
/// is answered by the app's JSON 413 rather than by a closed connection.
constexpr std::size_t kMaxImportBodyBytes = core::kMaxImportFileBytes + 2 * 1024 * 1024;

/// Whether the request is an import upload: the one route whose body may exceed kMaxBodyBytes.
bool is_import_upload(const http::RequestHead& head) {
  constexpr std::string_view kPrefix = "/api/accounts/";
  constexpr std::string_view kSuffix = "/imports";
  const std::string_view path = head.path;
  if (head.method != "POST" || !path.starts_with(kPrefix) || !path.ends_with(kSuffix)) return false;
  const std::string_view id =
      path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size());
  return !id.empty() &&
         std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool carries_session_cookie(const http::RequestHead& head) {
  for (const auto& [name, value] : head.headers) {
    if (!http::iequals(name, "Cookie")) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const auto semicolon = rest.find(';');
      std::string_view pair = rest.substr(0, semicolon);
      rest = semicolon == std::string_view::npos ? std::string_view{} : rest.substr(semicolon + 1);
      while (pair.starts_with(' ')) pair.remove_prefix(1);
      if (pair.starts_with("plm_session=")) return true;
    }
  }
  return false;
}

}  // namespace

/// This process's job worker: app::Worker over the database's queue with every job handler, and
/// what the web app asks of it (web::JobControl). Its states go to the web app once attached.
class JobHost final : public web::JobControl {
 public:
  JobHost(Services& services, std::function<void(std::string_view)> log)
      : queue_(services.jobs()),
        unit_of_work_(services.unit_of_work()),
        clock_(services.clock()),
        interrupt_waits_([&services] { services.interrupt_waits(); }),
        log_(std::move(log)),
        process_(this_process()),
        waiter_(services.clock()),
        worker_(
            queue_, job_handlers(services), services.clock(), waiter_,
            WorkerOptions{.threads = services.config().sync_workers, .name = worker_name(process_)},
            WorkerHooks{.publish = [this](const core::Job& job) { publish(job); },
                        .on_error =
                            [this](const std::string& what, const core::Error& error) {
                              log_json(log_, {{"level", "error"},
                                              {"event", "jobs.worker_error"},
                                              {"what", what},
                                              {"error", error.message}});
                            }}) {}

  /// From now on the worker's states go to `app`; jobs of dead processes of this machine are
  /// released, then the worker starts (recovering expired leases first).
  void start(web::WebApp& app) {
    app_.store(&app);
    auto released = release_jobs_of_dead_processes(queue_, process_.machine);
    if (!released) {
      log_json(log_, {{"level", "error"},
                      {"event", "jobs.release_failed"},
                      {"error", released.error().message}});
    } else if (*released > 0) {
      log_json(log_, {{"event", "jobs.released"},
                      {"jobs", *released},
                      {"reason", "their process on this machine is gone"}});
    }
    worker_.start();
  }

  core::Result<core::Enqueued> sync_account(std::int64_t owner_user_id,
                                            std::int64_t account_id) override {
    return enqueue(sync_account_job(owner_user_id, account_id));
  }

  core::Result<core::Enqueued> sync_playlist(std::int64_t owner_user_id, std::int64_t account_id,
                                             const std::string& playlist_id) override {
    return enqueue(sync_playlist_job(owner_user_id, account_id, playlist_id));
  }

  core::Result<core::Enqueued> create_playlists(std::int64_t owner_user_id, std::int64_t account_id,
                                                const core::PlaylistCreation& creation) override {
    return enqueue(creation_job(owner_user_id, account_id, creation));
  }

  core::Result<core::Enqueued> delete_playlist(std::int64_t owner_user_id, std::int64_t account_id,
                                               const std::string& playlist_id) override {
    return enqueue(delete_playlist_job(owner_user_id, account_id, playlist_id));
  }

  core::Result<core::Enqueued> edit_playlist(const web::PlaylistEditJob& edit) override {
    return enqueue(edit_playlist_job(edit.owner_user_id, edit.account_id, edit.playlist_id,
                                     EditJob{.request = edit.request,
                                             .planned_snapshot = edit.planned_snapshot,
                                             .cause = edit.cause}));
  }

  core::Result<core::Enqueued> run_batch(std::int64_t owner_user_id, std::int64_t account_id,
                                         const core::BatchProposal& proposal,
                                         const core::VersionCause& cause,
                                         std::optional<std::int64_t> undo_of) override {
    return enqueue(
        batch_edit_job(owner_user_id, account_id, batch_job_from(proposal, cause, undo_of)));
  }

  core::Result<StartedPaste> start_paste(std::int64_t owner_user_id, std::int64_t account_id,
                                         const std::vector<std::string>& inputs) override {
    StartedPaste started;
    auto stored = unit_of_work_.in_transaction([&](core::TransactionPorts& ports) -> core::Status {
      auto paste = ports.matches().create_paste(owner_user_id, account_id, inputs, clock_.now());
      if (!paste) return paste.error();
      auto enqueued = ports.jobs().enqueue(match_paste_job(
          owner_user_id, account_id, paste->id, static_cast<std::int64_t>(inputs.size())));
      if (!enqueued) return enqueued.error();
      if (auto linked = ports.matches().set_paste_job(paste->id, enqueued->job.id); !linked) {
        return linked.error();
      }
      paste->job_id = enqueued->job.id;
      started = StartedPaste{std::move(*paste), std::move(*enqueued)};
      return core::ok();
    });
    if (!stored) return stored.error();
    worker_.wake();  // after the commit: a worker looking earlier would not see the job
    return started;
  }

  core::Result<core::Job> cancel(std::int64_t job_id) override {
    auto job = queue_.cancel(job_id);
    if (job && job->state == core::JobState::Running) worker_.cancel_requested(job_id);
    return job;
  }

  /// The worker learns of the shutdown before the pacing waits are cut short: a job whose wait
  /// throws must find its stop reason already set (released as interrupted, resumed at the next
  /// start), not be failed as if the Spotify call had gone wrong.
  void stop() override {
    worker_.request_shutdown();
    interrupt_waits_();
    worker_.stop();
  }

 private:
  core::Result<core::Enqueued> enqueue(const core::NewJob& job) {
    auto enqueued = queue_.enqueue(job);
    if (enqueued && enqueued->created) worker_.wake();
    return enqueued;
  }

  void publish(const core::Job& job) {
    if (auto* app = app_.load()) app->job_changed(job);
  }

  core::JobQueue& queue_;
  core::UnitOfWork& unit_of_work_;
  const core::Clock& clock_;
  std::function<void()> interrupt_waits_;  // Services::interrupt_waits
  std::function<void(std::string_view)> log_;
  WorkerProcess process_;
  std::atomic<web::WebApp*> app_{nullptr};
  ConditionWaiter waiter_;
  Worker worker_;  // last: its threads use everything above
};

WiredWebApp::WiredWebApp() = default;
WiredWebApp::WiredWebApp(WiredWebApp&&) noexcept = default;
WiredWebApp::~WiredWebApp() = default;

WiredWebApp& WiredWebApp::operator=(WiredWebApp&& other) noexcept {
  if (this == &other) return *this;
  app.reset();  // stops the worker while it can still publish to the app
  jobs.reset();
  connector.reset();
  connector = std::move(other.connector);
  jobs = std::move(other.jobs);
  app = std::move(other.app);
  return *this;
}

web::Crypto web_crypto() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium cannot start");
  web::Crypto crypto;
  crypto.hash_password = [](std::string_view password) {
    return security::hash_password(password);
  };
  crypto.verify_password = [](std::string_view hash, std::string_view password) {
    return security::verify_password(hash, password);
  };
  crypto.random_token = [] { return security::random_token(32); };
  crypto.token_digest = [](std::string_view token) {
    // Session tokens are 256 random bits, so a plain SHA-256 (no salt, no stretching) is enough
    // to make a stolen database useless for signing in.
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
    return hex(digest, sizeof digest);
  };
  return crypto;
}

web::WebOptions web_options(const Config& config, const std::string& public_url) {
  web::WebOptions options;
  options.public_url = public_url;
  options.session_ttl = std::chrono::hours(config.session_ttl_hours);
  options.session_idle = std::chrono::hours(config.session_idle_hours);
  options.static_dir = config.static_dir;
  options.spotify_api_url = config.spotify_api_url;
  options.trust_proxy = config.trust_proxy;
  options.rate_budget = config.spotify_rate_budget;
  options.access_log = config.access_log;
  return options;
}

WiredWebApp make_web_app(Services& services, web::WebOptions options) {
  WiredWebApp wired;
  wired.connector = std::make_unique<Connector>(services);
  wired.jobs = std::make_unique<JobHost>(services, options.log);
  web::WebDeps deps{services.users(),     services.sessions(), services.accounts(),
                    services.playlists(), services.clock(),    *wired.connector,
                    web_crypto(),         services.jobs(),     *wired.jobs,
                    services.journal(),   services.matches(),  services.imports()};
  wired.app = std::make_unique<web::WebApp>(std::move(deps), std::move(options));
  wired.jobs->start(*wired.app);
  return wired;
}

http::ServerOptions web_server_options(const Config& config,
                                       const std::unique_ptr<web::WebApp>& app) {
  http::ServerOptions options;
  options.host = config.listen_host;
  options.port = config.listen_port;
  options.threads = config.http_threads;
  options.handler_threads = config.handler_threads;
  // JSON bodies are limited (413) by the web app; this bounds what is read at all, before the app
  // sees the request: a client without a session cannot make the server buffer 2 MiB.
  options.max_body_bytes = kMaxImportBodyBytes;
  options.body_limit_for = [](const http::RequestHead& head) {
    if (!carries_session_cookie(head)) return kAnonymousBodyBytes;
    return is_import_upload(head) ? kMaxImportBodyBytes : kMaxBodyBytes;
  };
  options.max_header_bytes = 32 * 1024;  // as nginx's default large_client_header_buffers
  options.max_connections = static_cast<std::size_t>(config.max_connections);
  // Behind a proxy on this machine every client has the proxy's address: only the total applies.
  options.max_connections_per_address = static_cast<std::size_t>(
      config.trust_proxy ? config.max_connections : config.max_connections_per_address);
  options.on_accept_error = [](std::string_view error, std::chrono::milliseconds retry_in) {
    // The web app's log format: one JSON object per line on stderr, written in one call.
    const nlohmann::json line{{"ts", core::format_utc(std::chrono::system_clock::now())},
                              {"level", "error"},
                              {"event", "http.accept_failed"},
                              {"error", error},
                              {"retry_in_ms", retry_in.count()}};
    const std::string text = line.dump() + "\n";
    std::fwrite(text.data(), 1, text.size(), stderr);
  };
  options.fast_handler = [&app](const http::Request& request) {
    return app->handle_from_memory(request);
  };
  options.error_response = [](int status, std::string_view message) {
    return web::transport_error_response(status, message);
  };
  return options;
}

std::string resolve_public_url(const Config& config, std::uint16_t bound_port) {
  if (!config.public_url.empty()) return config.public_url;
  std::string host = config.listen_host;
  // A wildcard address is where we listen, not where browsers go.
  if (host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(bound_port) + "/";
}

ExitCode run_serve(const ServeOptions& options, std::ostream& err) {
  const std::string& port_file = options.port_file;
  auto config = load_config(options.settings);
  if (!config) {
    err << "plm: " << config.error().message << "\n";
    return ExitCode::Usage;
  }

  // Signals are taken by sigwait below: blocked before any thread starts, so every thread
  // inherits the mask and none of them is interrupted.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto services = Services::open(*config);
  WiredWebApp wired;
  http::ServerOptions server_options = web_server_options(*config, wired.app);
  std::unique_ptr<http::Server> server;
  try {
    server = std::make_unique<http::Server>(
        [&app = wired.app](const http::Request& request) { return app->handle(request); },
        server_options);
  } catch (const std::exception& problem) {
    err << "plm: cannot listen on " << config->listen_host << ":" << config->listen_port << ": "
        << problem.what() << "\n";
    return ExitCode::Failure;
  }
  const std::string public_url = resolve_public_url(*config, server->port());
  const bool loopback_listen = config->listen_host == "127.0.0.1" || config->listen_host == "::1" ||
                               config->listen_host == "localhost";
  if (config->public_url.empty() && !loopback_listen) {
    // Browsers elsewhere would be refused at sign-in (Origin), and cookies and the Spotify
    // callback would point at this machine's loopback address.
    err << "plm serve: warning: PLM_PUBLIC_URL is not set, so the app assumes " << public_url
        << "; set it to the address browsers use (e.g. https://plm.example.org/) when listening "
           "on "
        << config->listen_host << "\n";
  }
  wired = make_web_app(*services, web_options(*config, public_url));
  server->start();
  if (!port_file.empty()) {
    // Written whole under a temporary name, then renamed: a reader never sees half a number.
    const std::string temporary = port_file + ".tmp";
    std::ofstream(temporary) << server->port() << "\n";
    std::filesystem::rename(temporary, port_file);
  }
  err << "plm serve: listening on http://"
      << (config->listen_host.find(':') != std::string::npos ? "[" + config->listen_host + "]"
                                                             : config->listen_host)
      << ":" << server->port() << " (public URL " << public_url << ")" << std::endl;
  if (const auto code = wired.app->setup_code(); !code.empty()) {
    err << "plm serve: first visit: open " << public_url << " and enter the setup code " << code
        << " to create the administrator" << std::endl;
  }
  int received = 0;
  sigwait(&signals, &received);
  err << "plm serve: " << (received == SIGINT ? "SIGINT" : "SIGTERM") << ", shutting down"
      << std::endl;
  server->stop_accepting();  // no new connections while the rest stops
  // Running jobs stop at their next step or at once when they wait out Spotify's pacing (JobHost::
  // stop), released as interrupted.
  wired.app->shutdown();
  server->stop();  // connections close; handlers in flight finish
  server.reset();
  wired = {};
  err << "plm serve: stopped" << std::endl;
  return ExitCode::Ok;
}

}  // namespace plm::app
