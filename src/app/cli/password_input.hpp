#pragma once
/// Reading a new password for `plm user add` without showing it: on a terminal, echo is off
/// while it is typed (and back on however reading ends, also on SIGINT), and it is asked twice;
/// from a pipe or with --password-stdin, one line without prompts.

#include <iosfwd>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace plm::app::cli {

enum class PasswordSource {
  Terminal,  ///< prompt on `prompts`, echo off on the terminal `in` reads, ask twice
  Line,      ///< one line from `in`, no prompt (pipes, --password-stdin)
};

/// Terminal when `fd` is a terminal and the caller did not ask for one line.
PasswordSource password_source(int fd, bool one_line_requested);

/// The password for `user_name`. InvalidInput when input ends first or the two entries differ.
/// `terminal_fd` is the terminal behind `in` (only used with PasswordSource::Terminal).
core::Result<std::string> read_new_password(std::string_view user_name, PasswordSource source,
                                            std::istream& in, int terminal_fd,
                                            std::ostream& prompts);

}  // namespace plm::app::cli
