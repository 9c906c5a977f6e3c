// `plm`'s output contract (issue 13 §1) end to end: the same commands on a real pseudo-terminal
// (header, aligned, cut to the window, colour unless NO_COLOR, the pager for long output) and in a
// pipe (TSV without header); --json FIELDS, --jq; one JSON shape per object, the web API's where it
// has the object (checked against api/openapi.yaml). One emulator and one sync for all of it.

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "terminal_session.hpp"

namespace {

using namespace plm_cli_test;

constexpr const char* kLong = "DjLong0000000000000001";
constexpr const char* kWide = "DjWide0000000000000001";
constexpr const char* kLongName = "Late Night Drive Through The City Lights And Far Beyond";

Seed output_seed() {
  Seed seed;
  seed.users = {{"dj", "DJ Test", true}, {"other", "Other", true}};
  SeedPlaylist long_one{kLong, "dj", kLongName, "night music", true, false, {}, {}};
  for (std::size_t i = 0; i < 40; ++i)
    long_one.entries.push_back({catalog_uri(i), "2025-01-01T00:00:00Z", "dj"});
  SeedPlaylist wide{kWide, "dj", "日本の夜の歌", "", false, false, {{catalog_uri(50), "", "dj"}},
                    {}};
  SeedPlaylist followed{"Followed00000000000001",         "other", "Followed", "", true, false,
                        {{catalog_uri(60), "", "other"}}, {"dj"}};
  seed.playlists = {long_one, wide, followed};
  return seed;
}

std::vector<std::string> lines_of(const std::string& text, const std::string& separator = "\n") {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (auto end = text.find(separator); end != std::string::npos;
       end = text.find(separator, start)) {
    lines.push_back(text.substr(start, end - start));
    start = end + separator.size();
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

std::size_t fields_of(const std::string& line) {
  return static_cast<std::size_t>(std::count(line.begin(), line.end(), '\t')) + 1;
}

/// Terminal columns of a line without its ANSI colour codes (wide characters count 2).
int display_columns(const std::string& line) {
  int columns = 0;
  for (std::size_t i = 0; i < line.size();) {
    const auto byte = static_cast<unsigned char>(line[i]);
    if (byte == 0x1b) {
      i = line.find('m', i) + 1;
      continue;
    }
    if (byte < 0x80) {
      ++columns;
      ++i;
    } else if ((byte >> 4) == 0xE) {
      const bool cjk = byte >= 0xE3 && byte <= 0xE9;  // U+3000..U+9FFF: kana and ideographs
      columns += cjk ? 2 : 1;
      i += 3;
    } else {
      ++columns;
      i += (byte >> 5) == 0x6 ? 2 : 4;
    }
  }
  return columns;
}

class CliOutputTest : public CliTest {
 protected:
  void SetUp() override {
    start(output_seed(), "dj");
    connect();
    ASSERT_EQ(plm({"sync", "--quiet"}).exit_code, 0);
  }
  /// `plm ARGS` on a terminal `columns` wide and `rows` high; what the screen shows, by line.
  std::vector<std::string> on_terminal(const std::vector<std::string>& arguments,
                                       std::map<std::string, std::string> extra, int columns,
                                       int rows = 50) {
    auto env = environment();
    env["TERM"] = "xterm";
    env["NO_COLOR"] = "";
    env["CLICOLOR_FORCE"] = "";
    env["PLM_PAGER"] = "";
    for (auto& [key, value] : extra) env[key] = value;
    std::vector<std::string> argv{PLM_BINARY};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    TerminalSession terminal(argv, env, columns, rows);
    const int exit_code = terminal.wait_exit();
    EXPECT_EQ(exit_code, 0) << terminal.screen();
    screen_ = terminal.screen();
    return lines_of(terminal.screen(), "\r\n");  // the terminal turns \n into \r\n
  }
  std::string screen_;

  // The parts of the one test below (one emulator, one connect, one sync for all of them: CI's
  // time is short).
  void ATerminalGetsAlignedTablesCutToTheWindowWithColourAndAPipeGetsTsv();
  void PlaylistShowIsLabelledFieldsAndATrackTableOrTsvOfTheTracksInAPipe();
  void LongOutputOnATerminalGoesThroughThePagerUnlessNoPager();
  void JsonFieldsAndJqShapeTheOutput();
  void EachObjectHasOneShapeTheWebApisWhereItHasTheObject();
};

void CliOutputTest::ATerminalGetsAlignedTablesCutToTheWindowWithColourAndAPipeGetsTsv() {
  // In a pipe: one TSV line per playlist, no header, no colour, nothing cut.
  const auto piped = plm({"playlists"});
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  const auto rows = lines_of(piped.out);
  ASSERT_EQ(rows.size(), 3u) << piped.out;
  for (const auto& row : rows) EXPECT_EQ(fields_of(row), 6u) << row;
  EXPECT_NE(piped.out.find(std::string(kLong) + "\t" + kLongName + "\t40\t"), std::string::npos)
      << piped.out;
  EXPECT_EQ(piped.out.find("ID"), std::string::npos);
  EXPECT_EQ(piped.out.find('\x1b'), std::string::npos);

  // On a terminal 80 columns wide: a header, every line fits, the long name cut with "…", the
  // wide name counted as two columns a character, the followed playlist's OWNED muted.
  const auto screen = on_terminal({"playlists"}, {}, 80);
  ASSERT_GE(screen.size(), 4u) << screen_;
  EXPECT_EQ(screen[0].rfind("ID", 0), 0u) << screen_;
  EXPECT_NE(screen[0].find("NAME"), std::string::npos) << screen_;
  for (const auto& line : screen) EXPECT_LE(display_columns(line), 80) << line;
  EXPECT_NE(screen_.find("Late Night Drive"), std::string::npos) << screen_;
  EXPECT_EQ(screen_.find(kLongName), std::string::npos) << screen_;
  EXPECT_NE(screen_.find("…"), std::string::npos) << screen_;
  EXPECT_NE(screen_.find("日本の夜の歌"), std::string::npos) << screen_;
  EXPECT_NE(screen_.find("\x1b[2mno"), std::string::npos) << screen_;
  // Aligned: the TRACKS column (right-aligned numbers) ends at the same column on every line.
  const auto tracks_end = screen[0].find("TRACKS") + 6;
  std::size_t checked = 0;
  for (std::size_t i = 1; i < 4; ++i) {
    const bool ascii = std::all_of(screen[i].begin(), screen[i].end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (!ascii) continue;  // "…" and 日本 take more bytes than columns
    EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(screen[i][tracks_end - 1]))) << screen_;
    EXPECT_EQ(screen[i][tracks_end], ' ') << screen_;
    ++checked;
  }
  EXPECT_GE(checked, 1u) << screen_;

  // NO_COLOR: the same table without colour.
  on_terminal({"playlists"}, {{"NO_COLOR", "1"}}, 80);
  EXPECT_EQ(screen_.find('\x1b'), std::string::npos) << screen_;
}

void CliOutputTest::PlaylistShowIsLabelledFieldsAndATrackTableOrTsvOfTheTracksInAPipe() {
  const auto piped = plm({"playlist", "show", kLong});
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  const auto rows = lines_of(piped.out);
  ASSERT_EQ(rows.size(), 40u) << piped.out;
  EXPECT_EQ(rows[0].rfind("1\t" + catalog().tracks().at(0).name + "\t", 0), 0u) << rows[0];
  for (const auto& row : rows) EXPECT_EQ(fields_of(row), 8u) << row;

  const auto screen = on_terminal({"playlist", "show", kLong, "--no-pager"}, {}, 100);
  EXPECT_NE(screen_.find("Name:"), std::string::npos) << screen_;
  EXPECT_NE(screen_.find(kLongName), std::string::npos) << screen_;
  EXPECT_NE(screen_.find("TITLE"), std::string::npos) << screen_;
  for (const auto& line : screen) EXPECT_LE(display_columns(line), 100) << line;
}

void CliOutputTest::LongOutputOnATerminalGoesThroughThePagerUnlessNoPager() {
  // 40 tracks on a window of 20 rows: paged. The pager marks each line it shows.
  const std::map<std::string, std::string> pager{{"PLM_PAGER", "sed s/^/paged:/"},
                                                 {"NO_COLOR", "1"}};
  on_terminal({"playlist", "show", kLong}, pager, 100, 20);
  EXPECT_NE(screen_.find("paged:Name:"), std::string::npos) << screen_;
  on_terminal({"playlist", "show", kLong, "--no-pager"}, pager, 100, 20);
  EXPECT_EQ(screen_.find("paged:"), std::string::npos) << screen_;
  // Short output is never paged; a pager that quits at once (like q in less) is no error.
  on_terminal({"accounts"}, pager, 100, 20);
  EXPECT_EQ(screen_.find("paged:"), std::string::npos) << screen_;
  on_terminal({"playlist", "show", kLong}, {{"PLM_PAGER", "true"}}, 100, 20);
}

void CliOutputTest::JsonFieldsAndJqShapeTheOutput() {
  const auto fields = plm({"playlists", "--json", "id,name"});
  ASSERT_EQ(fields.exit_code, 0) << fields.err;
  const Json selected = Json::parse(fields.out);
  ASSERT_EQ(selected.size(), 3u);
  for (const auto& playlist : selected) {
    EXPECT_EQ(playlist.size(), 2u) << playlist.dump();
    EXPECT_TRUE(playlist.contains("id") && playlist.contains("name")) << playlist.dump();
  }
  const auto names = plm({"playlists", "--jq", ".[].name"});
  ASSERT_EQ(names.exit_code, 0) << names.err;
  auto lines = lines_of(names.out);
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (std::vector<std::string>{"Followed", kLongName, "日本の夜の歌"})) << names.out;
  const auto bad = plm({"playlists", "--jq", ".["});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("jq: error"), std::string::npos) << bad.err;
  const auto unknown = plm({"playlists", "--json=id,nme"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown JSON field 'nme'"), std::string::npos) << unknown.err;
}

void CliOutputTest::EachObjectHasOneShapeTheWebApisWhereItHasTheObject() {
  for (const auto& playlist : Json::parse(plm({"--json", "playlists"}).out))
    expect_schema("Playlist", playlist);
  Json shown = Json::parse(plm({"--json", "playlist", "show", kLong}).out);
  ASSERT_EQ(shown["items"].size(), 40u);
  for (const auto& item : shown["items"]) expect_schema("PlaylistItem", item);
  shown.erase("items");
  expect_schema("Playlist", shown);
  const Json accounts = Json::parse(plm({"--json", "accounts"}).out);
  ASSERT_EQ(accounts.size(), 1u);
  expect_schema("Account", accounts[0]);
  EXPECT_TRUE(accounts[0]["last_sync_failure"].is_null());
  EXPECT_EQ(accounts[0]["syncing"], false);
  EXPECT_EQ(accounts[0]["playlist_count"], 3);

  // user add and user list: the same user (the web API's User, with has_password).
  const Json added =
      Json::parse(plm({"user", "add", "bob", "--password-stdin", "--json"}, "long enough\n").out);
  Json listed;
  for (const auto& user : Json::parse(plm({"--json", "user", "list"}).out)) {
    if (user["username"] == "bob") listed = user;
  }
  EXPECT_EQ(added, listed);
  EXPECT_EQ(listed["has_password"], true);
  listed.erase("has_password");
  expect_schema("User", listed);
}

TEST_F(CliOutputTest, TablesOnATerminalTsvInAPipeJsonFieldsJqAndOneShapePerObject) {
  {
    SCOPED_TRACE("ATerminalGetsAlignedTablesCutToTheWindowWithColourAndAPipeGetsTsv");
    ATerminalGetsAlignedTablesCutToTheWindowWithColourAndAPipeGetsTsv();
  }
  {
    SCOPED_TRACE("PlaylistShowIsLabelledFieldsAndATrackTableOrTsvOfTheTracksInAPipe");
    PlaylistShowIsLabelledFieldsAndATrackTableOrTsvOfTheTracksInAPipe();
  }
  {
    SCOPED_TRACE("LongOutputOnATerminalGoesThroughThePagerUnlessNoPager");
    LongOutputOnATerminalGoesThroughThePagerUnlessNoPager();
  }
  {
    SCOPED_TRACE("JsonFieldsAndJqShapeTheOutput");
    JsonFieldsAndJqShapeTheOutput();
  }
  {
    SCOPED_TRACE("EachObjectHasOneShapeTheWebApisWhereItHasTheObject");
    EachObjectHasOneShapeTheWebApisWhereItHasTheObject();
  }
}

}  // namespace
