#include "app/cli/command_line.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "app/cli/commands.hpp"

namespace plm::app::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

ExitCode does_nothing(CommandContext&) { return ExitCode::Ok; }

const std::vector<Flag> kGlobals{
    {.name = "--json", .description = "machine-readable output"},
    {.name = "--jq", .value_name = "EXPR", .description = "a jq filter"},
    {.name = "--data-dir", .value_name = "DIR", .description = "data", .setting = "PLM_DATA_DIR"},
};

/// A group with its own command (sync), one with subcommands only (user) and one with both
/// (jobs, as `plm jobs`, `plm jobs show ID`).
const std::vector<CommandGroup>& groups() {
  static const std::vector<CommandGroup> table{
      {.name = "sync",
       .summary = "read playlists",
       .commands =
           {{.flags = {{.name = "--account",
                        .value_name = "ID",
                        .description = "which",
                        .short_name = 'a'},
                       {.name = "--quiet", .description = "no progress bar", .short_name = 'q'},
                       {.name = "--dry-run", .description = "preview", .short_name = 'n'},
                       {.name = "--port",
                        .value_name = "N",
                        .description = "a port",
                        .number = NumberRange{0, 65535}}},
             .details = "Reads playlists.\n",
             .handler = does_nothing,
             .json_fields = {"id", "name", "state"}}}},
      {.name = "user",
       .summary = "manage users",
       .commands = {{.name = "add",
                     .summary = "add a user",
                     .arguments = {"NAME"},
                     .flags = {{.name = "--role",
                                .value_name = "ROLE",
                                .description = "what the user may do",
                                .choices = {"admin", "editor", "viewer"}}},
                     .handler = does_nothing},
                    {.name = "list", .summary = "list users", .handler = does_nothing},
                    {.name = "tag",
                     .summary = "tag users",
                     .arguments = {"TAG", "NAME..."},
                     .handler = does_nothing},
                    {.name = "untag",
                     .summary = "untag users (all without NAME)",
                     .arguments = {"TAG", "[NAME...]"},
                     .handler = does_nothing}}},
      {.name = "jobs",
       .summary = "durable jobs",
       .commands = {{.flags = {{.name = "--state", .value_name = "S", .description = "filter"}},
                     .handler = does_nothing},
                    {.name = "show",
                     .summary = "show one job",
                     .arguments = {"ID"},
                     .handler = does_nothing}}},
  };
  return table;
}

const CommandTable kTable{groups(), kGlobals};

Invocation parsed(std::vector<std::string> arguments) {
  auto invocation = parse_command_line(kTable, arguments);
  EXPECT_TRUE(invocation) << (invocation ? "" : invocation.error().message);
  return invocation ? *invocation : Invocation{};
}

std::string refusal(std::vector<std::string> arguments) {
  const auto invocation = parse_command_line(kTable, arguments);
  EXPECT_FALSE(invocation) << "accepted: " << testing::PrintToString(arguments);
  return invocation ? "" : invocation.error().message;
}

TEST(ParseCommandLine, TakesBothFlagFormsAndGlobalOptionsBeforeOrAfterTheCommand) {
  for (const auto& arguments : std::vector<std::vector<std::string>>{
           {"--json", "--data-dir", "/d", "sync", "--account", "3"},
           {"sync", "--account=3", "--json", "--data-dir=/d"},
           {"--data-dir=/d", "sync", "--json", "--account", "3"}}) {
    const auto invocation = parsed(arguments);
    EXPECT_EQ(invocation.command_path(), "plm sync");
    EXPECT_EQ(invocation.value("--account"), "3");
    EXPECT_TRUE(invocation.has("--json"));
    EXPECT_FALSE(invocation.has("--quiet"));
    EXPECT_EQ(invocation.settings, (std::map<std::string, std::string>{{"PLM_DATA_DIR", "/d"}}));
  }
}

TEST(ParseCommandLine, KeepsTheLastValueAndAnEqualsSignInsideAValue) {
  const auto invocation = parsed({"sync", "--account", "1", "--account=a=b"});
  EXPECT_EQ(invocation.value("--account"), "a=b");
}

TEST(ParseCommandLine, DoubleDashEndsTheOptions) {
  const auto invocation = parsed({"user", "add", "--", "--role"});
  EXPECT_EQ(invocation.command_path(), "plm user add");
  EXPECT_THAT(invocation.arguments, ElementsAre("--role"));
  EXPECT_EQ(invocation.value("--role"), std::nullopt);
}

