#include "core/model/account.hpp"

namespace plm::core {

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

}  // namespace plm::core
