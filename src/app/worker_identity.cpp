#include "app/worker_identity.hpp"

#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace plm::app {

namespace {

std::optional<std::int64_t> whole_number(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct ProcessStat {
  char state = '?';
  std::int64_t start = 0;
};

/// State and start time from /proc/<pid>/stat; nullopt when there is no such process.
std::optional<ProcessStat> read_stat(const std::string& pid) {
  const std::string stat = read_file("/proc/" + pid + "/stat");
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields count from the
  // last ')'. The state is field 3, the start time field 22.
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(stat.substr(close + 1));
  std::vector<std::string> after_comm;
  for (std::string field; fields >> field && after_comm.size() < 20;) after_comm.push_back(field);
  if (after_comm.size() < 20) return std::nullopt;
  const auto start = whole_number(after_comm[19]);
  if (!start || after_comm[0].size() != 1) return std::nullopt;
  return ProcessStat{after_comm[0][0], *start};
}

/// FNV-1a of the boot id and the pid namespace, as 12 hex digits.
std::string machine_key() {
  std::string identity = read_file("/proc/sys/kernel/random/boot_id");
  char link[256] = {};
  const auto size = ::readlink("/proc/self/ns/pid", link, sizeof link - 1);
  if (identity.empty() || size <= 0)
    throw std::runtime_error("cannot read the boot id and pid namespace from /proc");
  identity.append(link, static_cast<std::size_t>(size));
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : identity) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  char text[16];
  std::snprintf(text, sizeof text, "%012llx",
                static_cast<unsigned long long>(hash & 0xffffffffffffULL));
  return text;
}

}  // namespace

std::string worker_name(const WorkerProcess& process) {
  return process.host + ":" + std::to_string(process.pid) + ":" + std::to_string(process.start) +
         "@" + process.machine;
}

std::optional<WorkerProcess> parse_worker_name(std::string_view worker_id) {
  std::string_view name = worker_id.substr(0, worker_id.rfind('/'));
  const auto at = name.rfind('@');
  if (at == std::string_view::npos) return std::nullopt;
  WorkerProcess process;
  process.machine = std::string(name.substr(at + 1));
  name = name.substr(0, at);
  const auto start_colon = name.rfind(':');
  if (start_colon == std::string_view::npos) return std::nullopt;
  const auto pid_colon = name.rfind(':', start_colon == 0 ? 0 : start_colon - 1);
  if (pid_colon == std::string_view::npos || pid_colon == start_colon) return std::nullopt;
  const auto pid = whole_number(name.substr(pid_colon + 1, start_colon - pid_colon - 1));
  const auto start = whole_number(name.substr(start_colon + 1));
  if (!pid || !start || *pid <= 0 || process.machine.empty()) return std::nullopt;
  process.host = std::string(name.substr(0, pid_colon));
  process.pid = *pid;
  process.start = *start;
  return process;
}

WorkerProcess this_process() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "host");
  const auto stat = read_stat("self");
  if (!stat) throw std::runtime_error("cannot read this process's start time from /proc/self/stat");
  return WorkerProcess{host, ::getpid(), stat->start, machine_key()};
}

bool process_running(std::int64_t pid, std::int64_t start) {
  const auto stat = read_stat(std::to_string(pid));
  // A zombie (killed, not yet reaped by its parent) or a dead task no longer runs anything.
  return stat && stat->start == start && stat->state != 'Z' && stat->state != 'X' &&
         stat->state != 'x';
}

core::Result<std::int64_t> release_jobs_of_dead_processes(
    core::JobQueue& queue, const std::string& machine,
    const std::function<bool(std::int64_t, std::int64_t)>& running) {
  core::JobFilter filter;
  filter.states = {core::JobState::Running};
  filter.limit = 1000;
  std::int64_t released = 0;
  for (;;) {
    auto page = queue.list_jobs(filter);
    if (!page) return page.error();
    for (const auto& job : *page) {
      const auto holder = parse_worker_name(job.lease_owner);
      if (!holder || holder->machine != machine || running(holder->pid, holder->start)) continue;
      auto done = queue.release(job.id, job.lease_owner,
                                "the process that ran it (pid " + std::to_string(holder->pid) +
                                    " on " + holder->host + ") is gone");
      // Conflict: another process took it meanwhile, which is what we wanted.
      if (done) {
        ++released;
      } else if (done.error().code != core::ErrorCode::Conflict) {
        return done.error();
      }
    }
    if (page->size() < static_cast<std::size_t>(filter.limit)) return released;
    filter.before_id = page->back().id;
  }
}

}  // namespace plm::app
