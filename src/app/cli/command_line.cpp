#include "app/cli/command_line.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

namespace plm::app::cli {

namespace {

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

constexpr std::string_view kJsonFlag = "--json";
constexpr std::string_view kJqFlag = "--jq";

/// "id,name" → {"id", "name"} (blank names dropped).
std::vector<std::string> comma_separated(std::string_view text) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = std::min(text.find(',', start), text.size());
    const auto name = text.substr(start, comma - start);
    if (!name.empty()) names.emplace_back(name);
    start = comma + 1;
  }
  return names;
}

std::string joined(const std::vector<std::string_view>& names, std::string_view separator) {
  std::string text;
  for (const auto name : names)
    text += (text.empty() ? "" : std::string(separator)) + std::string(name);
  return text;
}

std::string_view without_dashes(std::string_view name) {
  while (name.starts_with('-')) name.remove_prefix(1);
  return name;
}

/// Edits (insert, delete, substitute, swap two neighbours) from `a` to `b`: the optimal string
/// alignment distance git's "did you mean" is built on.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

/// "; did you mean '--account'?" with the closest names, or "" when none is close.
std::string did_you_mean(std::string_view typed, const std::vector<std::string_view>& candidates) {
  const auto names = closest_names(typed, candidates);
  if (names.empty()) return "";
  std::string text = "; did you mean ";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += i + 1 == names.size() ? " or " : ", ";
    text += "'" + std::string(names[i]) + "'";
  }
  return text + "?";
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
  auto refusal = [&](const std::string& message) -> core::Result<Invocation> {
    return core::make_error(core::ErrorCode::InvalidInput,
                            message + see_help(invocation.command_path()));
  };
  bool options_ended = false;
  bool subcommand_chosen = false;
  bool own_flag_seen = false;  // a flag of the group's own command: what follows is no subcommand
  std::size_t i = 0;

  // `--json id,name`: the next word is --json's when every name in it is a JSON field of the
  // command (and it names no subcommand still to be chosen).
  auto next_word_is_json_fields = [&] {
    if (i + 1 >= arguments.size() || !invocation.command) return false;
    const std::string& next = arguments[i + 1];
    if (!subcommand_chosen && invocation.group->subcommand(next) && !next.empty()) return false;
    const auto& known = invocation.command->json_fields;
    const auto names = comma_separated(next);
    return !known.empty() && !names.empty() &&
           std::all_of(names.begin(), names.end(), [&](const std::string& name) {
             return std::find(known.begin(), known.end(), name) != known.end();
           });
  };

  // Records `flag` as typed (`shown`: "--account", "-a"), with the value attached to it
  // ("--account=3", "-a3") or else the next word when it takes one.
  auto accept = [&](const Flag& flag, const std::string& shown, std::optional<std::string> attached,
                    bool own_flag) {
    const std::string name(flag.name);
    std::string value;
    if (name == kJsonFlag) {
      invocation.json = true;
      invocation.switches.insert(name);
      if (attached) {
        invocation.json_fields = comma_separated(*attached);
        if (invocation.json_fields.empty())
          refuse("option '" + shown + "' needs field names after '='");
      } else if (next_word_is_json_fields()) {
        invocation.json_fields = comma_separated(arguments[++i]);
      }
      return;
    }
    if (flag.takes_value()) {
      if (attached) {
        value = *attached;
      } else if (i + 1 < arguments.size()) {
        value = arguments[++i];
      } else {
        refuse("option '" + shown + "'" + for_command() + " needs a value");
        return;
      }
      if (const auto wrong = value_problem(flag, value)) {
        refuse(*wrong);
        return;
      }
      invocation.values[name] = value;
      if (name == kJqFlag) {
        invocation.jq = value;
        invocation.json = true;
      }
    } else if (attached) {
      refuse("option '" + shown + "'" + for_command() + " takes no value");
      return;
    } else {
      invocation.switches.insert(name);
    }
    if (!flag.setting.empty()) invocation.settings[std::string(flag.setting)] = value;
    own_flag_seen = own_flag_seen || own_flag;
  };

  // The first flag `matches` accepts: the command's own (second: true), else a global one.
  auto lookup = [&](auto&& matches) -> std::pair<const Flag*, bool> {
    if (invocation.command) {
      for (const auto& flag : invocation.command->flags)
        if (matches(flag)) return {&flag, true};
    }
    for (const auto& flag : table.global_flags)
      if (matches(flag)) return {&flag, false};
    return {nullptr, false};
  };

  auto known_flag_names = [&] {
    std::vector<std::string_view> names;
    if (invocation.command) {
      for (const auto& flag : invocation.command->flags) names.push_back(flag.name);
    }
    for (const auto& flag : table.global_flags) names.push_back(flag.name);
    names.push_back("--help");
    if (!invocation.group) names.push_back("--version");
    return names;
  };

  // -a 3, -a3, -a=3, and switches bundled: -nq.
  auto accept_short_forms = [&](const std::string& token) {
    for (std::size_t at = 1; at < token.size(); ++at) {
      const char letter = token[at];
      const std::string shown{'-', letter};
      if (letter == 'h') {
        invocation.help = true;
        continue;
      }
      const auto [flag, own_flag] =
          lookup([&](const Flag& each) { return each.short_name == letter; });
      if (!flag) {
        refuse("unknown option '" + shown + "'" + for_command());
        return;
      }
      std::string rest = token.substr(at + 1);
      if (flag->takes_value() || rest.starts_with('=')) {
        const bool attached = !rest.empty();
        if (rest.starts_with('=')) rest.erase(0, 1);
        accept(*flag, shown, attached ? std::optional(rest) : std::nullopt, own_flag);
        return;
      }
      accept(*flag, shown, std::nullopt, own_flag);
    }
  };

  for (; i < arguments.size(); ++i) {
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
      if (token[1] != '-') {
        accept_short_forms(token);
        continue;
      }
      const auto equals = token.find('=');
      const std::string name = token.substr(0, equals);
      const auto [flag, own_flag] = lookup([&](const Flag& each) { return each.name == name; });
      if (!flag) {
        refuse("unknown option '" + name + "'" + for_command() +
               did_you_mean(name, known_flag_names()));
        continue;
      }
      accept(*flag, name,
             equals == std::string::npos ? std::nullopt : std::optional(token.substr(equals + 1)),
             own_flag);
      continue;
    }
    if (!invocation.group) {
      const auto found =
          std::find_if(table.groups.begin(), table.groups.end(),
                       [&](const CommandGroup& group) { return group.name == token; });
      if (found == table.groups.end()) {
        if (problem) return core::make_error(core::ErrorCode::InvalidInput, *problem);
        std::vector<std::string_view> names;
        for (const auto& group : table.groups) names.push_back(group.name);
        return refusal("unknown command '" + token + "'" + did_you_mean(token, names));
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

  if (invocation.help || invocation.version) return invocation;
  if (problem) return core::make_error(core::ErrorCode::InvalidInput, *problem);
  if (!invocation.group) return invocation;
  const auto& given = invocation.arguments;
  auto unknown_subcommand = [&](const std::string& word) {
    std::vector<std::string_view> names;
    for (const auto& command : invocation.group->commands) {
      if (!command.name.empty()) names.push_back(command.name);
    }
    return refusal("unknown command '" + word + "'" + for_command() + did_you_mean(word, names));
  };
  if (!invocation.command) {
    // `plm user` alone shows what the group offers; `plm user frob` is a mistake.
    if (given.empty()) {
      invocation.help = true;
      return invocation;
    }
    return unknown_subcommand(given.front());
  }
  const auto& wanted = invocation.command->arguments;
  // A last argument spelled "URI..." takes one or more values, "[URI...]" zero or more.
  const bool open_ended = !wanted.empty() && (wanted.back().name.ends_with("...") ||
                                              wanted.back().name.ends_with("...]"));
  const std::size_t required =
      open_ended && wanted.back().name.starts_with('[') ? wanted.size() - 1 : wanted.size();
  if (given.size() > wanted.size() && !open_ended) {
    const bool meant_a_subcommand = !subcommand_chosen && invocation.group->has_subcommands() &&
                                    wanted.empty() && !own_flag_seen;
    if (meant_a_subcommand) return unknown_subcommand(given[wanted.size()]);
    return refusal("unexpected argument '" + given[wanted.size()] + "'" + for_command());
  }
  if (given.size() < required) {
    std::string missing;
    for (std::size_t at = given.size(); at < required; ++at) {
      missing += (missing.empty() ? "" : " ") + std::string(wanted[at].name);
    }
    return refusal("missing " + missing + for_command());
  }
  if (!invocation.json_fields.empty()) {
    const auto& known = invocation.command->json_fields;
    if (known.empty()) {
      return refusal("'" + invocation.command_path() +
                     "' has no JSON fields to choose from: use --json alone");
    }
    for (const auto& field : invocation.json_fields) {
      if (std::find(known.begin(), known.end(), field) == known.end()) {
        return refusal("unknown JSON field '" + field + "'" + for_command() +
                       did_you_mean(field, known) + "; the fields: " + joined(known, ", "));
      }
    }
  }
  return invocation;
}

bool wants_json(const std::vector<std::string>& arguments) {
  for (const auto& token : arguments) {
    if (token == "--") return false;
    if (token == kJsonFlag || token.starts_with(std::string(kJsonFlag) + "=") || token == kJqFlag ||
        token.starts_with(std::string(kJqFlag) + "="))
      return true;
  }
  return false;
}

std::vector<std::string_view> closest_names(std::string_view typed,
                                            const std::vector<std::string_view>& candidates) {
  const std::string_view bare = without_dashes(typed);
  // Close: a few edits for a long word, one for a short one; or the start of a name.
  const std::size_t most = bare.size() <= 3 ? 1 : bare.size() <= 6 ? 2 : 3;
  std::vector<std::pair<std::size_t, std::string_view>> scored;
  for (const auto candidate : candidates) {
    if (candidate == typed) continue;
    const bool starts = bare.size() >= 2 && candidate.starts_with(typed);
    const std::size_t distance = starts ? 0 : edit_distance(typed, candidate);
    if (distance <= most) scored.emplace_back(distance, candidate);
  }
  std::vector<std::string_view> closest;
  if (scored.empty()) return closest;
  const auto best = std::min_element(scored.begin(), scored.end())->first;
  for (const auto& [distance, name] : scored) {
    if (distance == best && closest.size() < 3) closest.push_back(name);
  }
  return closest;
}

}  // namespace plm::app::cli
