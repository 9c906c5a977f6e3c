// plm help and plm completion: the command table explaining itself (help.cpp, man_page.cpp,
// completion.cpp).

#include <ostream>

#include "app/cli/commands.hpp"
#include "app/cli/completion.hpp"
#include "app/cli/context.hpp"
#include "app/cli/man_page.hpp"

namespace plm::app::cli {

namespace {

ExitCode show_help(CommandContext& context) {
  const auto table = plm_command_table();
  const auto& invocation = context.invocation();
  if (invocation.has("--man")) {
    context.out() << man_page(table);
    return ExitCode::Ok;
  }
  if (invocation.arguments.empty()) {
    context.out() << top_level_help(table);
    return ExitCode::Ok;
  }
  // `plm help playlist show` is `plm playlist show --help`; words that name no command are the
  // same mistake as without --help ("unknown command 'sh' for 'plm playlist'; did you mean...").
  auto words = invocation.arguments;
  const auto named = parse_command_line(table, words);
  words.push_back("--help");
  const auto asked = parse_command_line(table, words);
  if (!asked)
    return usage_error(asked.error().message, context.json(), context.out(), context.err());
  if (!asked->arguments.empty() && !named) {
    return usage_error(named.error().message, context.json(), context.out(), context.err());
  }
  context.out() << help_text(table, *asked->group, asked->command);
  return ExitCode::Ok;
}

ExitCode print_completion(CommandContext& context) {
  const std::string& shell = context.invocation().arguments.front();
  const auto script = completion_script(plm_command_table(), shell);
  if (!script) {
    return usage_error("unknown shell '" + shell + "' for 'plm completion': bash, zsh or fish" +
                           " (see plm completion --help)",
                       context.json(), context.out(), context.err());
  }
  context.out() << *script;
  return ExitCode::Ok;
}

}  // namespace

CommandGroup help_commands() {
  return {
      .name = "help",
      .summary = "show the help of plm or of a command, or plm's man page",
      .commands = {
          {.arguments = {{"[COMMAND...]",
                          "a command and its subcommand: plm help playlist show is plm "
                          "playlist show --help"}},
           .flags = {{.name = "--man",
                      .description = "print the manual page plm(1) in roff (man -l "
                                     "<(plm help --man) shows it)"}},
           .needs = Needs::Nothing,
           .handler = show_help,
           .examples = {{"plm help playlist add", "how to add tracks to a playlist"},
                        {"plm help --man > plm.1 && man -l plm.1", "read plm's manual page"}}}}};
}

CommandGroup completion_commands() {
  return {.name = "completion",
          .summary = "print a shell completion script (bash, zsh or fish)",
          .commands = {{.arguments = {{"SHELL", "bash, zsh or fish"}},
                        .details = "Completes commands, subcommands, options and their choices. "
                                   "Load it in the shell's startup file:\n"
                                   "  bash: eval \"$(plm completion bash)\"   (~/.bashrc)\n"
                                   "  zsh:  eval \"$(plm completion zsh)\"    (~/.zshrc, after "
                                   "compinit)\n"
                                   "  fish: plm completion fish | source    "
                                   "(~/.config/fish/config.fish)\n",
                        .needs = Needs::Nothing,
                        .handler = print_completion,
                        .examples = {{"eval \"$(plm completion bash)\"",
                                      "complete plm's commands in this bash session"},
                                     {"plm completion fish > ~/.config/fish/completions/plm.fish",
                                      "install the fish completions"}}}}};
}

}  // namespace plm::app::cli
