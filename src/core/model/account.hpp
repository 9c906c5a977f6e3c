#pragma once
/// App users and the Spotify accounts they connect.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace plm::core {

enum class Role { Admin, Editor, Viewer };
std::string_view to_string(Role role);
std::optional<Role> role_from_string(std::string_view text);

/// A plm user name: 1 to 64 characters of ASCII letters, digits and `. _ @ -`. The web sign-in
/// throttle keys its counters on the name, so every entry point (web, CLI) refuses other names.
bool valid_username(std::string_view name);

struct AppUser {
  std::int64_t id = 0;
  std::string username;
  std::string password_hash;  ///< Argon2id string (libsodium); never logged
  Role role = Role::Viewer;
  TimePoint created_at;  ///< from the store's clock, to the second

  bool operator==(const AppUser&) const = default;
};

/// OAuth tokens of a connected Spotify account. Stored encrypted; never logged.
struct AccountTokens {
  std::string access_token;
  std::string refresh_token;
  std::string scope;
  TimePoint expires_at;  ///< when the access token expires (to the second, as stored)
  /// The user's consent, to the second: refresh tokens die 6 months later. nullopt when unknown.
  std::optional<TimePoint> authorized_at;

  bool operator==(const AccountTokens&) const = default;
};

enum class AccountStatus {
  Active,
  NeedsReauth,  ///< the refresh token was refused; work for this account stops until reconnected
};
std::string_view to_string(AccountStatus status);
std::optional<AccountStatus> account_status_from_string(std::string_view text);

struct SpotifyAccount {
  std::int64_t id = 0;
  std::int64_t app_user_id = 0;  ///< owner in plm; every access is checked against it
  std::string spotify_user_id;
  std::string display_name;
  std::string client_id;  ///< the Spotify app the tokens belong to (rate limits are per client ID)
  AccountTokens tokens;
  AccountStatus status = AccountStatus::Active;
  std::optional<TimePoint> last_synced_at;  ///< nullopt if never synced

  bool operator==(const SpotifyAccount&) const = default;
};

/// When Spotify stops accepting the account's refresh token: six calendar months after the
/// user's consent (spotify-api.md 1.3), at the same time of day, the day clamped to the month's
/// length (Aug 31 + 6 months = Feb 28, or Feb 29 in a leap year), as the emulator does. nullopt
/// when the consent time is unknown. The CLI and the web app both show this.
std::optional<TimePoint> authorization_expires_at(const SpotifyAccount& account);

/// Whole days from `now` until authorization_expires_at, rounded down (0 on the last day,
/// negative once expired); nullopt when the consent time is unknown.
std::optional<std::int64_t> authorization_days_left(const SpotifyAccount& account, TimePoint now);

/// From this many days left on, the CLI and the web app warn that the account must be reconnected.
inline constexpr std::int64_t kAuthorizationWarningDays = 21;

}  // namespace plm::core
