#pragma once
/// The Spotify Web API emulator: accounts service (/authorize, /api/token), Web API (/v1/...) and
/// the admin API (/__emulator/...) over one in-memory World. `handle()` is a plain function of a
/// request, so it runs behind plm::http::Server and in unit tests alike.
///
/// Thread safety: handle() may be called from several threads; one mutex guards the world (every
/// call is short, so a single lock is simpler than finer ones and still serves > 5,000 req/s).

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "emulator/world.hpp"
#include "http/message.hpp"

namespace spotify_emulator {

/// Why Spotify would refuse this redirect URI (for registration or use), or empty if it is fine.
std::string redirect_uri_problem(std::string_view uri);

class Emulator {
 public:
  /// The catalog must outlive the emulator; the seed and the options are kept for
  /// `POST /__emulator/reset`.
  Emulator(const Catalog& catalog, Seed seed, EmulatorOptions options, Clock& clock);
  ~Emulator();

  plm::http::Response handle(const plm::http::Request& request);
  void register_app(App app);

 private:
  std::unique_ptr<SearchIndex> search_;
  Seed seed_;
  EmulatorOptions initial_options_;  ///< restored by POST /__emulator/reset
  std::mutex mutex_;
  World world_;
};

}  // namespace spotify_emulator
