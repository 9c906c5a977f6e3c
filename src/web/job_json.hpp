#pragma once
/// The jobs API's text forms (api/openapi.yaml), shared with `plm jobs`: the Job and JobDetails
/// bodies from the core's job model, which the web app answers with and `plm jobs --json` prints
/// (scripts and the front end read one shape), and the state filter both accept.

#include <string>
#include <string_view>
#include <vector>

#include "core/jobs/job.hpp"
#include "core/ports/job_queue.hpp"
#include "core/result.hpp"

namespace plm::web {

/// The Job schema. Ids are strings; an account id of 0 is null; an Internal error's message is
/// replaced (internals stay in the server's log).
std::string job_json(const core::Job& job);
/// The JobDetails schema: the job, its per-item results and its history.
std::string job_details_json(const core::JobDetails& details);

/// Account.last_sync_failure of `account_id` as JSON: "null", or the object of its latest ended
/// sync when that failed or was cancelled (the web app's account card and `plm accounts` alike).
core::Result<std::string> last_sync_failure_json(core::JobQueue& jobs, std::int64_t account_id);

/// A comma-separated list of states ("queued,running"; empty entries are ignored), as the `state`
/// filter and `plm jobs --state` take it. InvalidInput naming the first unknown state, worded to
/// follow the name of the parameter ("'state' takes …", "--state takes …").
core::Result<std::vector<core::JobState>> parse_job_states(std::string_view list);

}  // namespace plm::web
