#include "core/model/account.hpp"

namespace plm::core {

bool valid_username(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (const char c : name) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@' || c == '-';
    if (!allowed) return false;
  }
  return true;
}

std::string_view to_string(Role role) {
  switch (role) {
    case Role::Admin:
      return "admin";
    case Role::Editor:
      return "editor";
    case Role::Viewer:
      return "viewer";
  }
  return "viewer";
}

std::optional<Role> role_from_string(std::string_view text) {
  if (text == "admin") return Role::Admin;
  if (text == "editor") return Role::Editor;
  if (text == "viewer") return Role::Viewer;
  return std::nullopt;
}

std::string_view to_string(AccountStatus status) {
  return status == AccountStatus::Active ? "active" : "needs_reauth";
}

std::optional<AccountStatus> account_status_from_string(std::string_view text) {
  if (text == "active") return AccountStatus::Active;
  if (text == "needs_reauth") return AccountStatus::NeedsReauth;
  return std::nullopt;
}

std::optional<TimePoint> authorization_expires_at(const SpotifyAccount& account) {
  using namespace std::chrono;
  if (!account.tokens.authorized_at) return std::nullopt;
  const TimePoint authorized = *account.tokens.authorized_at;
  const auto day = floor<days>(authorized);
  year_month_day expiry = year_month_day{day} + months(6);
  if (!expiry.ok()) expiry = expiry.year() / expiry.month() / last;
  return sys_days(expiry) + (authorized - day);
}

std::optional<std::int64_t> authorization_days_left(const SpotifyAccount& account, TimePoint now) {
  const auto expires = authorization_expires_at(account);
  if (!expires) return std::nullopt;
  return std::chrono::floor<std::chrono::days>(*expires - now).count();
}

}  // namespace plm::core
