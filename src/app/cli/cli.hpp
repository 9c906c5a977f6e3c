#pragma once
/// The `plm` command line: commands over the same core services the web app uses. Each command
/// is described once as data (command_line.hpp); parsing, `--help` and dispatch come from that
/// table (cli.cpp).

#include <iosfwd>

#include "app/cli/exit_code.hpp"

namespace plm::app {

/// Runs `plm` with `argv` (argv[0] is the program). `out` gets results, `err` messages.
ExitCode run_cli(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace plm::app