TEST(ParseCommandLine, ChecksNumbersAndChoicesAndReturnsThem) {
  EXPECT_EQ(parsed({"sync", "--port", "0"}).number("--port"), 0);
  EXPECT_EQ(refusal({"sync", "--port", "70000"}),
            "--port must be a number from 0 to 65535, got '70000' (see plm sync --help)");
  EXPECT_EQ(refusal({"sync", "--port=soon"}),
            "--port must be a number from 0 to 65535, got 'soon' (see plm sync --help)");
  EXPECT_EQ(parsed({"user", "add", "bob", "--role=viewer"}).value("--role"), "viewer");
  EXPECT_EQ(refusal({"user", "add", "bob", "--role", "boss"}),
            "--role must be admin, editor or viewer, got 'boss' (see plm user add --help)");
}

TEST(ParseCommandLine, UnknownOptionsHaveOneWording) {
  EXPECT_EQ(refusal({"sync", "--x"}), "unknown option '--x' for 'plm sync' (see plm sync --help)");
  EXPECT_EQ(refusal({"sync", "--x=1"}),
            "unknown option '--x' for 'plm sync' (see plm sync --help)");
  EXPECT_EQ(refusal({"user", "add", "bob", "-q"}),
            "unknown option '-q' for 'plm user add' (see plm user add --help)");
  EXPECT_EQ(refusal({"--x", "sync"}), "unknown option '--x' (see plm --help)");
  // A command's flag belongs to that command only.
  EXPECT_EQ(refusal({"--quiet", "sync"}), "unknown option '--quiet' (see plm --help)");
}

TEST(ParseCommandLine, UnknownCommandsHaveOneWording) {
  EXPECT_EQ(refusal({"frobnicate"}), "unknown command 'frobnicate' (see plm --help)");
  EXPECT_EQ(refusal({"user", "frob"}),
            "unknown command 'frob' for 'plm user' (see plm user --help)");
  EXPECT_EQ(refusal({"jobs", "frob"}),
            "unknown command 'frob' for 'plm jobs' (see plm jobs --help)");
  EXPECT_EQ(refusal({"frobnicate", "--help"}), "unknown command 'frobnicate' (see plm --help)");
}

TEST(ParseCommandLine, MissingValuesAndArgumentsAndExtraArgumentsAreRefused) {
  EXPECT_EQ(refusal({"sync", "--account"}),
            "option '--account' for 'plm sync' needs a value (see plm sync --help)");
  EXPECT_EQ(refusal({"sync", "--quiet=yes"}),
            "option '--quiet' for 'plm sync' takes no value (see plm sync --help)");
  EXPECT_EQ(refusal({"user", "add"}), "missing NAME for 'plm user add' (see plm user add --help)");
  EXPECT_EQ(refusal({"user", "add", "bob", "carol"}),
            "unexpected argument 'carol' for 'plm user add' (see plm user add --help)");
  EXPECT_EQ(refusal({"sync", "now"}),
            "unexpected argument 'now' for 'plm sync' (see plm sync --help)");
}

TEST(ParseCommandLine, ALastArgumentWithDotsTakesOneOrMoreValues) {
  EXPECT_THAT(parsed({"user", "tag", "red", "bob"}).arguments, ElementsAre("red", "bob"));
  EXPECT_THAT(parsed({"user", "tag", "red", "bob", "carol", "--json", "dave"}).arguments,
              ElementsAre("red", "bob", "carol", "dave"));
  EXPECT_EQ(refusal({"user", "tag", "red"}),
            "missing NAME... for 'plm user tag' (see plm user tag --help)");
}

TEST(ParseCommandLine, ALastArgumentWithDotsInBracketsTakesZeroOrMoreValues) {
  EXPECT_THAT(parsed({"user", "untag", "red"}).arguments, ElementsAre("red"));
  EXPECT_THAT(parsed({"user", "untag", "red", "bob", "carol"}).arguments,
              ElementsAre("red", "bob", "carol"));
  EXPECT_EQ(refusal({"user", "untag"}),
            "missing TAG for 'plm user untag' (see plm user untag --help)");
  EXPECT_THAT(help_text(kTable, groups()[1], &groups()[1].commands[3]),
              HasSubstr("usage: plm user untag TAG [NAME...]"));
}

