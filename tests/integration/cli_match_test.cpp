// `plm match` end to end (issue 11 §4): the plm binary as a separate process reads lines on
// standard input and writes one JSON object per input line, in input order, against a real
// emulator over loopback HTTP.

#include <gtest/gtest.h>

#include <sstream>

#include "cli_fixture.hpp"

namespace {

using namespace plm_cli_test;

std::vector<Json> json_lines(const std::string& out) {
  std::vector<Json> rows;
  std::istringstream in(out);
  for (std::string row; std::getline(in, row);) rows.push_back(Json::parse(row));
  return rows;
}

class CliMatchTest : public CliTest {
 protected:
  void SetUp() override {
    Seed seed;
    seed.users = {{"dj", "DJ Test", true}};
    start(seed, "dj");
    connect();
  }
};

TEST_F(CliMatchTest, OneObjectPerInputLineInInputOrder) {
  const auto& first = catalog().tracks().at(10);
  const std::string text_line = first.artists.front().name + " - " + first.name;
  const std::string input = text_line + "\n\n# a comment\n" + catalog_uri(20) +
                            "\nspotify:track:0000000000000000000000\n" + text_line + "\n";
  const auto calls_before = emulator_calls();
  const auto result = plm({"match"}, input);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto rows = json_lines(result.out);
  ASSERT_EQ(rows.size(), 6u) << result.out;
  EXPECT_EQ(rows[0]["input"], text_line);
  EXPECT_EQ(rows[0]["status"], "matched") << rows[0].dump();
  ASSERT_TRUE(rows[0]["uri"].is_string());
  EXPECT_GT(rows[0]["confidence"].get<double>(), 0.5);
  ASSERT_FALSE(rows[0]["candidates"].empty());
  const Json& candidate = rows[0]["candidates"][0];
  for (const char* field : {"uri", "title", "artists", "album", "duration", "duration_ms"})
    EXPECT_TRUE(candidate.contains(field)) << field;
  EXPECT_EQ(rows[1]["status"], "invalid");
  EXPECT_TRUE(rows[1]["uri"].is_null());
  EXPECT_EQ(rows[2]["status"], "invalid");
  EXPECT_EQ(rows[3]["status"], "matched");
  EXPECT_EQ(rows[3]["uri"], catalog_uri(20));
  EXPECT_EQ(rows[4]["status"], "not_found");
  // The repeated line: the same answer, searched once.
  EXPECT_EQ(rows[5]["uri"], rows[0]["uri"]);
  EXPECT_EQ(rows[5]["calls"], 0);
  std::int64_t calls = 0;
  for (const auto& row : rows) {
    calls += row["calls"].get<std::int64_t>();
    // score.py requires a field named line or id to equal its own: there is none.
    EXPECT_FALSE(row.contains("line"));
    EXPECT_FALSE(row.contains("id"));
  }
  EXPECT_EQ(emulator_calls() - calls_before, calls);
}

TEST_F(CliMatchTest, ASecondRunOfTheSameLinesIsAnsweredFromTheLookupCache) {
  const auto& track = catalog().tracks().at(30);
  const std::string input =
      track.artists.front().name + " - " + track.name + "\n" + catalog_uri(40) + "\n";
  const auto first = plm({"match"}, input);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const auto calls_before = emulator_calls();
  const auto second = plm({"match"}, input);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(emulator_calls(), calls_before) << "every lookup answered from the cache";
  const auto before = json_lines(first.out);
  const auto after = json_lines(second.out);
  ASSERT_EQ(after.size(), 2u);
  for (std::size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i]["uri"], before[i]["uri"]);
    EXPECT_EQ(after[i]["status"], before[i]["status"]);
    EXPECT_EQ(after[i]["calls"], 0);
  }
}

TEST_F(CliMatchTest, TooManyLinesIsAUsageError) {
  std::string input;
  for (int i = 0; i < 10'001; ++i) input += "spotify:track:0000000000000000000000\n";
  const auto result = plm({"match"}, input);
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_TRUE(result.out.empty());
}

}  // namespace
