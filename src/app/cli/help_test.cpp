// The help of plm's real command table, in-process: every command's --help, `plm help`, usage
// errors as JSON, the completion scripts and the man page (one bash and one groff process).

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/cli/cli.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/completion.hpp"
#include "app/cli/man_page.hpp"
#include "app/config.hpp"
#include "support/process.hpp"

namespace plm::app::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

struct Run {
  ExitCode code;
  std::string out;
  std::string err;
};

/// `plm ARGUMENTS...` in this process (what main() does, with string streams).
Run plm(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), "plm");
  std::vector<char*> argv;
  for (auto& argument : arguments) argv.push_back(argument.data());
  std::ostringstream out, err;
  const auto code = run_cli(static_cast<int>(argv.size()), argv.data(), out, err);
  return {code, out.str(), err.str()};
}

/// `text` with each run of spaces and newlines as one space (help wraps its lines).
std::string help_one_line(const std::string& text) {
  std::string line;
  for (const char c : text) {
    if (c != ' ' && c != '\n') {
      line += c;
    } else if (!line.empty() && line.back() != ' ') {
      line += ' ';
    }
  }
  return line;
}

/// The words of an example's command line as a POSIX shell splits them (quotes removed), up to
/// the first redirection or pipe: what plm receives.
std::vector<std::string> shell_words(std::string_view command_line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (const char c : command_line) {
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else {
        word += c;
      }
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == ' ') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else if ((c == '<' || c == '>' || c == '|' || c == '&') && !in_word) {
      return words;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(word);
  return words;
}

std::vector<std::string> words_of(const CommandGroup& group, const Command& command) {
  std::vector<std::string> words{std::string(group.name)};
  if (!command.name.empty()) words.emplace_back(command.name);
  return words;
}

TEST(PlmHelp, EveryCommandHasHelpWithItsUsageEveryFlagAndARunnableExample) {
  const auto table = plm_command_table();
  for (const auto& group : table.groups) {
    for (const auto& command : group.commands) {
      const std::string path = command_path(group, command);
      auto words = words_of(group, command);
      words.push_back("--help");
      const auto help = plm(words);
      ASSERT_EQ(help.code, ExitCode::Ok) << path << ": " << help.err;
      const std::string text = help_one_line(help.out);
      EXPECT_THAT(text, StartsWith("usage: " + usage_line(group, command))) << path;
      for (const auto& flag : command.flags) {
        std::string label = std::string(flag.name);
        if (flag.short_name != 0) label = std::string{'-', flag.short_name} + ", " + label;
        EXPECT_THAT(text, HasSubstr(label)) << path;
        EXPECT_THAT(text, HasSubstr(help_one_line(std::string(flag.description)))) << path;
      }
      for (const auto& argument : command.arguments) {
        EXPECT_FALSE(argument.description.empty()) << path << " " << argument.name;
        EXPECT_THAT(text, HasSubstr(std::string(argument.name) + " " +
                                    help_one_line(std::string(argument.description))))
            << path;
      }
      EXPECT_THAT(text, HasSubstr("Global options (before or after the command): --config FILE"))
          << path;
      EXPECT_THAT(text, HasSubstr("Examples: #")) << path;

      // Every example that runs plm parses against the table, and one of them is this command.
      bool runs_this_command = false;
      for (const auto& example : command.examples) {
        auto example_words = shell_words(example.command_line);
        if (example_words.empty() || example_words.front() != "plm") continue;
        example_words.erase(example_words.begin());
        const auto parsed = parse_command_line(table, example_words);
        ASSERT_TRUE(parsed) << example.command_line << ": " << parsed.error().message;
        EXPECT_FALSE(example.explanation.empty()) << example.command_line;
        runs_this_command = runs_this_command || parsed->command == &command;
      }
      EXPECT_TRUE(runs_this_command) << path << " has no example that runs it";
    }
  }
}

TEST(PlmHelp, HelpCommandIsTheSameAsDashDashHelp) {
  EXPECT_EQ(plm({"help", "playlist", "show"}).out, plm({"playlist", "show", "--help"}).out);
  EXPECT_EQ(plm({"help", "sync"}).out, plm({"sync", "-h"}).out);
  EXPECT_EQ(plm({"help", "batch"}).out, plm({"batch", "--help"}).out);
  EXPECT_EQ(plm({"help"}).out, plm({"--help"}).out);
  const auto mistake = plm({"help", "playlist", "shwo"});
  EXPECT_EQ(mistake.code, ExitCode::Usage);
  EXPECT_EQ(mistake.err,
            "plm: unknown command 'shwo' for 'plm playlist'; did you mean 'show'? (see plm "
            "playlist --help)\n");
  EXPECT_EQ(plm({"help", "synk"}).err,
            "plm: unknown command 'synk'; did you mean 'sync'? (see plm --help)\n");
}

TEST(PlmHelp, TopLevelHelpListsEveryGroupAndTheCommandsInsideIt) {
  const auto help = plm({"--help"});
  ASSERT_EQ(help.code, ExitCode::Ok);
  for (const auto& group : plm_command_table().groups) {
    EXPECT_THAT(help.out, HasSubstr("\n  " + std::string(group.name) + " ")) << group.name;
    for (const auto& command : group.commands) {
      if (!command.name.empty()) {
        EXPECT_THAT(help.out, HasSubstr("\n    " + std::string(command.name) + " "));
      }
    }
  }
  EXPECT_THAT(help.out, HasSubstr("Global options"));
  EXPECT_THAT(help.out, HasSubstr("Exit codes:"));
}

TEST(PlmHelp, UsageAndConfigurationErrorsAreJsonWithJsonOrJq) {
  for (const auto& arguments :
       std::vector<std::vector<std::string>>{{"--json", "frob"},
                                             {"sync", "--bogus", "--json"},
                                             {"playlist", "show", "--jq", ".id"}}) {
    const auto run = plm(arguments);
    EXPECT_EQ(run.code, ExitCode::Usage);
    ASSERT_FALSE(run.out.empty()) << testing::PrintToString(arguments);
    const auto error = nlohmann::json::parse(run.out).at("error");
    EXPECT_EQ(error.at("code"), "usage");
    EXPECT_EQ("plm: " + error.at("message").get<std::string>() + "\n", run.err);
  }
  const auto config = plm({"--json", "config", "--config", "/nonexistent/plm.env"});
  EXPECT_EQ(config.code, ExitCode::Usage);
  EXPECT_EQ(nlohmann::json::parse(config.out)["error"]["code"], "usage");
  EXPECT_THAT(config.err, HasSubstr("/nonexistent/plm.env"));

  const auto plain = plm({"frob", "--", "--json"});  // after --, --json is no option
  EXPECT_EQ(plain.code, ExitCode::Usage);
  EXPECT_EQ(plain.out, "");
  EXPECT_EQ(plain.err, "plm: unknown command 'frob' (see plm --help)\n");
}

TEST(PlmConfig, JsonGoesThroughOutputSoFieldsAndJqApply) {
  // Before, `plm config` wrote its JSON itself: --jq printed the whole object and --json KEY was
  // refused ("has no JSON fields to choose from").
  // --no-pager: the text has more lines than a window, should the test run on a terminal.
  const std::vector<std::string> data_dir{"--data-dir", "/srv/plm-test", "--no-pager"};
  auto with_data_dir = [&](std::vector<std::string> arguments) {
    arguments.insert(arguments.end(), data_dir.begin(), data_dir.end());
    return plm(arguments);
  };
  const auto whole = with_data_dir({"config", "--json"});
  ASSERT_EQ(whole.code, ExitCode::Ok) << whole.err;
  const auto object = nlohmann::json::parse(whole.out);  // the shape it had: key -> value
  EXPECT_EQ(object.size(), config_defaults().size());
  EXPECT_EQ(object.at("PLM_DATA_DIR"), "/srv/plm-test");

  const auto two = with_data_dir({"config", "--json", "PLM_DATA_DIR,PLM_SYNC_WORKERS"});
  ASSERT_EQ(two.code, ExitCode::Ok) << two.err;
  EXPECT_EQ(nlohmann::json::parse(two.out),
            (nlohmann::json{{"PLM_DATA_DIR", "/srv/plm-test"},
                            {"PLM_SYNC_WORKERS", object.at("PLM_SYNC_WORKERS")}}));

  const auto origin = with_data_dir({"config", "--show-origin", "--json=PLM_DATA_DIR"});
  ASSERT_EQ(origin.code, ExitCode::Ok) << origin.err;
  EXPECT_EQ(nlohmann::json::parse(origin.out),
            (nlohmann::json{
                {"PLM_DATA_DIR", {{"value", "/srv/plm-test"}, {"origin", "option --data-dir"}}}}));

  const auto jq = with_data_dir({"config", "--jq", ".PLM_DATA_DIR"});
  EXPECT_EQ(jq.code, ExitCode::Ok) << jq.err;
  EXPECT_EQ(jq.out, "/srv/plm-test\n");

  const auto unknown = with_data_dir({"config", "--json=PLM_DATA_DIRS"});
  EXPECT_EQ(unknown.code, ExitCode::Usage);
  EXPECT_THAT(unknown.err, HasSubstr("unknown JSON field 'PLM_DATA_DIRS'"));

  const auto text = with_data_dir({"config"});  // unchanged: KEY=VALUE lines
  EXPECT_EQ(text.code, ExitCode::Ok);
  EXPECT_THAT(text.out, StartsWith("PLM_DATA_DIR=/srv/plm-test\nPLM_DATABASE_URL="));
}

TEST(PlmCompletion, BashCompletesCommandsSubcommandsOptionsAndChoices) {
  const auto script = plm({"completion", "bash"});
  ASSERT_EQ(script.code, ExitCode::Ok);
  // What bash would offer at each point: COMP_WORDS and COMP_CWORD as bash sets them.
  const std::string checks = R"(
offer() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=(); _plm; echo "${COMPREPLY[*]}"; }
offer plm pl
offer plm playlist a
offer plm sync --a
offer plm batch dedupe --keep ''
offer plm playlist add 37i9dQZF1DXcBWIGoYBM5M -p ''
offer plm jobs ''
offer plm jobs --state queued ''
offer plm help us
offer plm completion ''
)";
  const auto run =
      test_support::run_process({"/usr/bin/env", "bash", "--norc", "-c", script.out + checks}, {});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            "playlists playlist\n"
            "add\n"
            "--account\n"
            "first last\n"
            "\n"
            "show cancel\n"
            "\n"
            "user\n"
            "bash zsh fish\n");
  EXPECT_EQ(run.err, "");
}

