#pragma once
/// plm(1), generated from the command table: `plm help --man`, and build/<preset>/plm.1 (CMake
/// writes it after building plm; `cmake --install` puts it in share/man/man1).

#include <string>

#include "app/cli/command_line.hpp"

namespace plm::app::cli {

/// The manual page in roff (man macros): NAME, SYNOPSIS, DESCRIPTION, COMMANDS (every command's
/// usage, summary, details, arguments, options and examples), GLOBAL OPTIONS, EXIT STATUS,
/// ENVIRONMENT, FILES, SEE ALSO.
std::string man_page(const CommandTable& table);

}  // namespace plm::app::cli
