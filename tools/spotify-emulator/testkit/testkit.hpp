#pragma once
// Test-only helpers for everything that runs against an in-process emulator (the emulator's own
// tests, the Spotify client's, the CLI's): the committed demo catalog, a small seed whose every
// playlist has a purpose, and an emulator serving on a free loopback port.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "emulator/emulator.hpp"
#include "http/server.hpp"

namespace spotify_emulator::testkit {

inline constexpr std::int64_t kStartMs = 1'793'491'200'000;  // 2026-11-01T00:00:00Z

/// Ids of test_seed()'s playlists (22-character base-62, like Spotify's).
struct SeedIds {
  static constexpr const char* kAliceMain =
      "AliceMain0000000000001";  // public, 6 entries, a duplicate
  static constexpr const char* kAlicePrivate = "AlicePrivate0000000001";  // private, 3 entries
  static constexpr const char* kAliceBig = "AliceBig00000000000001";      // public, 120 entries
  static constexpr const char* kAliceOdd =
      "AliceOdd00000000000001";  // track, local file, unavailable
  static constexpr const char* kBobCollab =
      "BobCollab0000000000001";  // collaborative, alice follows
  static constexpr const char* kBobPublic = "BobPublic0000000000001";   // public, alice follows
  static constexpr const char* kBobPrivate = "BobPrivate000000000001";  // private, nobody follows
};

/// The committed demo catalog, loaded once per test process.
const Catalog& demo_catalog();
/// The n-th track of the demo catalog (stable across runs) and its URI.
const Track& catalog_track(std::size_t n);
std::string track_uri(std::size_t n);
std::vector<std::string> track_uris(std::size_t first, std::size_t count);

/// alice (premium), bob and carol (not premium) with the playlists of SeedIds: alice owns 4 and
/// follows 2 (6 in her list).
Seed test_seed();

/// An emulator on a free loopback port, stopped on destruction.
class RunningEmulator {
 public:
  RunningEmulator(Seed seed, EmulatorOptions options, Clock& clock);
  ~RunningEmulator();
  Emulator& emulator() { return *emulator_; }
  std::string base_url() const;

 private:
  std::unique_ptr<Emulator> emulator_;
  std::unique_ptr<plm::http::Server> server_;
};

}  // namespace spotify_emulator::testkit