/// Whether `program` is on PATH (run_process takes a path: the others go through env).
bool installed(const std::string& program) {
  return test_support::run_process({"/bin/sh", "-c", "command -v " + program}, {}).exit_code == 0;
}

/// Fails the test when `shell` is missing: scripts/setup.sh installs zsh and fish, so a machine
/// without them is set up wrong, and their scripts would ship untested.
#define ASSERT_SHELL_INSTALLED(shell) \
  ASSERT_TRUE(installed(shell)) << (shell) << " is not installed (scripts/setup.sh installs it)"

TEST(PlmCompletion, ZshAndFishScriptsAreValidSyntax) {
  for (const std::string shell : {"zsh", "fish"}) {
    const auto script = completion_script(plm_command_table(), shell);
    ASSERT_TRUE(script);
    EXPECT_THAT(*script, HasSubstr("playlist"));
    ASSERT_SHELL_INSTALLED(shell);
    // Both read the script from standard input and only parse it.
    const auto run = test_support::run_process(
        {"/usr/bin/env", shell, shell == "zsh" ? "--no-exec" : "--no-execute"}, {}, *script);
    EXPECT_EQ(run.exit_code, 0) << shell << ": " << run.err;
    EXPECT_EQ(run.err, "") << shell;
  }
  EXPECT_FALSE(completion_script(plm_command_table(), "tcsh"));
  EXPECT_EQ(plm({"completion", "tcsh"}).code, ExitCode::Usage);
}