TEST(ParseCommandLine, HelpWinsOverOtherMistakesOnceTheCommandIsKnown) {
  const auto help = parsed({"sync", "--bogus", "--port", "x", "extra", "--help"});
  EXPECT_TRUE(help.help);
  EXPECT_EQ(help.command_path(), "plm sync");
  EXPECT_TRUE(parsed({"user", "add", "-h"}).help);
  EXPECT_TRUE(parsed({"--help"}).help);
  EXPECT_TRUE(parsed({"--version"}).version);
}

TEST(ParseCommandLine, AGroupWithoutItsOwnCommandAloneAsksForItsHelp) {
  const auto invocation = parsed({"user"});
  EXPECT_TRUE(invocation.help);
  EXPECT_EQ(invocation.command, nullptr);
  EXPECT_EQ(invocation.command_path(), "plm user");
}

TEST(ParseCommandLine, AGroupWithItsOwnCommandAndSubcommandsTellsThemApart) {
  const auto list = parsed({"jobs", "--state", "queued", "--json"});
  const auto show = parsed({"jobs", "--json", "show", "7"});

  EXPECT_EQ(list.command_path(), "plm jobs");
  EXPECT_EQ(list.value("--state"), "queued");
  EXPECT_EQ(show.command_path(), "plm jobs show");
  EXPECT_THAT(show.arguments, ElementsAre("7"));
  // After the group's own flag, a word is an argument of the group's command, not a subcommand.
  EXPECT_EQ(refusal({"jobs", "--state", "queued", "show"}),
            "unexpected argument 'show' for 'plm jobs' (see plm jobs --help)");
}

TEST(ParseCommandLine, ShortFormsTakeTheirValueAttachedOrNextAndBundleSwitches) {
  for (const auto& arguments : std::vector<std::vector<std::string>>{
           {"sync", "-a", "3"}, {"sync", "-a3"}, {"sync", "-a=3"}, {"sync", "--account=3"}}) {
    EXPECT_EQ(parsed(arguments).value("--account"), "3") << testing::PrintToString(arguments);
  }
  const auto bundled = parsed({"sync", "-nq"});
  EXPECT_TRUE(bundled.has("--dry-run"));
  EXPECT_TRUE(bundled.has("--quiet"));
  const auto bundled_with_value = parsed({"sync", "-qa", "7"});
  EXPECT_TRUE(bundled_with_value.has("--quiet"));
  EXPECT_EQ(bundled_with_value.value("--account"), "7");
  EXPECT_EQ(parsed({"sync", "-qa7"}).value("--account"), "7");
  EXPECT_TRUE(parsed({"sync", "-qh"}).help);

  EXPECT_EQ(refusal({"sync", "-qx"}), "unknown option '-x' for 'plm sync' (see plm sync --help)");
  EXPECT_EQ(refusal({"sync", "-q=1"}),
            "option '-q' for 'plm sync' takes no value (see plm sync --help)");
  EXPECT_EQ(refusal({"sync", "-a"}),
            "option '-a' for 'plm sync' needs a value (see plm sync --help)");
  // A letter belongs to the command that declares it, as a long flag does.
  EXPECT_EQ(refusal({"-q", "sync"}), "unknown option '-q' (see plm --help)");
  // '-' alone is an argument (standard input), not an option.
  EXPECT_THAT(parsed({"user", "add", "-"}).arguments, ElementsAre("-"));
}

TEST(ParseCommandLine, SuggestsTheClosestCommandSubcommandOrOption) {
  EXPECT_EQ(refusal({"synk"}), "unknown command 'synk'; did you mean 'sync'? (see plm --help)");
  EXPECT_EQ(refusal({"job"}), "unknown command 'job'; did you mean 'jobs'? (see plm --help)");
  EXPECT_EQ(refusal({"user", "ad", "bob"}),
            "unknown command 'ad' for 'plm user'; did you mean 'add'? (see plm user --help)");
  EXPECT_EQ(refusal({"user", "untga", "red"}),
            "unknown command 'untga' for 'plm user'; did you mean 'untag'? (see plm user --help)");
  EXPECT_EQ(refusal({"jobs", "shwo", "7"}),
            "unknown command 'shwo' for 'plm jobs'; did you mean 'show'? (see plm jobs --help)");
  EXPECT_EQ(refusal({"sync", "--acount", "3"}),
            "unknown option '--acount' for 'plm sync'; did you mean '--account'? (see plm sync "
            "--help)");
  EXPECT_EQ(refusal({"sync", "--jsno"}),
            "unknown option '--jsno' for 'plm sync'; did you mean '--json'? (see plm sync --help)");
  // The first mistake is the one reported: here the option, not the word after it.
  EXPECT_EQ(refusal({"--data", "/d", "sync"}),
            "unknown option '--data'; did you mean '--data-dir'? (see plm --help)");
}

