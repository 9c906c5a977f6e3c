#pragma once
/// Throttling of guesses: LoginThrottle counts failures per key in a sliding window, and
/// SignInThrottle is the sign-in policy built on it, under which nobody can lock a user out.

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace plm::web {

/// Counts failures per key (a username, a client address) in a sliding window: after
/// `max_failures` failures within `window`, the key is blocked until the oldest of them leaves the
/// window. Time is a parameter. Thread-safe.
class LoginThrottle {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  explicit LoginThrottle(int max_failures = 5,
                         std::chrono::seconds window = std::chrono::minutes(15),
                         std::size_t max_keys = 100'000);

  /// How long `key` must wait at `now`, or nullopt when it may try.
  std::optional<std::chrono::seconds> blocked(const std::string& key, TimePoint now);
  /// blocked() and, when not blocked, a failure recorded at `now` in the same step: an attempt
  /// counts as failed while it is being verified, so parallel attempts cannot all pass the check
  /// before any failure is recorded. A successful attempt gives its reservation back (release) or
  /// clears the key.
  std::optional<std::chrono::seconds> reserve(const std::string& key, TimePoint now);
  /// Takes back one failure recorded at `at` (a reservation whose attempt succeeded).
  void release(const std::string& key, TimePoint at);
  /// Records a failure at `now`; returns how many were within the window before it (at most
  /// max_failures).
  int record_failure(const std::string& key, TimePoint now);
  void clear(const std::string& key);
  std::size_t keys() const;

 private:
  void prune(std::deque<TimePoint>& failures, TimePoint now) const;
  std::optional<std::chrono::seconds> blocked_locked(const std::string& key, TimePoint now);
  int record_locked(const std::string& key, TimePoint now);

  int max_failures_;
  std::chrono::seconds window_;
  std::size_t max_keys_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::deque<TimePoint>> failures_;
};

/// The sign-in policy (docs/web.md, "Throttling"). Wrong passwords lock out whoever sends them,
/// never the user they are aimed at:
///  - per client address and user name: 5 failures within 15 minutes lock that pair (429, even
///    with the right password) until the oldest failure leaves the window;
///  - per client address: 20 failures within 15 minutes, whatever the names, lock the address (an
///    address guessing many names is stopped). Callers pass an IPv6 client's /64
///    (http::connection_group), since one client may use any address in it;
///  - per user name across addresses: never a refusal. From the 10th failure within 15 minutes
///    every attempt on the name, right or wrong and from any address, is answered late (1 s,
///    doubling up to 15 s; http::Response::delay, waited out by the server without a thread). One
///    address alone (5 failures) cannot even slow a user down.
/// An attempt is reserved (counted as failed) before the password is verified, so parallel guesses
/// cannot all pass the check before the first failure is recorded; succeeded() gives it back.
/// Time is a parameter. Thread-safe.
class SignInThrottle {
 public:
  using TimePoint = LoginThrottle::TimePoint;
  static constexpr int kPairFailures = 5;
  static constexpr int kAddressFailures = 20;
  static constexpr int kNameSlowdownFrom = 10;
  static constexpr std::chrono::minutes kWindow{15};
  static constexpr std::chrono::seconds kMaxDelay{15};

  struct Attempt {
    std::string address;
    /// The user name as a key (lower case); empty when the text cannot be a user name, and then
    /// the attempt counts against the address only (names that cannot exist get no entry).
    std::string name;
  };
  struct Decision {
    std::optional<std::chrono::seconds> refused;  ///< locked: try again after this long (429)
    std::chrono::milliseconds delay{0};           ///< otherwise answer after this long
  };

  /// Reserves the attempt at `now` unless its pair or address is locked.
  Decision reserve(const Attempt& attempt, TimePoint now);
  /// Gives back the reservation made at `at` (the attempt could not be decided: a store error).
  void release(const Attempt& attempt, TimePoint at);
  /// The attempt reserved at `at` had the right password: its reservation is given back and the
  /// pair starts over (the name's other failures stay: a user signing in does not lift the
  /// slowdown that an attack on the name caused).
  void succeeded(const Attempt& attempt, TimePoint at);

 private:
  static std::string pair_key(const Attempt& attempt);

  LoginThrottle pairs_{kPairFailures, kWindow};
  LoginThrottle addresses_{kAddressFailures, kWindow};
  /// Counts only (never blocks): capped a little above where the delay stops growing.
  LoginThrottle names_{kNameSlowdownFrom + 8, kWindow};
};

}  // namespace plm::web
