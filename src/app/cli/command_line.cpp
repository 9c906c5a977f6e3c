#include "app/cli/command_line.hpp"

#include <algorithm>
#include <charconv>

namespace plm::app::cli {

namespace {

const Flag* find_flag(std::span<const Flag> flags, std::string_view name) {
  const auto found =
      std::find_if(flags.begin(), flags.end(), [&](const Flag& flag) { return flag.name == name; });
  return found == flags.end() ? nullptr : &*found;
}

std::optional<int> whole_number(std::string_view text) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

/// "admin, editor or viewer".
std::string one_of(const std::vector<std::string_view>& choices) {
  std::string text;
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) text += i + 1 == choices.size() ? " or " : ", ";
    text += choices[i];
  }
  return text;
}

/// Why `value` does not fit `flag`, or nullopt when it does.
std::optional<std::string> value_problem(const Flag& flag, const std::string& value) {
  const std::string name(flag.name);
  if (flag.number) {
    const auto number = whole_number(value);
    if (!number || *number < flag.number->min || *number > flag.number->max) {
      return name + " must be a number from " + std::to_string(flag.number->min) + " to " +
             std::to_string(flag.number->max) + ", got '" + value + "'";
    }
  }
  if (!flag.choices.empty() &&
      std::find(flag.choices.begin(), flag.choices.end(), value) == flag.choices.end()) {
    return name + " must be " + one_of(flag.choices) + ", got '" + value + "'";
  }
  return std::nullopt;
}

std::string see_help(const std::string& command_path) {
  return " (see " + command_path + " --help)";
}

std::string label(const Flag& flag) {
  std::string text(flag.name);
  if (flag.takes_value()) text += " " + std::string(flag.value_name);
  return text;
}

using Rows = std::vector<std::pair<std::string, std::string>>;

constexpr std::size_t kHelpWidth = 80;

/// Two aligned columns, as every "Options:" and "Commands:" section shows them; the right one is
/// wrapped at spaces so that lines stay within kHelpWidth.
std::string columns(const Rows& rows) {
  std::size_t width = 18;
  for (const auto& row : rows) width = std::max(width, row.first.size() + 2);
  const std::size_t indent = 2 + width;
  const std::size_t room = std::max<std::size_t>(kHelpWidth - std::min(indent, kHelpWidth), 30);
  std::string text;
  for (const auto& [left, right] : rows) {
    text += "  " + left + std::string(width - left.size(), ' ');
    std::size_t line_length = 0;
    std::size_t start = 0;
    while (start <= right.size()) {
      const auto space = std::min(right.find(' ', start), right.size());
      const std::string word = right.substr(start, space - start);
      if (line_length > 0 && line_length + 1 + word.size() > room) {
        text += "\n" + std::string(indent, ' ');
        line_length = 0;
      } else if (line_length > 0) {
        text += " ";
        ++line_length;
      }
      text += word;
      line_length += word.size();
      start = space + 1;
    }
    text += "\n";
  }
  return text;
}

Rows flag_rows(std::span<const Flag> flags) {
  Rows rows;
  for (const auto& flag : flags) rows.emplace_back(label(flag), std::string(flag.description));
  return rows;
}

const std::pair<std::string, std::string> kHelpRow{"-h, --help", "show this help"};

std::string command_path(const CommandGroup& group, const Command& command) {
  std::string path = "plm " + std::string(group.name);
  if (!command.name.empty()) path += " " + std::string(command.name);
  return path;
}

}  // namespace

const Command* CommandGroup::own_command() const { return subcommand(""); }

const Command* CommandGroup::subcommand(std::string_view wanted) const {
  const auto found = std::find_if(commands.begin(), commands.end(),
                                  [&](const Command& command) { return command.name == wanted; });
  return found == commands.end() ? nullptr : &*found;
}

bool CommandGroup::has_subcommands() const {
  return std::any_of(commands.begin(), commands.end(),
                     [](const Command& command) { return !command.name.empty(); });
}

