// The help texts of `plm`, generated from the command table (command_line.hpp): one layout for
// every command, as gh has one.

#include <algorithm>

#include "app/cli/command_line.hpp"

namespace plm::app::cli {

namespace {

/// "--account ID", "--keep first|last": a flag with what it takes (its choices when it has some).
std::string label(const Flag& flag) {
  std::string text(flag.name);
  if (!flag.choices.empty()) {
    text += " ";
    for (std::size_t i = 0; i < flag.choices.size(); ++i) {
      text += (i > 0 ? "|" : "") + std::string(flag.choices[i]);
    }
  } else if (flag.takes_value()) {
    text += " " + std::string(flag.value_name);
  }
  return text;
}

/// "-a, --account ID", or "    --quiet" so that long names line up under those with a letter.
std::string label_with_short_form(const Flag& flag) {
  if (flag.short_name == 0) return "    " + label(flag);
  return std::string{'-', flag.short_name} + ", " + label(flag);
}

using Rows = std::vector<std::pair<std::string, std::string>>;

constexpr std::size_t kHelpWidth = 80;

/// `text`'s words in lines of at most `room` characters, joined by a newline and `indent` spaces.
std::string wrapped(std::string_view text, std::size_t indent, std::size_t room) {
  std::string result;
  std::size_t line_length = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto space = std::min(text.find(' ', start), text.size());
    const auto word = text.substr(start, space - start);
    if (line_length > 0 && line_length + 1 + word.size() > room) {
      result += "\n" + std::string(indent, ' ');
      line_length = 0;
    } else if (line_length > 0) {
      result += " ";
      ++line_length;
    }
    result += word;
    line_length += word.size();
    start = space + 1;
  }
  return result;
}

/// `details` for a terminal: each paragraph's lines joined and wrapped at kHelpWidth, except a
/// paragraph with indented lines (a list of shell lines, say), which is kept as written.
std::string reflowed(std::string_view details) {
  std::string text;
  std::size_t start = 0;
  while (start < details.size()) {
    auto end = details.find("\n\n", start);
    if (end == std::string_view::npos) end = details.size();
    std::string paragraph(details.substr(start, end - start));
    while (paragraph.ends_with('\n')) paragraph.pop_back();
    if (!text.empty()) text += "\n";
    if (paragraph.find("\n ") != std::string::npos) {
      text += paragraph + "\n";
    } else {
      std::replace(paragraph.begin(), paragraph.end(), '\n', ' ');
      text += wrapped(paragraph, 0, kHelpWidth) + "\n";
    }
    start = end + 2;
  }
  return text;
}

/// A usage line cut before its bracketed parts so that lines stay within kHelpWidth; the
/// continuation lines start under the first argument.
std::string wrapped_usage(const std::string& line, std::size_t first_column, std::size_t indent) {
  std::vector<std::string> parts;
  int depth = 0;
  std::string part;
  for (const char c : line) {
    if (c == ' ' && depth == 0) {
      parts.push_back(part);
      part.clear();
      continue;
    }
    depth += c == '[' ? 1 : c == ']' ? -1 : 0;
    part += c;
  }
  parts.push_back(part);
  std::string text;
  std::size_t column = first_column;
  for (const auto& each : parts) {
    if (!text.empty() && column + 1 + each.size() > kHelpWidth) {
      text += "\n" + std::string(indent, ' ');
      column = indent;
    } else if (!text.empty()) {
      text += " ";
      ++column;
    }
    text += each;
    column += each.size();
  }
  return text;
}

/// Two aligned columns, as every "Options:" and "Commands:" section shows them; the right one is
/// wrapped at spaces so that lines stay within kHelpWidth.
std::string columns(const Rows& rows) {
  std::size_t width = 18;
  for (const auto& row : rows) width = std::max(width, row.first.size() + 2);
  const std::size_t indent = 2 + width;
  const std::size_t room = std::max<std::size_t>(kHelpWidth - std::min(indent, kHelpWidth), 30);
  std::string text;
  for (const auto& [left, right] : rows) {
    text +=
        "  " + left + std::string(width - left.size(), ' ') + wrapped(right, indent, room) + "\n";
  }
  return text;
}

/// The rows of an "Options:" section; `with_letters`: the short forms column.
Rows flag_rows(std::span<const Flag> flags, bool with_letters) {
  Rows rows;
  for (const auto& flag : flags) {
    rows.emplace_back(with_letters ? label_with_short_form(flag) : label(flag),
                      std::string(flag.description));
  }
  return rows;
}

const std::pair<std::string, std::string> kHelpRow{"-h, --help", "show this help"};

std::string arguments_section(const Command& command) {
  Rows rows;
  for (const auto& argument : command.arguments) {
    if (!argument.description.empty())
      rows.emplace_back(argument.name, std::string(argument.description));
  }
  return rows.empty() ? "" : "\nArguments:\n" + columns(rows);
}

std::string options_section(const Command& command) {
  Rows rows = flag_rows(command.flags, /*with_letters=*/true);
  rows.push_back(kHelpRow);
  return "\nOptions:\n" + columns(rows);
}

std::string json_fields_section(const Command& command) {
  if (command.json_fields.empty()) return "";
  std::string names;
  for (const auto field : command.json_fields) {
    names += (names.empty() ? "" : ", ") + std::string(field);
  }
  return "\nJSON fields (--json FIELDS, comma-separated):\n  " + wrapped(names, 2, kHelpWidth - 2) +
         "\n";
}

std::string examples_section(const Command& command) {
  if (command.examples.empty()) return "";
  std::string text = "\nExamples:\n";
  for (const auto& example : command.examples) {
    text += "  # " + wrapped(example.explanation, 4, kHelpWidth - 4) + "\n";
    text += "  $ " + std::string(example.command_line) + "\n";
  }
  return text;
}

constexpr std::string_view kLearnMore = "\nLearn more: docs/cli.md, man plm\n";

}  // namespace