/// What a shell offers for each command line (the word under the cursor at its end), sorted:
/// each line's "== LINE" heading, then one candidate per line.
const std::vector<std::pair<std::string, std::vector<std::string>>> kOffered{
    {"plm pla", {"playlist", "playlists"}},
    {"plm playlist a", {"add"}},
    {"plm sync --a", {"--account"}},
    {"plm batch dedupe --keep ", {"first", "last"}},
    {"plm jobs ", {"cancel", "show"}},
    {"plm help us", {"user"}},
    {"plm completion ", {"bash", "fish", "zsh"}},
};

std::vector<std::string> offered_lines() {
  std::vector<std::string> lines;
  for (const auto& [line, candidates] : kOffered) lines.push_back(line);
  return lines;
}

std::string expected_offers() {
  std::string text;
  for (const auto& [line, candidates] : kOffered) {
    text += "== " + line + "\n";
    for (const auto& candidate : candidates) text += candidate + "\n";
  }
  return text;
}

/// A shell's "== LINE" headings and candidates with each line's candidates sorted and what
/// follows a tab dropped (fish's descriptions).
std::string sorted_offers(const std::string& output) {
  std::string text;
  std::vector<std::string> candidates;
  auto flush = [&] {
    std::sort(candidates.begin(), candidates.end());
    for (const auto& candidate : candidates) text += candidate + "\n";
    candidates.clear();
  };
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("== ")) {
      flush();
      text += line + "\n";
    } else {
      candidates.push_back(line.substr(0, line.find('\t')));
    }
  }
  flush();
  return text;
}

