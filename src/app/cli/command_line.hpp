#pragma once
/// The command line as data: every command is one `Command` value (name, summary, arguments,
/// flags with a description each, examples, what it needs, its handler), grouped by first word
/// (`plm user add`, `plm user list`). Parsing, each command's `--help`, `plm help`, the shell
/// completions, the man page and the dispatch in cli.cpp are generated from that one table, so
/// every command parses the same way:
///   `--flag value` and `--flag=value`; short forms `-a 3`, `-a3`, `-a=3` and bundled switches
///   `-nq`; `--` ends the options; the global options (--config, --json, ...) before or after the
///   command; `-h`/`--help` everywhere; one wording for unknown commands and options, with the
///   closest name when one is close, as git does ("unknown option '--acount' for 'plm sync'; did
///   you mean '--account'? (see plm sync --help)").

#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/cli/exit_code.hpp"
#include "core/result.hpp"

namespace plm::app::cli {

class CommandContext;

struct NumberRange {
  int min = 0;
  int max = 0;
};

struct Flag {
  std::string_view name;          ///< "--account"
  std::string_view value_name;    ///< "ID" in usage lines; empty: a switch that takes no value
  std::string_view description;   ///< one line for --help
  std::string_view setting = {};  ///< the value overrides this configuration key ("PLM_LISTEN")
  std::optional<NumberRange> number = {};      ///< the value must be a whole number in this range
  std::vector<std::string_view> choices = {};  ///< the value must be one of these
  /// The one-letter form ('a' for -a), or 0 for none. Short forms are few and the same letter
  /// means the same thing in every command (docs/cli.md "Conventions"): -a --account,
  /// -n --dry-run, -q --quiet, -y --yes, -o --output, -p --position, -h --help.
  char short_name = 0;

  bool takes_value() const { return !value_name.empty(); }
};

/// What a command needs before its handler runs (loaded by the dispatcher, after parsing and
/// --help, so help works when the configuration or the database is broken).
enum class Needs {
  Nothing,   ///< the handler loads what it needs itself
  Config,    ///< the validated configuration
  Services,  ///< the configuration and the opened services (data directory, database, key)
};

using Handler = ExitCode (*)(CommandContext& context);

/// One example of --help, the man page and docs/cli.md: a command line and what it does.
struct Example {
  std::string_view command_line;  ///< "plm playlists --search focus"
  std::string_view explanation;   ///< "list the playlists whose name holds 'focus'"
};

/// A positional argument of a command: its name in usage lines ("ID", "URI...", "[URI...]") and
/// what it is, for the "Arguments" section of --help. Converts from its name alone.
struct Argument {
  std::string_view name;
  std::string_view description;

  // Implicit, so that `.arguments = {"ID"}` still reads as a list of names.
  Argument(std::string_view its_name, std::string_view its_description = {})
      : name(its_name), description(its_description) {}
  Argument(const char* its_name) : name(its_name) {}
};

struct Command {
  std::string_view name;     ///< "" for the group's own command (`plm sync`), else "add" etc.
  std::string_view summary;  ///< one line; for a group's own command "" means the group's summary
  /// Required positional arguments ("NAME"); a last one ending in "..." ("URI...") takes one or
  /// more values, and in brackets ("[URI...]") zero or more (the handler says when none is
  /// wrong).
  std::vector<Argument> arguments;
  std::vector<Flag> flags;
  std::string_view details;  ///< paragraphs --help shows after the summary ("" for none)
  Needs needs = Needs::Services;
  Handler handler = nullptr;
  /// One or two examples; every command has at least one (tested).
  std::vector<Example> examples = {};
  /// The fields `--json FIELDS` may select, as named in the command's JSON output (the top-level
  /// object's keys, or each record's keys when the output is a list). Empty: the command's JSON
  /// output does not support field selection (`--json` alone still works).
  std::vector<std::string_view> json_fields = {};
};

/// The commands under one first word. Each group lives in its own commands_*.cpp file and is one
/// row of the table in cli.cpp.
struct CommandGroup {
  std::string_view name;     ///< "user"
  std::string_view summary;  ///< its line in `plm --help`
  std::vector<Command> commands;

  const Command* own_command() const;  ///< the command named "", if any
  const Command* subcommand(std::string_view wanted) const;
  bool has_subcommands() const;
};

/// A parsed command line.
struct Invocation {
  const CommandGroup* group = nullptr;  ///< nullptr: no command given
  const Command* command = nullptr;     ///< nullptr: a group without a command of its own
  std::map<std::string, std::string, std::less<>> values;  ///< flags with a value (last wins)
  std::set<std::string, std::less<>> switches;             ///< flags without a value
  std::vector<std::string> arguments;                      ///< positional arguments
  std::map<std::string, std::string> settings;             ///< configuration overrides, by key
  bool help = false;
  bool version = false;
  /// --json was given (alone, or with fields). `json_fields` holds the selected fields, in the
  /// order given: `--json=id,name` always, and `--json id,name` when every name is one of the
  /// command's `json_fields` (otherwise the next word is not --json's: `plm user add --json bob`).
  bool json = false;
  std::vector<std::string> json_fields;
  /// --jq EXPR: a jq filter over the JSON output (implies --json); applied by cli::Output.
  std::optional<std::string> jq;

  std::optional<std::string> value(std::string_view flag) const;
  /// The value of a flag declared with a NumberRange (checked by the parser).
  std::optional<int> number(std::string_view flag) const;
  bool has(std::string_view flag) const;
  /// "plm", "plm sync", "plm user add": how messages name the command.
  std::string command_path() const;
};

/// The table and the options every command accepts.
struct CommandTable {
  std::span<const CommandGroup> groups;
  std::span<const Flag> global_flags;
};

/// Parses `arguments` (without the program name). A usage error carries a message ready for
/// "plm: <message>" that ends with a pointer to the right --help. `--help` wins over any other
/// usage error once the command is known; an unknown command is an error even with --help.
core::Result<Invocation> parse_command_line(const CommandTable& table,
                                            const std::vector<std::string>& arguments);

/// Whether usage and configuration errors are answered as JSON: `--json` or `--jq` (in any form)
/// anywhere before `--`, even on a command line that does not parse.
bool wants_json(const std::vector<std::string>& arguments);

/// The candidates closest to `typed` (edit distance with transpositions, as git's "did you mean";
/// or `typed` is the start of the name), best first; empty when none is close enough.
std::vector<std::string_view> closest_names(std::string_view typed,
                                            const std::vector<std::string_view>& candidates);

/// "usage: plm sync [--account ID] [--quiet] [global options]".
std::string usage_line(const CommandGroup& group, const Command& command);

/// The text of `plm <group> --help` (command: nullptr) or `plm <group> <command> --help`, one
/// layout for all: usage, summary, details, Commands (a group's), Arguments, Options, Global
/// options, JSON fields, Examples, Learn more.
std::string help_text(const CommandTable& table, const CommandGroup& group, const Command* command);

/// The text of `plm --help` and `plm help`: every group with the commands inside it.
std::string top_level_help(const CommandTable& table);

/// "plm user add", "plm sync": how usage lines, examples and messages name a command.
std::string command_path(const CommandGroup& group, const Command& command);

/// The "Commands:" section of `plm --help`: each group with its summary.
std::string commands_section(const CommandTable& table);

/// The "Global options:" section; `top_level` adds --help and --version (`plm --help`).
std::string global_options_section(const CommandTable& table, bool top_level);

}  // namespace plm::app::cli