std::optional<std::string> Invocation::value(std::string_view flag) const {
  const auto found = values.find(flag);
  if (found == values.end()) return std::nullopt;
  return found->second;
}

std::optional<int> Invocation::number(std::string_view flag) const {
  const auto text = value(flag);
  return text ? whole_number(*text) : std::nullopt;
}

bool Invocation::has(std::string_view flag) const { return switches.contains(flag); }

std::string Invocation::command_path() const {
  if (!group) return "plm";
  if (!command) return "plm " + std::string(group->name);
  return cli::command_path(*group, *command);
}

core::Result<Invocation> parse_command_line(const CommandTable& table,
                                            const std::vector<std::string>& arguments) {
  Invocation invocation;
  std::optional<std::string> problem;  // the first usage error: reported unless --help comes
  auto refuse = [&](const std::string& message) {
    if (!problem) problem = message + see_help(invocation.command_path());
  };
  auto for_command = [&] {
    return invocation.group ? " for '" + invocation.command_path() + "'" : std::string();
  };
  bool options_ended = false;
  bool subcommand_chosen = false;
  bool own_flag_seen = false;  // a flag of the group's own command: what follows is no subcommand
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    const std::string& token = arguments[i];
    if (!options_ended && token == "--") {
      options_ended = true;
      continue;
    }
    if (!options_ended && token.size() > 1 && token.front() == '-') {
      if (token == "-h" || token == "--help") {
        invocation.help = true;
        continue;
      }
      if (token == "--version" && !invocation.group) {
        invocation.version = true;
        continue;
      }
      const auto equals = token.starts_with("--") ? token.find('=') : std::string::npos;
      const std::string name = token.substr(0, equals);
      const Flag* flag = invocation.command ? find_flag(invocation.command->flags, name) : nullptr;
      const bool own_flag = flag != nullptr;
      if (!flag) flag = find_flag(table.global_flags, name);
      if (!flag) {
        refuse("unknown option '" + name + "'" + for_command());
        continue;
      }
      std::string value;
      if (flag->takes_value()) {
        if (equals != std::string::npos) {
          value = token.substr(equals + 1);
        } else if (i + 1 < arguments.size()) {
          value = arguments[++i];
        } else {
          refuse("option '" + name + "'" + for_command() + " needs a value");
          continue;
        }
        if (const auto wrong = value_problem(*flag, value)) {
          refuse(*wrong);
          continue;
        }
        invocation.values[name] = value;
      } else if (equals != std::string::npos) {
        refuse("option '" + name + "'" + for_command() + " takes no value");
        continue;
      } else {
        invocation.switches.insert(name);
      }
      if (!flag->setting.empty()) invocation.settings[std::string(flag->setting)] = value;
      own_flag_seen = own_flag_seen || own_flag;
      continue;
    }
    if (!invocation.group) {
      const auto found =
          std::find_if(table.groups.begin(), table.groups.end(),
                       [&](const CommandGroup& group) { return group.name == token; });
      if (found == table.groups.end()) {
        return core::make_error(core::ErrorCode::InvalidInput,
                                "unknown command '" + token + "'" + see_help("plm"));
      }
      invocation.group = &*found;
      invocation.command = found->own_command();
      continue;
    }
    if (!subcommand_chosen && !own_flag_seen && invocation.arguments.empty()) {
      if (const Command* subcommand = invocation.group->subcommand(token);
          subcommand && !token.empty()) {
        invocation.command = subcommand;
        subcommand_chosen = true;
        continue;
      }
    }
    invocation.arguments.push_back(token);
  }

  // Interim (issue 13 contract): the switch and --jq's value; field lists come with the parser's
  // --json FIELDS reading.
  invocation.json = invocation.switches.contains("--json");
  if (const auto jq = invocation.values.find("--jq"); jq != invocation.values.end())
    invocation.jq = jq->second;
  if (invocation.help || invocation.version) return invocation;
  if (problem) return core::make_error(core::ErrorCode::InvalidInput, *problem);
  if (!invocation.group) return invocation;
  const auto& given = invocation.arguments;
  if (!invocation.command) {
    // `plm user` alone shows what the group offers; `plm user frob` is a mistake.
    if (given.empty()) {
      invocation.help = true;
      return invocation;
    }
    return core::make_error(core::ErrorCode::InvalidInput, "unknown command '" + given.front() +
                                                               "'" + for_command() +
                                                               see_help(invocation.command_path()));
  }
  const auto& wanted = invocation.command->arguments;
  // A last argument spelled "URI..." takes one or more values, "[URI...]" zero or more.
  const bool open_ended =
      !wanted.empty() && (wanted.back().ends_with("...") || wanted.back().ends_with("...]"));
  const std::size_t required =
      open_ended && wanted.back().starts_with('[') ? wanted.size() - 1 : wanted.size();
  if (given.size() > wanted.size() && !open_ended) {
    const bool meant_a_subcommand = !subcommand_chosen && invocation.group->has_subcommands() &&
                                    wanted.empty() && !own_flag_seen;
    return core::make_error(
        core::ErrorCode::InvalidInput,
        std::string(meant_a_subcommand ? "unknown command '" : "unexpected argument '") +
            given[wanted.size()] + "'" + for_command() + see_help(invocation.command_path()));
  }
  if (given.size() < required) {
    std::string missing;
    for (std::size_t i = given.size(); i < required; ++i) {
      missing += (missing.empty() ? "" : " ") + std::string(wanted[i]);
    }
    return core::make_error(core::ErrorCode::InvalidInput, "missing " + missing + for_command() +
                                                               see_help(invocation.command_path()));
  }
  return invocation;
}

