#include "support/process.hpp"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

extern char** environ;

namespace plm::test_support {

namespace {

std::vector<std::string> merged_environment(const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> all;
  for (char** entry = environ; entry && *entry; ++entry) {
    const std::string text(*entry);
    const auto equals = text.find('=');
    if (equals != std::string::npos) all[text.substr(0, equals)] = text.substr(equals + 1);
  }
  for (const auto& [key, value] : extra) all[key] = value;
  std::vector<std::string> result;
  for (const auto& [key, value] : all) result.push_back(key + "=" + value);
  return result;
}

pid_t spawn(const std::vector<std::string>& argv,
            const std::map<std::string, std::string>& environment, int in_fd, int out_fd,
            int err_fd, const std::vector<int>& close_in_child) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (in_fd >= 0) posix_spawn_file_actions_adddup2(&actions, in_fd, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
  for (const int fd : close_in_child) posix_spawn_file_actions_addclose(&actions, fd);
  std::vector<std::string> arguments = argv;
  std::vector<char*> args;
  for (auto& argument : arguments) args.push_back(argument.data());
  args.push_back(nullptr);
  auto env_strings = merged_environment(environment);
  std::vector<char*> env;
  for (auto& entry : env_strings) env.push_back(entry.data());
  env.push_back(nullptr);
  pid_t pid = -1;
  const int failed = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (failed) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(failed));
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// Reads two pipes to their ends without deadlocking on either.
void drain_both(int out_fd, int err_fd, std::string& out, std::string& err) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  int open = 2;
  char buffer[8192];
  while (open > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const auto n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n <= 0) {
        fds[i].fd = -1;
        --open;
      } else {
        (i == 0 ? out : err).append(buffer, static_cast<std::size_t>(n));
      }
    }
  }
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& environment,
                          const std::string& input) {
  int in[2], out[2], err[2];
  if (pipe(in) || pipe(out) || pipe(err)) throw std::runtime_error("pipe failed");
  const pid_t pid = spawn(argv, environment, in[0], out[1], err[1], {in[1], out[0], err[0]});
  close(in[0]);
  close(out[1]);
  close(err[1]);
  if (!input.empty()) (void)!::write(in[1], input.data(), input.size());
  close(in[1]);
  ProcessResult result;
  drain_both(out[0], err[0], result.out, result.err);
  close(out[0]);
  close(err[0]);
  result.exit_code = wait_for(pid);
  return result;
}

Process::Process(const std::vector<std::string>& argv,
                 const std::map<std::string, std::string>& environment) {
  int out[2], err[2];
  if (pipe(out) || pipe(err)) throw std::runtime_error("pipe failed");
  pid_ = spawn(argv, environment, -1, out[1], err[1], {out[0], err[0]});
  close(out[1]);
  close(err[1]);
  out_fd_ = out[0];
  err_fd_ = err[0];
}

Process::~Process() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    wait_for(pid_);
  }
  if (out_fd_ >= 0) close(out_fd_);
  if (err_fd_ >= 0) close(err_fd_);
}

std::string Process::read_line() {
  for (;;) {
    const auto newline = out_.find('\n');
    if (newline != std::string::npos) {
      std::string line = out_.substr(0, newline);
      out_.erase(0, newline + 1);
      return line;
    }
    char buffer[4096];
    const auto n = ::read(out_fd_, buffer, sizeof buffer);
    if (n <= 0) {
      std::string rest = std::move(out_);
      out_.clear();
      return rest;
    }
    out_.append(buffer, static_cast<std::size_t>(n));
  }
}

ProcessResult Process::wait() {
  ProcessResult result;
  result.out = std::move(out_);
  drain_both(out_fd_, err_fd_, result.out, result.err);
  result.exit_code = wait_for(pid_);
  pid_ = -1;
  return result;
}

void Process::kill(int signal) {
  if (pid_ > 0) ::kill(pid_, signal);
}

}  // namespace plm::test_support
