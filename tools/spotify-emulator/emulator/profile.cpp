#include "emulator/profile.hpp"

namespace spotify_emulator {

namespace {

/// A background fault: `kind` with `status` on each matching Web API call with chance
/// `probability`, for as long as the profile is active.
FaultRule background(FaultRule::Kind kind, int status, double probability, std::string method = {},
                     bool empty_body = false) {
  FaultRule rule;
  rule.kind = kind;
  rule.status = status;
  rule.method = std::move(method);
  rule.count = FaultRule::kMaxCount;
  rule.empty_body = empty_body;
  rule.probability = probability;
  return rule;
}

Profile default_profile() { return Profile{.name = "default"}; }

Profile realistic_profile() {
  Profile profile{.name = "realistic"};
  // §3.1/§3.3: a rolling 30 s window with an unpublished budget; 10 calls/s sustained (2018)
  // drew no 429, and development mode is the lower tier: 240 calls per 30 s (8/s).
  profile.rate_limits.window_budget = 240;
  profile.rate_limits.window_ms = 30'000;
  // §3.3: calling while limited lengthens Retry-After, to hours (3,600 s, 13,749 s, 19,056 s):
  // 5 s more per call made while limited (strike k adds 5 s × k), up to 6 hours.
  profile.rate_limits.penalty_step_ms = 5'000;
  profile.rate_limits.max_penalty_ms = 6LL * 3'600'000;
  // §3.2/§3.3: a per-developer quota of unpublished size; a bulk job ran into a limit at 25,000
  // requests (spotipy#862).
  profile.rate_limits.quota_budget = 25'000;
  profile.rate_limits.quota_period_ms = 24LL * 3'600'000;
  // A home server's round trip to api.spotify.com: 40-150 ms.
  profile.latency = {.fixed_ms = 40, .jitter_ms = 110};
  // §7.12: 500/502/503/504 are routine, some with empty bodies (§4.2): about 1 call in 100.
  using Kind = FaultRule::Kind;
  profile.background_faults = {
      background(Kind::FailStatus, 500, 0.002),
      background(Kind::FailStatus, 502, 0.003),
      background(Kind::FailStatus, 502, 0.001, {}, /*empty_body=*/true),
      background(Kind::FailStatus, 503, 0.002),
      background(Kind::FailStatus, 504, 0.002, {}, /*empty_body=*/true),
      // §3.4/§7.12: a write applied although the answer was 502 (so a blind retry duplicates it).
      background(Kind::ApplyThen502, 502, 0.01, "POST"),
      background(Kind::ApplyThen502, 502, 0.01, "PUT"),
      background(Kind::ApplyThen502, 502, 0.01, "DELETE"),
  };
  // §2.14/§7.7: reads may briefly return the version before a write (news-bulletin-playlist#101:
  // seconds, not minutes): 2 s of the emulator's clock. §2.12: a cover upload is asynchronous and
  // shows up later: 5 s.
  profile.consistency = {.stale_read_ms = 2'000, .stale_reads = 0, .cover_delay_ms = 5'000};
  return profile;
}

}  // namespace

std::optional<Profile> find_profile(std::string_view name) {
  if (name == "default") return default_profile();
  if (name == "realistic") return realistic_profile();
  return std::nullopt;
}

std::string profile_names() { return "default, realistic"; }

EmulatorOptions apply_profile(EmulatorOptions options, const Profile& profile,
                              std::uint64_t fault_seed) {
  options.profile = profile.name;
  options.rate_limits = profile.rate_limits;
  options.latency = profile.latency;
  options.standing_faults = profile.background_faults;
  options.consistency = profile.consistency;
  options.fault_seed = fault_seed;
  return options;
}

}  // namespace spotify_emulator