std::string usage_line(const CommandGroup& group, const Command& command) {
  std::string line = command_path(group, command);
  for (const auto argument : command.arguments) line += " " + std::string(argument);
  for (const auto& flag : command.flags) line += " [" + label(flag) + "]";
  return line + " [global options]";
}

std::string help_text(const CommandTable& table, const CommandGroup& group,
                      const Command* command) {
  // One command's help, or the group's: every usage line, then its commands.
  std::vector<const Command*> shown;
  if (command && !command->name.empty()) {
    shown.push_back(command);
  } else {
    for (const auto& each : group.commands) shown.push_back(&each);
  }
  std::string text;
  for (std::size_t i = 0; i < shown.size(); ++i) {
    text += (i == 0 ? "usage: " : "       ") + usage_line(group, *shown[i]) + "\n";
  }
  const std::string_view summary =
      command && !command->summary.empty() ? command->summary : group.summary;
  text += "\n" + std::string(summary) + "\n";
  if (command && !command->details.empty()) text += "\n" + std::string(command->details);
  if ((!command || command->name.empty()) && group.has_subcommands()) {
    Rows rows;
    for (const auto& each : group.commands) {
      if (!each.name.empty()) rows.emplace_back(each.name, each.summary);
    }
    text += "\nCommands:\n" + columns(rows);
    text += "Each command has --help: plm " + std::string(group.name) + " COMMAND --help.\n";
  }
  if (command) {
    Rows rows = flag_rows(command->flags);
    rows.push_back(kHelpRow);
    text += "\nOptions:\n" + columns(rows);
  }
  return text + "\n" + global_options_section(table, /*top_level=*/false);
}

std::string commands_section(const CommandTable& table) {
  Rows rows;
  for (const auto& group : table.groups) rows.emplace_back(group.name, group.summary);
  return "Commands:\n" + columns(rows);
}

std::string global_options_section(const CommandTable& table, bool top_level) {
  Rows rows = flag_rows(table.global_flags);
  if (top_level) {
    rows.push_back(kHelpRow);
    rows.emplace_back("--version", "print plm's version");
  }
  return "Global options (before or after the command):\n" + columns(rows);
}

}  // namespace plm::app::cli
