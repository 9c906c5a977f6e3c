#pragma once
/// `plm serve`: the web application (plm::web) over the services of a Config, on http::Server,
/// with the durable jobs' worker in the same process. make_web_app is the wiring the server and
/// the integration tests share.

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "app/cli/exit_code.hpp"
#include "app/config.hpp"
#include "app/services.hpp"
#include "http/server.hpp"
#include "web/web_app.hpp"

namespace plm::app {

class JobHost;  // this process's job worker, as the web app drives it (serve.cpp)

/// The web app with what it borrows: the Spotify connector and the job worker (declared first:
/// they outlive the app, whose shutdown stops the worker).
struct WiredWebApp {
  std::unique_ptr<web::SpotifyConnector> connector;
  std::unique_ptr<JobHost> jobs;
  std::unique_ptr<web::WebApp> app;

  WiredWebApp();
  WiredWebApp(WiredWebApp&&) noexcept;
  /// Ends what it holds first, the app before the worker before the connector.
  WiredWebApp& operator=(WiredWebApp&&) noexcept;
  ~WiredWebApp();
};

/// Argon2id (plm::security), random tokens and SHA-256 session digests (libsodium).
web::Crypto web_crypto();

/// The web options of a Config. `public_url` is the resolved public URL (ends with '/').
web::WebOptions web_options(const Config& config, const std::string& public_url);

/// Builds the web application over `services` (which must outlive it) and starts the job worker:
/// PLM_SYNC_WORKERS threads claiming from Services::jobs() and running the sync
/// handlers, their progress published to the web app's event streams. Before the first claim, the
/// jobs left running by a process of this machine that has died are released at once
/// (worker_identity.hpp) and those whose lease expired are recovered.
WiredWebApp make_web_app(Services& services, web::WebOptions options);

/// The HTTP server's options for the web app: threads from the Config, the handler pool, the
/// non-blocking fast path, the app's error shape for what the server refuses itself, the
/// connection caps, and bodies up to 1 MiB only for requests with a session cookie (64 KiB
/// without).
/// `app` is read when requests arrive, so the server may be built before the app.
http::ServerOptions web_server_options(const Config& config,
                                       const std::unique_ptr<web::WebApp>& app);

/// The public URL: PLM_PUBLIC_URL, or http://<listen host>:<bound port>/.
std::string resolve_public_url(const Config& config, std::uint16_t bound_port);

/// What `plm serve` was asked for, parsed by the command line (src/app/cli/commands_serve.cpp).
struct ServeOptions {
  std::map<std::string, std::string> settings;  ///< configuration overrides (--listen, --config)
  std::string port_file;  ///< write the bound port here once listening; empty: nowhere
};

/// Runs the web application until SIGINT or SIGTERM. Messages go to `err`.
ExitCode run_serve(const ServeOptions& options, std::ostream& err);

}  // namespace plm::app
