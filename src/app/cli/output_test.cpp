// cli::Output's pure parts (layout, --json FIELDS, --jq, the terminal's decision) and Output
// itself over string streams: terminal tables vs TSV, colour, JSON.

#include "app/cli/output.hpp"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/cli/command_line.hpp"

namespace plm::app::cli {
namespace {

/// A command line without options (Output keeps a reference to it: no temporaries).
const Invocation kNoOptions;

using Json = nlohmann::json;

constexpr Column kColumns[] = {
    {.header = "ID", .field = "id"},
    {.header = "NAME", .field = "name", .shrink = true},
    {.header = "TRACKS", .field = "tracks", .right_aligned = true},
};

std::vector<std::vector<std::string>> rows(std::initializer_list<std::vector<std::string>> list) {
  return list;
}

TEST(LayoutTable, AlignsColumnsUnderAHeaderAndRightAlignsNumbers) {
  const auto lines = layout_table(kColumns, rows({{"a1", "Focus", "12"}, {"b22", "Chill", "3"}}),
                                  80, /*header=*/true);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "ID   NAME   TRACKS");
  EXPECT_EQ(lines[1], "a1   Focus      12");
  EXPECT_EQ(lines[2], "b22  Chill       3");
}

TEST(LayoutTable, CutsOnlyTheShrinkColumnsWithAnEllipsisToFitTheWidth) {
  const auto lines = layout_table(
      kColumns, rows({{"id1", "A very long playlist name indeed", "7"}}), 24, /*header=*/false);
  ASSERT_EQ(lines.size(), 1u);
  // 3 + 2 + name + 2 + 1 = 24: the name gets 16 columns, the last one "…".
  EXPECT_EQ(lines[0], "id1  A very long pla…  7");
}

TEST(LayoutTable, AShrinkColumnKeepsAFewCharactersAndTheRowThenOverflows) {
  const auto lines =
      layout_table(kColumns, rows({{"identifier", "Long name here", "7"}}), 10, false);
  EXPECT_EQ(lines[0], "identifier  Long …  7");
}

TEST(LayoutTable, CountsWideCharactersAsTwoColumnsAndCombiningMarksAsNone) {
  // "日本語" is 6 columns; "Zoë" written with a combining diaeresis is 3.
  const auto lines = layout_table(
      kColumns, rows({{"x", "日本語の曲名です", "1"}, {"y", "Zoe\u0308", "2"}}), 14, false);
  ASSERT_EQ(lines.size(), 2u);
  // 1 + 2 + name + 2 + 1 = 14: 8 columns for the name, "日本語" (6) and "…" (1), one space of pad.
  EXPECT_EQ(lines[0], "x  日本語…   1");
  EXPECT_EQ(lines[1], "y  Zoe\u0308       2");
}

TEST(LayoutTable, NoTrailingSpacesAfterAnEmptyLastCell) {
  constexpr Column columns[] = {{.header = "A", .field = "a"}, {.header = "B", .field = "b"}};
  const auto lines = layout_table(columns, rows({{"x", ""}, {"yy", "z"}}), 80, false);
  EXPECT_EQ(lines[0], "x");
  EXPECT_EQ(lines[1], "yy  z");
}

TEST(SelectJsonFields, KeepsTheGivenFieldsOfEachRecord) {
  const Json list = Json::parse(R"([{"id":"a","name":"A","tracks":1},{"id":"b","name":"B"}])");
  const std::vector<std::string> fields{"id", "tracks"};
  const std::vector<std::string_view> available{"id", "name", "tracks"};
  const auto selected = select_json_fields(list, fields, available, "plm playlists");
  ASSERT_TRUE(selected.error.empty()) << selected.error;
  EXPECT_EQ(selected.value, Json::parse(R"([{"id":"a","tracks":1},{"id":"b","tracks":null}])"));
}

TEST(SelectJsonFields, AnUnknownFieldIsAnErrorThatListsTheAvailableOnes) {
  const std::vector<std::string> fields{"nme"};
  const std::vector<std::string_view> available{"id", "name"};
  const auto selected = select_json_fields(Json::object(), fields, available, "plm playlists");
  EXPECT_EQ(selected.error, "unknown JSON field 'nme' for plm playlists; available: id, name");
}

TEST(SelectJsonFields, WithoutADeclaredListTheObjectsOwnKeysAreTheFields) {
  const std::vector<std::string> fields{"username"};
  const auto selected =
      select_json_fields(Json{{"id", 1}, {"username", "bob"}}, fields, {}, "plm user add");
  ASSERT_TRUE(selected.error.empty()) << selected.error;
  EXPECT_EQ(selected.value, Json({{"username", "bob"}}));
  EXPECT_NE(select_json_fields(Json{{"id", 1}}, std::vector<std::string>{"x"}, {}, "plm x")
                .error.find("available: id"),
            std::string::npos);
}

TEST(RunJq, PrintsStringsRawOneResultPerLineAndOtherValuesAsJson) {
  const Json input = Json::parse(R"([{"name":"Focus","n":1},{"name":"Chill","n":2}])");
  EXPECT_EQ(run_jq(".[].name", input).text, "Focus\nChill\n");
  EXPECT_EQ(run_jq("map(.n) | add", input).text, "3\n");
  EXPECT_EQ(run_jq(".[0]", input).text, "{\n  \"n\": 1,\n  \"name\": \"Focus\"\n}\n");
  EXPECT_TRUE(run_jq(".[0]", input).error.empty());
}

TEST(RunJq, CompileAndRuntimeErrorsAreReported) {
  const auto syntax = run_jq(".[", Json::array());
  EXPECT_TRUE(syntax.text.empty());
  EXPECT_NE(syntax.error.find("jq: error"), std::string::npos) << syntax.error;
  const auto runtime = run_jq(".[] | .name", Json::array({1}));
  EXPECT_NE(runtime.error.find("Cannot index number"), std::string::npos) << runtime.error;
}

TerminalFacts facts(bool terminal, std::map<std::string, std::string> environment) {
  TerminalFacts result;
  result.stdout_is_terminal = terminal;
  result.environment = [environment](const char* name) -> std::optional<std::string> {
    const auto found = environment.find(name);
    return found == environment.end() ? std::nullopt : std::optional(found->second);
  };
  return result;
}

TEST(DecideTerminal, PagerIsPlmPagerThenPagerThenLessAndNoneForPipesOrNoPagerOrCat) {
  EXPECT_EQ(decide_terminal(facts(true, {})).pager, "less -FRX");
  EXPECT_EQ(decide_terminal(facts(true, {{"PAGER", "more"}})).pager, "more");
  EXPECT_EQ(decide_terminal(facts(true, {{"PAGER", "more"}, {"PLM_PAGER", "most"}})).pager, "most");
  EXPECT_EQ(decide_terminal(facts(true, {{"PLM_PAGER", ""}, {"PAGER", "more"}})).pager, "");
  EXPECT_EQ(decide_terminal(facts(true, {{"PAGER", "cat"}})).pager, "");
  EXPECT_EQ(decide_terminal(facts(false, {{"PAGER", "more"}})).pager, "");
  auto no_pager = facts(true, {});
  no_pager.no_pager = true;
  EXPECT_EQ(decide_terminal(no_pager).pager, "");
}

TEST(DecideTerminal, ColourOnATerminalUnlessNoColorOrDumbAndForcedByClicolorForce) {
  EXPECT_TRUE(decide_terminal(facts(true, {{"TERM", "xterm"}})).colour);
  EXPECT_FALSE(decide_terminal(facts(true, {{"NO_COLOR", "1"}})).colour);
  EXPECT_TRUE(decide_terminal(facts(true, {{"NO_COLOR", ""}})).colour);
  EXPECT_FALSE(decide_terminal(facts(true, {{"TERM", "dumb"}})).colour);
  EXPECT_FALSE(decide_terminal(facts(false, {})).colour);
  EXPECT_TRUE(decide_terminal(facts(false, {{"CLICOLOR_FORCE", "1"}})).colour);
  EXPECT_FALSE(decide_terminal(facts(false, {{"CLICOLOR_FORCE", "0"}})).colour);
}

TEST(DecideTerminal, WidthFromTheWindowElseColumnsElse80) {
  auto window = facts(true, {{"COLUMNS", "100"}});
  window.columns = 132;
  EXPECT_EQ(decide_terminal(window).width, 132);
  EXPECT_EQ(decide_terminal(facts(true, {{"COLUMNS", "100"}})).width, 100);
  EXPECT_EQ(decide_terminal(facts(true, {{"COLUMNS", "wide"}})).width, 80);
}

Colour red_when_failed(const Json& value) { return value == "failed" ? Colour::Bad : Colour::None; }

constexpr Column kStateColumns[] = {
    {.header = "ID", .field = "id"},
    {.header = "STATE", .field = "state", .colour = red_when_failed},
    {.header = "TAGS", .field = "tags"},
};

const Json kRecords = Json::parse(
    R"([{"id":1,"state":"failed","tags":["a","b"]},{"id":2,"state":"done\tnow","tags":[]}])");

struct Written {
  std::string out;
  std::string err;
  ExitCode code;
};

Written list_with(const Invocation& invocation, const Terminal& terminal) {
  std::ostringstream out, err;
  ExitCode code;
  {
    Output output(invocation, terminal, out, err);
    code = output.list(kRecords, kStateColumns);
  }
  return {out.str(), err.str(), code};
}

TEST(Output, APipeGetsTabSeparatedLinesWithoutHeaderOrColour) {
  const auto written = list_with(kNoOptions, Terminal{});
  EXPECT_EQ(written.out, "1\tfailed\ta, b\n2\tdone now\t\n");
}

TEST(Output, ATerminalGetsAHeaderAlignedColumnsAndColourWhereItHelps) {
  const Terminal terminal{.is_terminal = true, .width = 80, .colour = true};
  const auto written = list_with(kNoOptions, terminal);
  EXPECT_EQ(written.out,
            "ID  STATE     TAGS\n"
            "1   \x1b[31mfailed\x1b[0m    a, b\n"
            "2   done now\n");
  const Terminal plain{.is_terminal = true, .width = 80, .colour = false};
  EXPECT_EQ(list_with(kNoOptions, plain).out,
            "ID  STATE     TAGS\n"
            "1   failed    a, b\n"
            "2   done now\n");
}

TEST(Output, JsonSelectsFieldsAndJqFilters) {
  Invocation invocation;
  invocation.json = true;
  invocation.json_fields = {"id"};
  EXPECT_EQ(Json::parse(list_with(invocation, Terminal{}).out),
            Json::parse(R"([{"id":1},{"id":2}])"));
  invocation.json_fields = {"nope"};
  const auto unknown = list_with(invocation, Terminal{});
  EXPECT_EQ(unknown.code, ExitCode::Usage);
  EXPECT_NE(unknown.err.find("unknown JSON field 'nope'"), std::string::npos) << unknown.err;
  Invocation jq;
  jq.jq = ".[].state";
  EXPECT_EQ(list_with(jq, Terminal{}).out, "failed\ndone\tnow\n");
}

TEST(Output, AnObjectShowsLabelledFieldsThenItsListOnATerminalAndOnlyTheListInAPipe) {
  const Json playlist =
      Json::parse(R"({"name":"Focus","owner_id":"dj","items":[{"id":1,"state":"x","tags":[]}]})");
  constexpr Field fields[] = {{.label = "Name", .field = "name"},
                              {.label = "Owner", .field = "owner_id"}};
  std::ostringstream terminal_out, pipe_out, err;
  {
    Output output(kNoOptions, Terminal{.is_terminal = true, .width = 80}, terminal_out, err);
    output.object(playlist, fields, "items", kStateColumns);
  }
  {
    Output output(kNoOptions, Terminal{}, pipe_out, err);
    output.object(playlist, fields, "items", kStateColumns);
  }
  EXPECT_EQ(terminal_out.str(),
            "Name:   Focus\n"
            "Owner:  dj\n"
            "\n"
            "ID  STATE  TAGS\n"
            "1   x\n");
  EXPECT_EQ(pipe_out.str(), "1\tx\t\n");
}

}  // namespace
}  // namespace plm::app::cli

