#pragma once
/// The Spotify account a job acts on, checked again when the job runs (it may have been
/// disconnected or need a new consent since the job was enqueued). Shared by the job handlers.

#include <string_view>

#include "core/jobs/job.hpp"
#include "core/model/account.hpp"
#include "core/ports/store.hpp"
#include "core/result.hpp"

namespace plm::app {

/// The job's account when it still belongs to the job's owner: NotFound when it was disconnected,
/// NeedsReauth when it must be connected again before it can `action` ("sync", "edit").
core::Result<core::SpotifyAccount> account_for_job(core::AccountStore& accounts,
                                                   const core::Job& job, std::string_view action);

}  // namespace plm::app
