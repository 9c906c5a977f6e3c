#pragma once
/// Runs a program for black-box tests: with extra environment variables, optional standard input,
/// and its output captured. Children get their own pipes; nothing is inherited by accident.

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace plm::test_support {

struct ProcessResult {
  int exit_code = -1;  ///< -1 when killed by a signal
  std::string out;
  std::string err;
};

/// Runs `argv` to completion. `environment` is added to (and overrides) the test's environment.
ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& environment,
                          const std::string& input = {});

/// A running child whose standard output can be read line by line while it runs.
class Process {
 public:
  Process(const std::vector<std::string>& argv,
          const std::map<std::string, std::string>& environment);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  /// The next line of standard output (without the newline); empty at end of output.
  std::string read_line();
  /// Waits for exit; collects the rest of standard output and all of standard error.
  ProcessResult wait();
  void kill(int signal);

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string out_;
};

}  // namespace plm::test_support