/// A directory of its own for a shell's state (fish creates its data directory on start).
struct ShellHome {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("plm-shell-" + std::to_string(::getpid()) + "-" +
                                ::testing::UnitTest::GetInstance()->current_test_info()->name());
  ShellHome() { std::filesystem::create_directories(path); }
  ~ShellHome() { std::filesystem::remove_all(path); }
  std::map<std::string, std::string> environment() const {
    return {{"HOME", path.string()},
            {"XDG_CONFIG_HOME", (path / "config").string()},
            {"XDG_DATA_HOME", (path / "data").string()},
            {"XDG_CACHE_HOME", (path / "cache").string()}};
  }
};

TEST(PlmCompletion, ZshCompletesCommandsSubcommandsOptionsAndChoices) {
  ASSERT_SHELL_INSTALLED("zsh");
  const auto script = completion_script(plm_command_table(), "zsh");
  ASSERT_TRUE(script);
  // Real completion needs zsh's line editor: an interactive zsh on a pseudo-terminal (zpty)
  // loads compinit and the script, then each line is typed with a Tab and erased (^U). compadd,
  // wrapped, writes the matches it was given that fit the word (zsh's own matching) to fd 3: this
  // script's standard output. Nothing is typed ahead of the shell: each line waits for a mark the
  // shell prints when it is ready (the mark as typed, ${:-SYNC}N, is not the mark printed), and
  // the ^U for the one the Tab's widget prints once the completion is done (with keys pending,
  // zsh may skip a completion; typed all at once, one run in three lost some).
  const std::string driver = R"(
zmodload zsh/zpty || exit 2
exec 3>&1
zpty plm zsh -f -i
zpty -w plm 'PS1= RPS1=; unset zle_bracketed_paste; unsetopt autolist automenu beep'
zpty -w plm 'autoload -Uz compinit && compinit -u -D && eval "$PLM_COMPLETION_SCRIPT"'
zpty -w plm 'compadd() { local -a m; builtin compadd -O m "$@"; print -rl -- $m >&3; builtin compadd "$@"; }'
zpty -w plm 'integer plm_n; plm-tab() { zle complete-word; print -rn -- "${:-DONE}$(( ++plm_n ))." >/dev/tty; }'
zpty -w plm 'zle -N plm-tab; bindkey "^I" plm-tab; print -r -- "loaded: $_comps[plm]" >&3'
local line out n=0
for line in "$@"; do
  (( ++n ))
  zpty -w plm "print -r -- \"== \${:-$line}\" >&3; print \${:-SYNC}$n"
  zpty -r plm out "*SYNC$n*" || exit 3
  zpty -n -w plm "$line"$'\t'
  zpty -r plm out "*DONE$n.*" || exit 3
  zpty -n -w plm $'\x15'
done
zpty -w plm 'print ${:-SYNC}END'
zpty -r plm out '*SYNCEND*' || exit 3
zpty -d plm
)";
  const ShellHome home;
  auto environment = home.environment();
  environment["PLM_COMPLETION_SCRIPT"] = *script;
  std::vector<std::string> argv{"/usr/bin/env", "zsh", "-f", "-c", driver, "zsh"};
  for (const auto& line : offered_lines()) argv.push_back(line);
  const auto run = test_support::run_process(argv, environment);
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  ASSERT_THAT(run.out, StartsWith("loaded: _plm\n"));  // compdef registered the function
  EXPECT_EQ(sorted_offers(run.out.substr(run.out.find('\n') + 1)), expected_offers());
}

