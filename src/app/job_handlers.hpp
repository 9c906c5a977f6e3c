#pragma once
/// The one table of job handlers every plm process runs jobs with: `plm serve`'s worker and the
/// CLI commands that run their job in-process (cli/run_job.hpp), so a job does the same wherever
/// it runs. A new kind of job adds its handlers here.

#include <functional>

#include "app/services.hpp"
#include "app/worker.hpp"

namespace plm::app {

/// The sync (sync_jobs.hpp), lifecycle (lifecycle_jobs.hpp) and edit (edit_jobs.hpp) handlers over
/// `services`, which must outlive whatever runs them. `wait_for_reads` is the lifecycle jobs' wait
/// before a read that settles a lost append (LifecycleJobDeps::wait_for_reads): plm serve's can be
/// cut short at shutdown.
JobHandlers job_handlers(Services& services, std::function<void()> wait_for_reads);

}  // namespace plm::app
