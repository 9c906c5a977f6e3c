// Shell completion scripts generated from the command table. bash and zsh share the functions that
// know the table (POSIX `case` lists); only the entry point differs. fish gets `complete` lines.

#include "app/cli/completion.hpp"

#include <algorithm>

namespace plm::app::cli {

namespace {

const std::vector<std::string_view> kShells{"bash", "zsh", "fish"};

std::string words(const std::vector<std::string_view>& names, std::string_view separator = " ") {
  std::string text;
  for (const auto name : names)
    text += (text.empty() ? "" : std::string(separator)) + std::string(name);
  return text;
}

std::vector<std::string_view> group_names(const CommandTable& table) {
  std::vector<std::string_view> names;
  for (const auto& group : table.groups) names.push_back(group.name);
  return names;
}

std::vector<std::string_view> subcommand_names(const CommandGroup& group) {
  std::vector<std::string_view> names;
  for (const auto& command : group.commands) {
    if (!command.name.empty()) names.push_back(command.name);
  }
  return names;
}

std::vector<std::string_view> long_names(std::span<const Flag> flags) {
  std::vector<std::string_view> names;
  for (const auto& flag : flags) names.push_back(flag.name);
  return names;
}

std::string short_form(const Flag& flag) { return {'-', flag.short_name}; }

/// What `plm GROUP [SUB] <TAB>` offers as arguments, for the two commands whose arguments are
/// names plm knows.
std::vector<std::string_view> argument_words(const CommandTable& table, const CommandGroup& group) {
  if (group.name == "help") return group_names(table);
  if (group.name == "completion") return kShells;
  return {};
}

/// The shell functions bash and zsh share: what the table holds, as `case` lists.
std::string posix_functions(const CommandTable& table) {
  std::string subcommands, flags, choices, arguments, valued;
  std::vector<std::string> value_flags;
  auto note_value_flag = [&](const Flag& flag) {
    if (!flag.takes_value()) return;
    value_flags.emplace_back(flag.name);
    if (flag.short_name != 0) value_flags.push_back(short_form(flag));
  };
  for (const auto& flag : table.global_flags) note_value_flag(flag);
  for (const auto& group : table.groups) {
    const std::string name(group.name);
    if (group.has_subcommands())
      subcommands +=
          "    " + name + ") printf '%s\\n' '" + words(subcommand_names(group)) + "' ;;\n";
    for (const auto& command : group.commands) {
      const std::string key = name + "/" + std::string(command.name);
      if (!command.flags.empty())
        flags += "    " + key + ") printf '%s\\n' '" + words(long_names(command.flags)) + "' ;;\n";
      if (const auto offered = argument_words(table, group); !offered.empty())
        arguments += "    " + key + ") printf '%s\\n' '" + words(offered) + "' ;;\n";
      for (const auto& flag : command.flags) {
        note_value_flag(flag);
        if (flag.choices.empty()) continue;
        std::string pattern = key + "/" + std::string(flag.name);
        if (flag.short_name != 0) pattern += "|" + key + "/" + short_form(flag);
        choices += "    " + pattern + ") printf '%s\\n' '" + words(flag.choices) + "' ;;\n";
      }
    }
  }
  std::sort(value_flags.begin(), value_flags.end());
  value_flags.erase(std::unique(value_flags.begin(), value_flags.end()), value_flags.end());
  for (const auto& flag : value_flags) valued += (valued.empty() ? "" : "|") + flag;
  auto globals = long_names(table.global_flags);
  globals.push_back("--help");

  return "_plm_subcommands() {\n  case $1 in\n" + subcommands + "  esac\n}\n\n" +
         "_plm_flags() {\n  case \"$1/$2\" in\n" + flags + "  esac\n}\n\n" +
         "_plm_choices() {\n  case \"$1/$2/$3\" in\n" + choices + "  esac\n}\n\n" +
         "_plm_arguments() {\n  case \"$1/$2\" in\n" + arguments + "  esac\n}\n\n" +
         "_plm_is_global() {\n  case $1 in\n    " + words(globals, "|") +
         ") return 0 ;;\n  esac\n  return 1\n}\n\n" + "_plm_takes_value() {\n  case $1 in\n    " +
         valued +
         ") return 0 ;;\n  esac\n  return 1\n}\n\n"
         "# The command and subcommand among the words before the one completed: _plm_group,\n"
         "# _plm_sub (empty for a group's own command); _plm_args: a positional argument seen.\n"
         "_plm_locate() {\n"
         "  _plm_group= _plm_sub= _plm_args=\n"
         "  local word skip=\n"
         "  for word in \"$@\"; do\n"
         "    if [ -n \"$skip\" ]; then skip=; continue; fi\n"
         "    case $word in\n"
         "      --) break ;;\n"
         "      -*)\n"
         "        # After a flag of the group's own command, a word is its argument, no "
         "subcommand.\n"
         "        if [ -n \"$_plm_group\" ] && [ -z \"$_plm_sub\" ] && ! _plm_is_global "
         "\"${word%%=*}\"; then\n"
         "          _plm_args=1\n"
         "        fi\n"
         "        case $word in *=*) ;; *) _plm_takes_value \"$word\" && skip=1 ;; esac\n"
         "        continue ;;\n"
         "    esac\n"
         "    if [ -z \"$_plm_group\" ]; then\n"
         "      _plm_group=$word\n"
         "    elif [ -z \"$_plm_sub\" ] && [ -z \"$_plm_args\" ] &&\n"
         "      case \" $(_plm_subcommands \"$_plm_group\") \" in *\" $word \"*) true ;; *) false "
         ";; esac; then\n"
         "      _plm_sub=$word\n"
         "    else\n"
         "      _plm_args=1\n"
         "    fi\n"
         "  done\n"
         "}\n\n"
         "# The words that may come next: $1 the word completed, $2 the one before it.\n"
         "_plm_candidates() {\n"
         "  if _plm_takes_value \"$2\"; then\n"
         "    _plm_choices \"$_plm_group\" \"$_plm_sub\" \"$2\"\n"
         "    return\n"
         "  fi\n"
         "  case $1 in\n"
         "    -*)\n"
         "      if [ -z \"$_plm_group\" ]; then printf '%s\\n' '" +
         words(globals) +
         " --version'\n"
         "      else printf '%s\\n' \"$(_plm_flags \"$_plm_group\" \"$_plm_sub\") " +
         words(globals) +
         "\"; fi\n"
         "      return ;;\n"
         "  esac\n"
         "  if [ -z \"$_plm_group\" ]; then\n"
         "    printf '%s\\n' '" +
         words(group_names(table)) +
         "'\n"
         "  elif [ -z \"$_plm_sub\" ] && [ -z \"$_plm_args\" ] && [ -n \"$(_plm_subcommands "
         "\"$_plm_group\")\" ]; then\n"
         "    _plm_subcommands \"$_plm_group\"\n"
         "  elif [ -z \"$_plm_args\" ]; then\n"
         "    _plm_arguments \"$_plm_group\" \"$_plm_sub\"\n"
         "  fi\n"
         "}\n";
}

std::string bash_script(const CommandTable& table) {
  return "# bash completion for plm, generated by `plm completion bash` from plm's command table.\n"
         "# Load it with: eval \"$(plm completion bash)\"\n\n" +
         posix_functions(table) +
         "\n_plm() {\n"
         "  local cur=${COMP_WORDS[COMP_CWORD]} prev=\n"
         "  [ \"$COMP_CWORD\" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}\n"
         "  _plm_locate \"${COMP_WORDS[@]:1:COMP_CWORD-1}\"\n"
         "  local IFS=$' \\t\\n'\n"
         "  COMPREPLY=($(compgen -W \"$(_plm_candidates \"$cur\" \"$prev\")\" -- \"$cur\"))\n"
         "}\n\n"
         "# Files when the table offers nothing (--to FILE, a URI list...).\n"
         "complete -o default -F _plm plm\n";
}

std::string zsh_script(const CommandTable& table) {
  return "#compdef plm\n"
         "# zsh completion for plm, generated by `plm completion zsh` from plm's command table.\n"
         "# Load it with: eval \"$(plm completion zsh)\" (after compinit)\n\n" +
         posix_functions(table) +
         "\n_plm() {\n"
         "  local cur=${words[CURRENT]} prev=${words[CURRENT-1]}\n"
         "  _plm_locate \"${(@)words[2,CURRENT-1]}\"\n"
         "  local -a offered\n"
         "  offered=(${=$(_plm_candidates \"$cur\" \"$prev\")})\n"
         "  if (( ${#offered} )); then\n"
         "    compadd -- $offered\n"
         "  else\n"
         "    _files\n"
         "  fi\n"
         "}\n\n"
         "compdef _plm plm\n";
}

/// A fish string: single-quoted, with \ and ' escaped.
std::string fish_quoted(std::string_view text) {
  std::string quoted = "'";
  for (const char c : text) {
    if (c == '\\' || c == '\'') quoted += '\\';
    quoted += c;
  }
  return quoted + "'";
}

std::string fish_flag(const Flag& flag, const std::string& condition) {
  std::string line = "complete -c plm";
  if (!condition.empty()) line += " -n " + fish_quoted(condition);
  line += " -l " + std::string(flag.name.substr(2));
  if (flag.short_name != 0) line += " -s " + std::string(1, flag.short_name);
  if (!flag.choices.empty()) {
    line += " -x -a " + fish_quoted(words(flag.choices));
  } else if (flag.takes_value()) {
    line += " -r";
  }
  return line + " -d " + fish_quoted(flag.description) + "\n";
}

std::string fish_script(const CommandTable& table) {
  std::string text =
      "# fish completion for plm, generated by `plm completion fish` from plm's command table.\n"
      "# Load it with: plm completion fish | source\n\n"
      "complete -c plm -f\n";
  for (const auto& group : table.groups) {
    text += "complete -c plm -n " + fish_quoted("__fish_use_subcommand") + " -a " +
            std::string(group.name) + " -d " + fish_quoted(group.summary) + "\n";
  }
  for (const auto& group : table.groups) {
    const std::string in_group = "__fish_seen_subcommand_from " + std::string(group.name);
    const auto subcommands = subcommand_names(group);
    for (const auto& command : group.commands) {
      std::string condition = in_group;
      if (command.name.empty()) {
        if (!subcommands.empty())
          condition += "; and not __fish_seen_subcommand_from " + words(subcommands);
      } else {
        condition += "; and __fish_seen_subcommand_from " + std::string(command.name);
        text +=
            "complete -c plm -n " +
            fish_quoted(in_group + "; and not __fish_seen_subcommand_from " + words(subcommands)) +
            " -a " + std::string(command.name) + " -d " + fish_quoted(command.summary) + "\n";
      }
      for (const auto& flag : command.flags) text += fish_flag(flag, condition);
    }
    if (const auto offered = argument_words(table, group); !offered.empty()) {
      text += "complete -c plm -n " + fish_quoted(in_group) + " -a " + fish_quoted(words(offered)) +
              "\n";
    }
  }
  for (const auto& flag : table.global_flags) text += fish_flag(flag, "");
  text += "complete -c plm -s h -l help -d 'show the help'\n";
  text += "complete -c plm -n " + fish_quoted("__fish_use_subcommand") +
          " -l version -d \"print plm's version\"\n";
  return text;
}

}  // namespace

std::optional<std::string> completion_script(const CommandTable& table, std::string_view shell) {
  if (shell == "bash") return bash_script(table);
  if (shell == "zsh") return zsh_script(table);
  if (shell == "fish") return fish_script(table);
  return std::nullopt;
}

}  // namespace plm::app::cli