std::string command_path(const CommandGroup& group, const Command& command) {
  std::string path = "plm " + std::string(group.name);
  if (!command.name.empty()) path += " " + std::string(command.name);
  return path;
}

std::string usage_line(const CommandGroup& group, const Command& command) {
  std::string line = command_path(group, command);
  for (const auto& argument : command.arguments) line += " " + std::string(argument.name);
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
    const std::size_t indent =
        std::min<std::size_t>(7 + command_path(group, *shown[i]).size() + 1, kHelpWidth / 2);
    text += (i == 0 ? "usage: " : "       ") +
            wrapped_usage(usage_line(group, *shown[i]), 7, indent) + "\n";
  }
  const std::string_view summary =
      command && !command->summary.empty() ? command->summary : group.summary;
  text += "\n" + std::string(summary) + "\n";
  if (command && !command->details.empty()) text += "\n" + reflowed(command->details);
  if ((!command || command->name.empty()) && group.has_subcommands()) {
    Rows rows;
    for (const auto& each : group.commands) {
      if (!each.name.empty()) rows.emplace_back(each.name, each.summary);
    }
    text += "\nCommands:\n" + columns(rows);
    text += "Each command has its help: plm help " + std::string(group.name) + " COMMAND.\n";
  }
  if (command) text += arguments_section(*command) + options_section(*command);
  text += "\n" + global_options_section(table, /*top_level=*/false);
  if (command) text += json_fields_section(*command) + examples_section(*command);
  return text + std::string(kLearnMore);
}

std::string top_level_help(const CommandTable& table) {
  return "usage: plm [global options] <command> [options]\n\n"
         "Manage Spotify playlists from the command line. Every command has its help: "
         "plm help COMMAND\n(or plm COMMAND --help).\n\n" +
         commands_section(table) + "\n" + global_options_section(table, /*top_level=*/true) +
         "\nExit codes: 0 ok, 1 failure, 2 usage, 3 account needs re-authorization,\n"
         "            4 Spotify asked to wait (rate limit/quota), 5 partial success.\n" +
         std::string(kLearnMore);
}

std::string commands_section(const CommandTable& table) {
  Rows rows;
  for (const auto& group : table.groups) {
    rows.emplace_back(group.name, group.summary);
    for (const auto& command : group.commands) {
      if (!command.name.empty())
        rows.emplace_back("  " + std::string(command.name), command.summary);
    }
  }
  return "Commands:\n" + columns(rows);
}

std::string global_options_section(const CommandTable& table, bool top_level) {
  Rows rows = flag_rows(table.global_flags, /*with_letters=*/false);
  if (top_level) {
    rows.push_back(kHelpRow);
    rows.emplace_back("--version", "print plm's version");
  }
  return "Global options (before or after the command):\n" + columns(rows);
}

}  // namespace plm::app::cli
