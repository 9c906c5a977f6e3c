#pragma once
/// The one table of job handlers every plm process runs jobs with: `plm serve`'s worker and the
/// CLI commands that run their job in-process (cli/run_job.hpp), so a job does the same wherever
/// it runs. A new kind of job adds its handlers here.

#include "app/services.hpp"
#include "app/worker.hpp"

namespace plm::app {

/// The sync handlers (sync_jobs.hpp), the edit and batch handlers (edit_jobs.hpp,
/// batch_jobs.hpp), the create, split and delete handlers (lifecycle_jobs.hpp) and the paste
/// matcher (match_jobs.hpp) over `services`, which must outlive whatever runs them.
JobHandlers job_handlers(Services& services);

}  // namespace plm::app