TEST(ClosestNames, AreFewEditsAwayOrStartTheName) {
  const std::vector<std::string_view> names{"playlist", "playlists", "sync", "user", "batch"};
  EXPECT_THAT(closest_names("playlsit", names), ElementsAre("playlist"));
  EXPECT_THAT(closest_names("pl", names), ElementsAre("playlist", "playlists"));
  EXPECT_THAT(closest_names("usr", names), ElementsAre("user"));
  EXPECT_THAT(closest_names("frobnicate", names), ElementsAre());
  EXPECT_THAT(closest_names("x", names), ElementsAre());
}

TEST(ParseCommandLine, JsonTakesFieldsAfterAnEqualsSignOrAsTheNextWordWhenTheyAreFields) {
  const auto plain = parsed({"sync", "--json"});
  EXPECT_TRUE(plain.json);
  EXPECT_THAT(plain.json_fields, ElementsAre());
  EXPECT_THAT(parsed({"sync", "--json=name,id"}).json_fields, ElementsAre("name", "id"));
  EXPECT_THAT(parsed({"sync", "--json", "id,state"}).json_fields, ElementsAre("id", "state"));
  // A word that is no field is not --json's: here an argument (refused as one), as in
  // `plm user add --json bob`.
  EXPECT_EQ(refusal({"sync", "--json", "now"}),
            "unexpected argument 'now' for 'plm sync' (see plm sync --help)");
  const auto user = parsed({"user", "add", "--json", "bob"});
  EXPECT_TRUE(user.json);
  EXPECT_THAT(user.arguments, ElementsAre("bob"));
  // Before the command is known there are no fields to read.
  EXPECT_EQ(parsed({"--json", "sync"}).command_path(), "plm sync");
  EXPECT_EQ(refusal({"sync", "--json=id,nmae"}),
            "unknown JSON field 'nmae' for 'plm sync'; did you mean 'name'?; the fields: id, name, "
            "state (see plm sync --help)");
  EXPECT_EQ(refusal({"user", "list", "--json=id"}),
            "'plm user list' has no JSON fields to choose from: use --json alone (see plm user "
            "list --help)");
  EXPECT_EQ(refusal({"sync", "--json="}),
            "option '--json' needs field names after '=' (see plm sync --help)");
}

TEST(ParseCommandLine, JqSetsJsonAndItsExpression) {
  const auto invocation = parsed({"sync", "--jq", ".[].name"});
  EXPECT_TRUE(invocation.json);
  EXPECT_EQ(invocation.jq, ".[].name");
  EXPECT_EQ(parsed({"--jq=.id", "sync"}).jq, ".id");
  EXPECT_FALSE(parsed({"sync"}).json);
}

TEST(WantsJson, SeesJsonOrJqAnywhereBeforeTheDoubleDash) {
  EXPECT_TRUE(wants_json({"frob", "--json"}));
  EXPECT_TRUE(wants_json({"--json=id", "sync", "--bogus"}));
  EXPECT_TRUE(wants_json({"sync", "--jq", ".x"}));
  EXPECT_TRUE(wants_json({"--jq=.x"}));
  EXPECT_FALSE(wants_json({"sync", "--", "--json"}));
  EXPECT_FALSE(wants_json({"sync", "--jsonx"}));
}

TEST(HelpText, ShowsUsageSummaryDetailsEveryFlagAndTheGlobalOptions) {
  const auto& sync = groups()[0];
  const std::string text = help_text(kTable, sync, sync.own_command());

  EXPECT_TRUE(text.starts_with(
      "usage: plm sync [--account ID] [--quiet] [--dry-run] [--port N] [global options]\n\nread "
      "playlists\n"
      "\nReads playlists.\n"))
      << text;
  EXPECT_THAT(text, HasSubstr("  -a, --account ID  which\n"));
  EXPECT_THAT(text, HasSubstr("  -q, --quiet       no progress bar\n"));
  EXPECT_THAT(text, HasSubstr("      --port N      a port\n"));
  EXPECT_THAT(text,
              HasSubstr("JSON fields (--json FIELDS, comma-separated):\n  id, name, state\n"));
  EXPECT_THAT(text, HasSubstr("  -h, --help        show this help\n"));
  EXPECT_THAT(text, HasSubstr("Global options (before or after the command):\n"
                              "  --json            machine-readable output\n"
                              "  --jq EXPR         a jq filter\n"
                              "  --data-dir DIR    data\n"));
}