TEST(PlmCompletion, FishCompletesCommandsSubcommandsOptionsAndChoices) {
  ASSERT_SHELL_INSTALLED("fish");
  const auto script = completion_script(plm_command_table(), "fish");
  ASSERT_TRUE(script);
  // `complete -C LINE` prints what fish would offer, a candidate and its description a line.
  std::vector<std::string> argv{
      "/usr/bin/env", "fish", "--no-config", "-c",
      "source; for line in $argv; echo \"== $line\"; complete -C $line; end"};
  for (const auto& line : offered_lines()) argv.push_back(line);
  const ShellHome home;
  const auto run = test_support::run_process(argv, home.environment(), *script);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(sorted_offers(run.out), expected_offers());
  EXPECT_EQ(run.err, "");
}

TEST(PlmManPage, HasEverySectionAndCommandAndFormatsWithoutWarnings) {
  const auto table = plm_command_table();
  const std::string page = man_page(table);
  EXPECT_EQ(plm({"help", "--man"}).out, page);
  for (const auto* section : {".SH NAME\n", ".SH SYNOPSIS\n", ".SH DESCRIPTION\n", ".SH COMMANDS\n",
                              ".SH EXIT STATUS\n", ".SH ENVIRONMENT\n", ".SH FILES\n"}) {
    EXPECT_THAT(page, HasSubstr(section));
  }
  for (const auto& group : table.groups) {
    for (const auto& command : group.commands) {
      EXPECT_THAT(page, HasSubstr(".SS \"" + command_path(group, command) + "\"\n"));
    }
  }
  // Balanced blocks, whatever formats it.
  auto count = [&](const std::string& macro) {
    std::size_t found = 0;
    for (auto at = page.find("\n" + macro + "\n"); at != std::string::npos;
         at = page.find("\n" + macro + "\n", at + 1))
      ++found;
    return found;
  };
  EXPECT_EQ(count(".nf"), count(".fi"));
  EXPECT_EQ(count(".RE"), count(".RS 4") + count(".RS"));
  if (!installed("groff")) GTEST_SKIP() << "groff is not installed: only the macros were checked";
  const auto formatted =
      test_support::run_process({"/usr/bin/env", "groff", "-man", "-Tutf8", "-ww", "-z"}, {}, page);
  EXPECT_EQ(formatted.exit_code, 0);
  EXPECT_EQ(formatted.err, "");
}

}  // namespace
}  // namespace plm::app::cli
