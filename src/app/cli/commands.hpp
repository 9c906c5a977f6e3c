#pragma once
/// The command groups of `plm`, one file each (commands_<group>.cpp); cli.cpp lists them in the
/// order `plm --help` shows them. A new group is a new file, its declaration here and its row
/// in cli.cpp's table.

#include <iosfwd>
#include <string>

#include "app/cli/command_line.hpp"

namespace plm::app::cli {

/// plm's whole table: the groups below and the global options (cli.cpp).
CommandTable plm_command_table();

/// A usage or configuration error: "plm: MESSAGE" on stderr and, with --json or --jq,
/// {"error":{"code":"usage","message":MESSAGE}} on stdout; exit code 2 (cli.cpp).
ExitCode usage_error(const std::string& message, bool json, std::ostream& out, std::ostream& err);

CommandGroup connect_commands();
CommandGroup accounts_commands();
CommandGroup sync_commands();
CommandGroup playlists_commands();
CommandGroup playlist_commands();
/// plm playlist create / copy / delete (commands_playlist_lifecycle.cpp), part of the playlist
/// group.
std::vector<Command> playlist_lifecycle_commands();
/// The edit commands of the `playlist` group (commands_edit.cpp).
std::vector<Command> playlist_edit_commands();
/// plm batch … (commands_batch.cpp): one edit over many playlists as one job (issue 10 §5).
CommandGroup batch_commands();
/// plm where URI (commands_batch.cpp): the playlists that hold a track.
CommandGroup where_commands();
/// plm match (commands_match.cpp): pasted lines to catalog tracks (issue 11 §4).
CommandGroup match_commands();
/// plm export and plm import (commands_exchange.cpp): playlists to and from .xlsx and CSV files
/// (issue 14 §5).
CommandGroup export_commands();
CommandGroup import_commands();
CommandGroup jobs_commands();
CommandGroup user_commands();
CommandGroup serve_commands();
CommandGroup config_commands();
/// plm help [COMMAND [SUBCOMMAND]] and plm help --man (commands_help.cpp).
CommandGroup help_commands();
/// plm completion bash|zsh|fish (commands_help.cpp).
CommandGroup completion_commands();

}  // namespace plm::app::cli
