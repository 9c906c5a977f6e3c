#pragma once
// A program run on a pseudo-terminal for the `plm` black-box tests (cli_test.cpp: the password
// prompt; cli_output_test.cpp: tables, colour and the pager on a terminal).

#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace plm_cli_test {

/// A program on a pseudo-terminal: what a person at a terminal would see and type. The child
/// is a session leader with the terminal as its controlling one, so Ctrl-C sends it SIGINT.
/// The test keeps the terminal's slave side open to read its settings after the child ends.
class TerminalSession {
 public:
  /// `columns` and `rows`: the window's size (TIOCGWINSZ); 0 leaves the pty's default.
  TerminalSession(const std::vector<std::string>& argv,
                  const std::map<std::string, std::string>& environment, int columns = 0,
                  int rows = 0) {
    winsize size{};
    size.ws_col = static_cast<unsigned short>(columns);
    size.ws_row = static_cast<unsigned short>(rows);
    if (openpty(&master_, &slave_, nullptr, nullptr, columns > 0 ? &size : nullptr) != 0)
      throw std::runtime_error("openpty");
    // Everything the child needs is built before fork: after it, only async-signal-safe calls.
    std::map<std::string, std::string> merged;
    for (char** entry = environ; entry && *entry; ++entry) {
      const std::string text(*entry);
      if (const auto equals = text.find('='); equals != std::string::npos)
        merged[text.substr(0, equals)] = text.substr(equals + 1);
    }
    for (const auto& [key, value] : environment) merged[key] = value;
    std::vector<std::string> env_strings;
    for (const auto& [key, value] : merged) env_strings.push_back(key + "=" + value);
    std::vector<std::string> arguments = argv;
    std::vector<char*> args, env;
    for (auto& argument : arguments) args.push_back(argument.data());
    args.push_back(nullptr);
    for (auto& entry : env_strings) env.push_back(entry.data());
    env.push_back(nullptr);
    pid_ = fork();
    if (pid_ == 0) {
      setsid();
      ioctl(slave_, TIOCSCTTY, 0);
      dup2(slave_, STDIN_FILENO);
      dup2(slave_, STDOUT_FILENO);
      dup2(slave_, STDERR_FILENO);
      close(master_);
      close(slave_);
      execve(args[0], args.data(), env.data());
      _exit(127);
    }
  }
  ~TerminalSession() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(master_);
    close(slave_);
  }
  TerminalSession(const TerminalSession&) = delete;
  TerminalSession& operator=(const TerminalSession&) = delete;

  /// Reads what the terminal shows until `text` appears; false after 30 s without it.
  bool wait_for(const std::string& text) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (screen_.find(text) == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !read_some(static_cast<int>(left.count()))) return false;
    }
    return true;
  }
  /// Keys typed at the terminal (the line discipline echoes them unless echo is off).
  void type(const std::string& keys) {
    ASSERT_EQ(::write(master_, keys.data(), keys.size()), static_cast<ssize_t>(keys.size()));
  }
  /// Waits for the child; then everything it left on the screen is read. The exit code, or
  /// -signal when a signal ended it.
  int wait_exit() {
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    exited_ = true;
    while (read_some(0)) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  }
  bool echo_on() const {
    termios settings{};
    tcgetattr(slave_, &settings);
    return (settings.c_lflag & ECHO) != 0;
  }
  const std::string& screen() const { return screen_; }

 private:
  bool read_some(int timeout_ms) {
    pollfd fd{master_, POLLIN, 0};
    if (poll(&fd, 1, timeout_ms) <= 0 || !(fd.revents & POLLIN)) return false;
    char buffer[4096];
    const auto n = ::read(master_, buffer, sizeof buffer);
    if (n <= 0) return false;
    screen_.append(buffer, static_cast<std::size_t>(n));
    return true;
  }

  int master_ = -1;
  int slave_ = -1;
  pid_t pid_ = -1;
  bool exited_ = false;
  std::string screen_;
};

}  // namespace plm_cli_test
