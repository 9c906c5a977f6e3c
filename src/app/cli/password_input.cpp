#include "app/cli/password_input.hpp"

#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <istream>
#include <ostream>

namespace plm::app::cli {

namespace {

/// Signals that end the process while echo is off: their handler turns echo back on first.
constexpr std::array kEndingSignals{SIGINT, SIGTERM, SIGHUP, SIGQUIT};

// What the signal handler needs, set before it is installed. Only one EchoOff exists at a time.
int g_terminal_fd = -1;
termios g_saved_terminal{};
std::array<struct sigaction, kEndingSignals.size()> g_previous_actions{};

void restore_terminal_and_resend(int signal) {
  // Only async-signal-safe calls: tcsetattr, sigaction, raise.
  tcsetattr(g_terminal_fd, TCSANOW, &g_saved_terminal);
  for (std::size_t i = 0; i < kEndingSignals.size(); ++i) {
    if (kEndingSignals[i] == signal) sigaction(signal, &g_previous_actions[i], nullptr);
  }
  raise(signal);  // delivered with the previous action once this handler returns
}

/// Echo off on a terminal for its lifetime; restored by the destructor, or by the handler of a
/// signal that ends the process first (the shell would otherwise be left without echo).
class EchoOff {
 public:
  explicit EchoOff(int fd) {
    if (tcgetattr(fd, &g_saved_terminal) != 0) return;
    g_terminal_fd = fd;
    struct sigaction action {};
    action.sa_handler = restore_terminal_and_resend;
    sigemptyset(&action.sa_mask);
    for (std::size_t i = 0; i < kEndingSignals.size(); ++i) {
      sigaction(kEndingSignals[i], &action, &g_previous_actions[i]);
    }
    termios quiet = g_saved_terminal;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHOE | ECHOK | ECHONL);
    // TCSAFLUSH: what was typed before the prompt (and shown) is not taken as the password.
    active_ = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
  }
  ~EchoOff() {
    if (g_terminal_fd < 0) return;
    tcsetattr(g_terminal_fd, TCSANOW, &g_saved_terminal);
    for (std::size_t i = 0; i < kEndingSignals.size(); ++i) {
      sigaction(kEndingSignals[i], &g_previous_actions[i], nullptr);
    }
    g_terminal_fd = -1;
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

  bool active() const { return active_; }

 private:
  bool active_ = false;
};

core::Error no_password() {
  return core::make_error(core::ErrorCode::InvalidInput, "no password given; nothing was changed");
}

}  // namespace

PasswordSource password_source(int fd, bool one_line_requested) {
  return !one_line_requested && isatty(fd) ? PasswordSource::Terminal : PasswordSource::Line;
}

core::Result<std::string> read_new_password(std::string_view user_name, PasswordSource source,
                                            std::istream& in, int terminal_fd,
                                            std::ostream& prompts) {
  std::string password;
  if (source == PasswordSource::Line) {
    if (!std::getline(in, password)) return no_password();
    return password;
  }
  const EchoOff echo_off(terminal_fd);
  if (!echo_off.active()) {
    return core::make_error(core::ErrorCode::Internal,
                            "cannot turn off the terminal's echo to read the password; use "
                            "--password-stdin");
  }
  // The Enter that ends each entry is not echoed either, hence the newlines.
  prompts << "password for " << user_name << ": " << std::flush;
  const bool first = static_cast<bool>(std::getline(in, password));
  prompts << "\n";
  if (!first) return no_password();
  std::string again;
  prompts << "the same password again: " << std::flush;
  const bool second = static_cast<bool>(std::getline(in, again));
  prompts << "\n" << std::flush;
  if (!second) return no_password();
  if (again != password) {
    return core::make_error(core::ErrorCode::InvalidInput,
                            "the two passwords differ; nothing was changed");
  }
  return password;
}

}  // namespace plm::app::cli