namespace plm::app::cli {
namespace {

TEST(OutputPager, APagerThatQuitsEarlyEndsTheOutputWithoutSigpipeOrError) {
  // Far more than a pipe holds: the writes after `true` exits fail with EPIPE, which must neither
  // kill this process (SIGPIPE) nor fail the command.
  Json records = Json::array();
  for (int i = 0; i < 8000; ++i) records.push_back({{"id", i}, {"state", "done"}, {"tags", {}}});
  std::ostringstream out, err;
  ExitCode code;
  {
    Output output(kNoOptions,
                  Terminal{.is_terminal = true, .width = 80, .height = 10, .pager = "true"}, out,
                  err);
    code = output.list(records, kStateColumns);
  }
  EXPECT_EQ(code, ExitCode::Ok);
  EXPECT_TRUE(out.str().empty());  // it all went to the pager
  EXPECT_TRUE(err.str().empty()) << err.str();
}

TEST(OutputPager, ShortOutputIsNeverPaged) {
  std::ostringstream out, err;
  {
    Output output(kNoOptions,
                  Terminal{.is_terminal = true, .width = 80, .height = 10, .pager = "false"}, out,
                  err);
    output.list(kRecords, kStateColumns);
  }
  EXPECT_NE(out.str().find("STATE"), std::string::npos);
}

}  // namespace
}  // namespace plm::app::cli
