#pragma once
/// `plm completion bash|zsh|fish`: completion scripts generated from the command table, so a new
/// command, subcommand, option or choice completes without touching a script.

#include <optional>
#include <string>
#include <string_view>

#include "app/cli/command_line.hpp"

namespace plm::app::cli {

/// The script for `shell` ("bash", "zsh" or "fish"), or nullopt for another shell. It completes
/// the commands, their subcommands, the long options (a command's and the global ones) and the
/// choices of an option (`--keep <TAB>`: first last); `plm help <TAB>` the commands and
/// `plm completion <TAB>` the shells. Playlist ids are not completed.
std::optional<std::string> completion_script(const CommandTable& table, std::string_view shell);

}  // namespace plm::app::cli
