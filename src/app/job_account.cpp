#include "app/job_account.hpp"

#include <string>

namespace plm::app {

core::Result<core::SpotifyAccount> account_for_job(core::AccountStore& accounts,
                                                   const core::Job& job, std::string_view action) {
  auto found = accounts.find_account(job.account_id);
  if (!found) return found.error();
  if (!*found || (*found)->app_user_id != job.owner_user_id) {
    return core::make_error(
        core::ErrorCode::NotFound,
        "Spotify account " + std::to_string(job.account_id) + " was disconnected");
  }
  if ((*found)->status == core::AccountStatus::NeedsReauth) {
    return core::make_error(core::ErrorCode::NeedsReauth,
                            "Spotify account " + (*found)->display_name +
                                " must be connected again before it can " + std::string(action));
  }
  return **found;
}

}  // namespace plm::app
