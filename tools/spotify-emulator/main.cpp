// spotify-emulator: a faithful local Spotify Web API (accounts service + Web API + admin API).
// Argument parsing and wiring only; the behaviour lives in emulator/ and catalog/.

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "catalog/catalog.hpp"
#include "catalog/seed.hpp"
#include "emulator/consistency.hpp"
#include "emulator/emulator.hpp"
#include "emulator/profile.hpp"
#include "http/server.hpp"

namespace {

namespace fs = std::filesystem;
using namespace spotify_emulator;

constexpr const char* kUsage = R"(usage: spotify-emulator [options]

A local Spotify Web API emulator for tests, benchmarks and the plm demo. Serves the accounts
service (/authorize, /api/token), the Web API (/v1/...) and an admin API (/__emulator/...) on one
port. Prints "spotify-emulator listening on http://HOST:PORT" once it accepts connections.

Network:
  --host ADDR               address to bind (default 127.0.0.1)
  --port N                  port to bind; 0 picks a free one (default 0)
  --port-file FILE          also write the bound port to FILE
  --threads N               server threads (default 2)
  --public-url URL          base of absolute links (default: http:// + the request's Host header)

Data:
  --catalog-dir DIR         load every CSV in DIR (Exportify, TidyTuesday, HariSekhon formats).
                            Default: $SPOTIFY_EMULATOR_CATALOG_DIR, else ../shared/catalog-data
                            next to the source tree when present, else the demo catalog only
  --demo-catalog FILE       the committed demo catalog (default: the one in the source tree)
  --demo-only               ignore the shared catalog; use the demo catalog alone
  --seed FILE               users and playlists (default: catalog/seeds/default.json)

Behaviour:
  --mode MODE               dev2026 (default: February 2026 development-mode surface) or extended
  --client-id ID            register an app at start (repeat the three flags below per app)
  --client-secret SECRET    its secret
  --redirect-uri URI        a redirect URI of the last --client-id (repeatable)
  --auto-approve            /authorize approves at once for --auto-approve-user (tests, demo)
  --auto-approve-user ID    user the consent page preselects or auto-approves (default demo-pro)
  --rotate-refresh-tokens   return a new refresh token on refresh (pre-2026 PKCE behaviour)
  --emit-legacy-track-field send `track` beside `item` in playlist entries (deprecation window)
  --access-token-ttl S      access-token lifetime in seconds (default 3600)
  --max-playlist-items N    playlist size cap (default 10000)
  --real-image-urls         keep i.scdn.co image URLs instead of serving placeholder covers
  --description-errors WHAT clear (default: 400 naming the problem) or observed (500 "Server
                            error." like Spotify) for descriptions over 300 characters or with
                            line breaks
  --etags                   ETag on playlist, items and /me/playlists GETs; If-None-Match
                            answers 304 (plm's client does not send it)

Clock, limits and faults (all also settable at run time through /__emulator/):
  --profile NAME            default (no limits, latency or faults) or realistic (a development-
                            mode app's rate budget, quota, latency, growing penalties, occasional
                            5xx and writes applied behind a 502; docs/emulator.md). The flags
                            below override its settings, wherever they stand
  --fault-seed N            seed for probabilistic faults (default 1): same seed, same calls,
                            same faults
  --start-time ISO8601      what the emulator's clock shows at start (default: now)
  --frozen-clock            the clock moves only through POST /__emulator/clock
  --rate-budget N           calls per rolling window per client ID (default 0 = unlimited)
  --rate-window-ms MS       rolling window (default 30000)
  --penalty-step-ms MS      extra Retry-After per call made while limited (default 1000)
  --quota-budget N          calls per quota period per developer (default 0 = unlimited)
  --quota-period-ms MS      quota period (default 86400000)
  --latency-ms MS           fixed latency added to every Web API response
  --jitter-ms MS            extra random latency in [0, MS] (deterministic sequence)
  --id-seed N               seed for generated ids and tokens (default 1)

Spotify's unkind side (all also settable at run time through /__emulator/config):
  --snapshot-mode MODE      what a snapshot_id sent on DELETE /items or a reorder does: ignore
                            (default), bad-version-tag (400), error-loading (502), invalid-base62
                            (502), apply-to-named (a reorder naming an older snapshot counts its
                            indices on that version)
  --stale-reads-ms MS       after a write, reads of the playlist show the version before it until
                            MS of the emulator's clock passed ...
  --stale-reads N           ... or N reads of it were answered, whichever comes first (0: off)
  --cover-delay-ms MS       an uploaded cover shows in images MS after the upload

  --help                    this text
)";

[[noreturn]] void fail(const std::string& message) {
  std::cerr << "spotify-emulator: " << message << "\n";
  std::exit(2);
}

long long to_number(const std::string& flag, const std::string& text) {
  try {
    std::size_t used = 0;
    const long long value = std::stoll(text, &used);
    if (used != text.size() || value < 0) throw std::invalid_argument(text);
    return value;
  } catch (const std::exception&) {
    fail(flag + " expects a non-negative number, got '" + text + "'");
  }
}

fs::path source_dir() { return fs::path(PLM_SOURCE_DIR); }

/// Writes the port to `file` atomically (a temporary file renamed over it), so a reader polling
/// for the file never sees it empty or half-written.
void write_port_file(const std::string& file, std::uint16_t port) {
  const std::string temporary = file + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << port << "\n";
    out.flush();
    if (!out) fail("cannot write --port-file " + temporary);
  }
  std::error_code error;
  fs::rename(temporary, file, error);
  if (error) fail("cannot write --port-file " + file + ": " + error.message());
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  long long port = 0;
  int threads = 2;
  std::string port_file;
  std::string catalog_dir;
  std::string demo_catalog =
      (source_dir() / "tools/spotify-emulator/catalog/data/demo_catalog.csv").string();
  bool demo_only = false;
  std::string seed_file =
      (source_dir() / "tools/spotify-emulator/catalog/seeds/default.json").string();
  std::string start_time;
  bool frozen = false;
  EmulatorOptions options;
  std::vector<App> apps;
  // The profile first, so that the flags override its settings wherever they stand.
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) != "--profile") continue;
    const auto profile = find_profile(argv[i + 1]);
    if (!profile) {
      fail("--profile must be one of " + profile_names() + ", got '" + argv[i + 1] + "'");
    }
    options = apply_profile(options, *profile, options.fault_seed);
  }

  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) fail(flag + " needs a value (see --help)");
      return argv[++i];
    };
    if (flag == "--help" || flag == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (flag == "--host") {
      host = value();
    } else if (flag == "--port") {
      port = to_number(flag, value());
      if (port > 65535) fail("--port must be 0-65535");
    } else if (flag == "--port-file") {
      port_file = value();
    } else if (flag == "--threads") {
      threads = static_cast<int>(to_number(flag, value()));
    } else if (flag == "--public-url") {
      options.public_url = value();
    } else if (flag == "--catalog-dir") {
      catalog_dir = value();
    } else if (flag == "--demo-catalog") {
      demo_catalog = value();
    } else if (flag == "--demo-only") {
      demo_only = true;
    } else if (flag == "--seed") {
      seed_file = value();
    } else if (flag == "--mode") {
      const auto mode = value();
      if (mode == "dev2026") {
        options.mode = ApiMode::Dev2026;
      } else if (mode == "extended") {
        options.mode = ApiMode::Extended;
      } else {
        fail("--mode must be dev2026 or extended, got '" + mode + "'");
      }
    } else if (flag == "--client-id") {
      apps.push_back(App{.client_id = value()});
    } else if (flag == "--client-secret") {
      if (apps.empty()) fail("--client-secret must follow --client-id");
      apps.back().client_secret = value();
    } else if (flag == "--redirect-uri") {
      if (apps.empty()) fail("--redirect-uri must follow --client-id");
      const auto uri = value();
      if (const auto problem = redirect_uri_problem(uri); !problem.empty()) {
        fail("--redirect-uri " + uri + " would be refused by Spotify: " + problem);
      }
      apps.back().redirect_uris.push_back(uri);
    } else if (flag == "--auto-approve") {
      options.auto_approve = true;
    } else if (flag == "--auto-approve-user") {
      options.auto_approve_user = value();
    } else if (flag == "--rotate-refresh-tokens") {
      options.rotate_refresh_tokens = true;
    } else if (flag == "--emit-legacy-track-field") {
      options.emit_legacy_track_field = true;
    } else if (flag == "--access-token-ttl") {
      options.access_token_ttl_s = to_number(flag, value());
    } else if (flag == "--max-playlist-items") {
      options.max_playlist_items = static_cast<int>(to_number(flag, value()));
    } else if (flag == "--description-errors") {
      const auto errors = value();
      if (errors != "clear" && errors != "observed")
        fail("--description-errors must be clear or observed, got '" + errors + "'");
      options.description_errors =
          errors == "observed" ? DescriptionErrors::Observed : DescriptionErrors::Clear;
    } else if (flag == "--etags") {
      options.etags = true;
    } else if (flag == "--real-image-urls") {
      options.real_image_urls = true;
    } else if (flag == "--start-time") {
      start_time = value();
    } else if (flag == "--frozen-clock") {
      frozen = true;
    } else if (flag == "--rate-budget") {
      options.rate_limits.window_budget = static_cast<int>(to_number(flag, value()));
    } else if (flag == "--rate-window-ms") {
      options.rate_limits.window_ms = to_number(flag, value());
    } else if (flag == "--penalty-step-ms") {
      options.rate_limits.penalty_step_ms = to_number(flag, value());
    } else if (flag == "--quota-budget") {
      options.rate_limits.quota_budget = static_cast<int>(to_number(flag, value()));
    } else if (flag == "--quota-period-ms") {
      options.rate_limits.quota_period_ms = to_number(flag, value());
    } else if (flag == "--latency-ms") {
      options.latency.fixed_ms = static_cast<int>(to_number(flag, value()));
    } else if (flag == "--jitter-ms") {
      options.latency.jitter_ms = static_cast<int>(to_number(flag, value()));
    } else if (flag == "--snapshot-mode") {
      const auto name = value();
      const auto mode = parse_snapshot_mode(name);
      if (!mode)
        fail("--snapshot-mode must be one of " + snapshot_mode_names() + ", got '" + name + "'");
      options.snapshot_mode = *mode;
    } else if (flag == "--stale-reads-ms") {
      options.consistency.stale_read_ms = to_number(flag, value());
    } else if (flag == "--stale-reads") {
      options.consistency.stale_reads = to_number(flag, value());
    } else if (flag == "--cover-delay-ms") {
      options.consistency.cover_delay_ms = to_number(flag, value());
    } else if (flag == "--profile") {
      (void)value();  // applied before this loop
    } else if (flag == "--fault-seed") {
      options.fault_seed = static_cast<std::uint64_t>(to_number(flag, value()));
    } else if (flag == "--id-seed") {
      options.id_seed = static_cast<std::uint64_t>(to_number(flag, value()));
    } else {
      fail("unknown option '" + flag + "' (see --help)");
    }
  }

  std::int64_t start_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
  if (!start_time.empty()) {
    const auto parsed = parse_iso8601(start_time);
    if (!parsed) fail("--start-time expects an ISO-8601 time like 2026-11-01T00:00:00Z");
    start_ms = *parsed;
  }

  if (catalog_dir.empty() && !demo_only) {
    if (const char* env = std::getenv("SPOTIFY_EMULATOR_CATALOG_DIR")) {
      catalog_dir = env;
    } else if (fs::is_directory(source_dir() / "../shared/catalog-data")) {
      catalog_dir = (source_dir() / "../shared/catalog-data").string();
    }
  }

  Catalog catalog;
  try {
    LoadReport report;
    if (!catalog_dir.empty() && !demo_only) {
      if (!fs::is_directory(catalog_dir))
        fail("--catalog-dir " + catalog_dir + " is not a directory");
      report = load_catalog_dir(catalog_dir, catalog);
    } else {
      if (!fs::is_regular_file(demo_catalog)) fail("demo catalog " + demo_catalog + " not found");
      report = load_catalog_file(demo_catalog, catalog);
    }
    std::cerr << "spotify-emulator: catalog " << catalog.size() << " tracks, "
              << catalog.source_playlists().size() << " source playlists from "
              << (catalog_dir.empty() || demo_only ? demo_catalog : catalog_dir) << "\n";
    for (const auto& warning : report.warnings)
      std::cerr << "spotify-emulator: warning: " << warning << "\n";
  } catch (const std::exception& error) {
    fail(std::string("cannot load the catalog: ") + error.what());
  }

  Seed seed;
  try {
    seed = load_seed_file(seed_file, catalog);
  } catch (const std::exception& error) {
    fail("cannot load seed " + seed_file + ": " + error.what());
  }

  Clock clock(start_ms, frozen);
  Emulator emulator(catalog, std::move(seed), options, clock);
  for (auto& app : apps) emulator.register_app(std::move(app));

  // Block the stop signals in every thread; the main thread waits for them with sigwait.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  try {
    plm::http::Server server(
        [&](const plm::http::Request& request) { return emulator.handle(request); },
        plm::http::ServerOptions{.host = host,
                                 .port = static_cast<std::uint16_t>(port),
                                 .threads = threads,
                                 .max_body_bytes = 1024 * 1024});
    server.start();
    if (!port_file.empty()) write_port_file(port_file, server.port());
    const std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    std::cout << "spotify-emulator listening on http://" << shown_host << ":" << server.port()
              << std::endl;
    int received = 0;
    sigwait(&signals, &received);
    server.stop();
  } catch (const std::exception& error) {
    fail(std::string("cannot serve: ") + error.what());
  }
  return 0;
}
