#pragma once
/// Worker names that say which process holds a job, so that a `plm serve` started again after a
/// crash (SIGKILL, the OOM killer, a power cut of the container) takes back at once the jobs its
/// dead predecessor on this machine held, instead of waiting for their leases (30 s) to expire.
///
/// A name is "<host>:<pid>:<start>@<machine>" and a worker id adds "/<slot>":
///   host     the host name, for people reading a job's history;
///   pid      the process id;
///   start    when the process started, in clock ticks after boot (/proc/<pid>/stat, field 22):
///            a pid reused by another process has another start;
///   machine  a key of this kernel's boot and pid namespace (boot_id, /proc/self/ns/pid): pids are
///            compared only between processes with equal keys, so containers or machines sharing
///            one database never judge each other's processes (those wait for their leases).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/ports/job_queue.hpp"

namespace plm::app {

struct WorkerProcess {
  std::string host;
  std::int64_t pid = 0;
  std::int64_t start = 0;  ///< clock ticks after boot
  std::string machine;

  bool operator==(const WorkerProcess&) const = default;
};

/// "<host>:<pid>:<start>@<machine>" for `process`.
std::string worker_name(const WorkerProcess& process);
/// The process a worker id ("<name>/<slot>") or name names, or nullopt when it is not such a name
/// (another naming scheme, a test's worker).
std::optional<WorkerProcess> parse_worker_name(std::string_view worker_id);

/// This process, as its worker name describes it. Throws std::runtime_error when /proc cannot be
/// read (plm serve needs Linux).
WorkerProcess this_process();
/// Whether process `pid` of this machine runs now and started at `start` (a zombie does not run).
bool process_running(std::int64_t pid, std::int64_t start);

/// Releases (core::JobQueue::release: Interrupted, claimable at once) every running job whose
/// lease belongs to a process of `machine` that no longer runs (`running(pid, start)` false), with
/// a reason naming it. Jobs of other machines, of running processes and of names this scheme did
/// not make are left to their leases. Returns how many were released; the first error of the
/// queue otherwise.
core::Result<std::int64_t> release_jobs_of_dead_processes(
    core::JobQueue& queue, const std::string& machine,
    const std::function<bool(std::int64_t pid, std::int64_t start)>& running = process_running);

}  // namespace plm::app