TEST(HelpText, OfAGroupListsEveryUsageAndItsCommands) {
  const auto& jobs = groups()[2];
  const std::string text = help_text(kTable, jobs, nullptr);

  EXPECT_TRUE(
      text.starts_with("usage: plm jobs [--state S] [global options]\n"
                       "       plm jobs show ID [global options]\n"))
      << text;
  EXPECT_THAT(text, HasSubstr("Commands:\n  show              show one job\n"));
}

TEST(HelpText, WrapsLongDescriptionsUnderTheirColumn) {
  const std::vector<Flag> flags{
      {.name = "--long",
       .description = "a description long enough to need a second line when it is shown in "
                      "the options of a command"}};
  const std::vector<CommandGroup> table{
      {.name = "wordy", .summary = "s", .commands = {{.flags = flags, .handler = does_nothing}}}};
  const std::string text = help_text({table, {}}, table[0], &table[0].commands[0]);

  EXPECT_THAT(text, HasSubstr("      --long        a description long enough to need a second "
                              "line when it is\n                    shown in the options of a "
                              "command\n"));
}

/// `text` with each run of spaces and newlines as one space (help wraps its lines).
std::string one_line(const std::string& text) {
  std::string line;
  for (const char c : text) {
    const bool blank = c == ' ' || c == '\n';
    if (!blank)
      line += c;
    else if (!line.empty() && line.back() != ' ')
      line += ' ';
  }
  return line;
}

const std::map<char, std::string_view> kLetters{{'a', "--account"}, {'n', "--dry-run"},
                                                {'q', "--quiet"},   {'y', "--yes"},
                                                {'o', "--output"},  {'p', "--position"}};

TEST(PlmCommandTable, EveryCommandIsCompleteAndNoFlagShadowsAGlobalOption) {
  const auto table = plm_command_table();
  std::set<std::string_view> global_names{"-h", "--help", "--version"};
  for (const auto& flag : table.global_flags) {
    EXPECT_FALSE(flag.description.empty()) << flag.name;
    EXPECT_TRUE(global_names.insert(flag.name).second) << flag.name;
  }
  std::set<std::string_view> group_names;
  for (const auto& group : table.groups) {
    EXPECT_TRUE(group_names.insert(group.name).second) << group.name;
    EXPECT_FALSE(group.summary.empty()) << group.name;
    EXPECT_FALSE(group.commands.empty()) << group.name;
    EXPECT_THAT(commands_section(table), HasSubstr("  " + std::string(group.name) + " "));
    for (const auto& command : group.commands) {
      const std::string path = std::string(group.name) + " " + std::string(command.name);
      EXPECT_NE(command.handler, nullptr) << path;
      EXPECT_TRUE(command.name.empty() || !command.summary.empty()) << path;
      EXPECT_THAT(one_line(help_text(table, group, &command)),
                  testing::StartsWith("usage: " + usage_line(group, command)))
          << path;
      std::set<std::string_view> flag_names;
      std::set<char> letters{'h'};
      for (const auto& flag : command.flags) {
        EXPECT_TRUE(flag.name.starts_with("--")) << path << " " << flag.name;
        EXPECT_FALSE(flag.description.empty()) << path << " " << flag.name;
        EXPECT_FALSE(global_names.contains(flag.name)) << path << " " << flag.name;
        EXPECT_TRUE(flag_names.insert(flag.name).second) << path << " " << flag.name;
        if (flag.short_name != 0) {
          EXPECT_TRUE(letters.insert(flag.short_name).second) << path << " " << flag.name;
          // One letter, one meaning everywhere (docs/cli.md "Conventions").
          EXPECT_EQ(kLetters.at(flag.short_name), flag.name) << path;
        }
      }
    }
  }
}

}  // namespace
}  // namespace plm::app::cli
