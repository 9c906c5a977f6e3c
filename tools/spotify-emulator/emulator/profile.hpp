#pragma once
/// Profiles: named sets of the settings that decide how kind the emulator is. "default" is the
/// kind emulator the tests are written against (no limits, no latency, no faults); "realistic"
/// behaves like Spotify towards a development-mode app (../shared/docs/spotify-api.md §3, §4,
/// §7.12-7.13; the numbers are justified in docs/emulator.md): a rolling-window rate budget, a
/// quota, latency with jitter, penalties that grow while a client keeps calling, occasional 5xx,
/// writes applied behind a 502, and reads that lag writes.
///
/// Pure data: a profile is applied over EmulatorOptions (apply_profile), and the emulator hands
/// the options to its limiter and fault plan (World::apply_limits_and_faults).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/world.hpp"

namespace spotify_emulator {

struct Profile {
  std::string name;
  RateLimitSettings rate_limits;
  LatencySettings latency;
  std::vector<FaultRule> background_faults;  ///< probabilistic, so they follow the fault seed
  ConsistencySettings consistency;           ///< reads lagging writes, late covers
};

/// The profile called `name`, or nullopt when there is none.
std::optional<Profile> find_profile(std::string_view name);
/// Every profile's name, for messages.
std::string profile_names();
/// `options` with the profile's settings over them, its name and the fault seed. Every setting a
/// profile governs is replaced, so applying "default" undoes "realistic".
EmulatorOptions apply_profile(EmulatorOptions options, const Profile& profile,
                              std::uint64_t fault_seed);

}  // namespace spotify_emulator
