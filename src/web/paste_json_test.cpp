// The paste bodies read strictly (PasteRequest, PasteDecision, each refusal naming its field) and
// the Paste body written: counts over every line, only the lines after `since`, the newest seq.

#include "web/paste_json.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace plm::web {
namespace {

using Json = nlohmann::json;
using core::LineDecision;
using core::MatchStatus;
using ::testing::HasSubstr;

const std::string kPastedUri = "spotify:track:4uLU6hMCjMI75M1A2tKUQC";

std::string refusal(const core::Result<PasteDecisionBody>& read) {
  EXPECT_FALSE(read) << "accepted";
  if (read) return "";
  EXPECT_EQ(read.error().code, core::ErrorCode::InvalidInput);
  return read.error().message;
}

TEST(ParsePasteRequest, ReadsTheTextAndRefusesAnythingElse) {
  EXPECT_EQ(*parse_paste_request(Json{{"text", "a - b\nc - d"}}), "a - b\nc - d");
  EXPECT_THAT(parse_paste_request(Json::object()).error().message, HasSubstr("'text'"));
  EXPECT_THAT(parse_paste_request(Json{{"text", 7}}).error().message, HasSubstr("'text'"));
  EXPECT_THAT(parse_paste_request(Json{{"text", "x"}, {"lines", 1}}).error().message,
              HasSubstr("'lines'"));
}

TEST(ParsePasteDecision, ReadsEachDecisionAndRefusesWhatCannotBeMeant) {
  const auto accept = parse_paste_decision(Json{{"decision", "accept"}});
  ASSERT_TRUE(accept);
  EXPECT_EQ(accept->kind, PasteDecisionBody::Kind::Accept);
  EXPECT_EQ(accept->uri, std::nullopt);
  const auto pick = parse_paste_decision(Json{{"decision", "pick"}, {"uri", kPastedUri}});
  ASSERT_TRUE(pick);
  EXPECT_EQ(pick->kind, PasteDecisionBody::Kind::Pick);
  EXPECT_EQ(pick->uri, kPastedUri);
  EXPECT_EQ(parse_paste_decision(Json{{"decision", "skip"}})->kind, PasteDecisionBody::Kind::Skip);
  EXPECT_EQ(parse_paste_decision(Json{{"decision", "clear"}})->kind,
            PasteDecisionBody::Kind::Clear);

  EXPECT_THAT(refusal(parse_paste_decision(Json::object())), HasSubstr("'decision'"));
  EXPECT_THAT(refusal(parse_paste_decision(Json{{"decision", "maybe"}})), HasSubstr("'decision'"));
  EXPECT_THAT(refusal(parse_paste_decision(Json{{"decision", "pick"}})), HasSubstr("'uri'"));
  EXPECT_THAT(refusal(parse_paste_decision(Json{{"decision", "skip"}, {"uri", kPastedUri}})),
              HasSubstr("'uri'"));
  EXPECT_THAT(refusal(parse_paste_decision(Json{{"decision", "pick"}, {"uri", ""}})),
              HasSubstr("'uri'"));
  EXPECT_THAT(refusal(parse_paste_decision(Json{{"decision", "accept"}, {"why", "x"}})),
              HasSubstr("'why'"));
}

core::PasteLineRow row(std::size_t number, MatchStatus status, LineDecision decision,
                       std::int64_t seq) {
  core::PasteLineRow row;
  row.match.number = number;
  row.match.input = "line " + std::to_string(number);
  row.match.status = status;
  if (status == MatchStatus::Matched) {
    row.match.uri = kPastedUri;
    row.match.track = core::TrackInfo{.uri = kPastedUri, .name = "Song", .artists = {"Band"}};
    row.match.confidence = 0.97;
    row.match.source = core::MatchSource::Search;
  }
  row.decision = decision;
  row.seq = seq;
  return row;
}

TEST(CountLines, CountsStatusesAndWhatWillBeAdded) {
  const std::vector<core::PasteLineRow> rows{
      row(1, MatchStatus::Matched, LineDecision::None, 1),
      row(2, MatchStatus::Matched, LineDecision::Skipped, 2),
      row(3, MatchStatus::Ambiguous, LineDecision::Accepted, 3),
      row(4, MatchStatus::NotFound, LineDecision::Picked, 4),
      row(5, MatchStatus::Ambiguous, LineDecision::None, 5),
      row(6, MatchStatus::Invalid, LineDecision::None, 6),
      row(7, MatchStatus::Pending, LineDecision::None, 7),
  };

  EXPECT_EQ(count_lines(rows), (PasteCounts{.pending = 1,
                                            .matched = 2,
                                            .ambiguous = 2,
                                            .not_found = 1,
                                            .invalid = 1,
                                            .accepted = 3,
                                            .skipped = 1}));
}

TEST(PasteJson, HoldsTheLinesAfterSinceWithCountsAndTheNewestSeqOverAll) {
  const core::StoredPaste paste{.id = 12,
                                .owner_user_id = 3,
                                .account_id = 4,
                                .created_at = core::TimePoint{std::chrono::seconds(1'800'000'000)},
                                .job_id = 40,
                                .line_count = 3};
  const std::vector<core::PasteLineRow> rows{
      row(1, MatchStatus::Matched, LineDecision::None, 31),
      row(2, MatchStatus::Pending, LineDecision::None, 17),
      row(3, MatchStatus::NotFound, LineDecision::None, 25),
  };

  const Json all = Json::parse(paste_json(paste, rows, 0));
  const Json after = Json::parse(paste_json(paste, rows, 25));
  const Json nothing_new = Json::parse(paste_json(paste, rows, 31));

  EXPECT_EQ(all["id"], "12");
  EXPECT_EQ(all["job_id"], "40");
  EXPECT_EQ(all["account_id"], 4);
  EXPECT_EQ(all["line_count"], 3);
  EXPECT_EQ(all["created_at"], "2027-01-15T08:00:00Z");
  EXPECT_EQ(all["seq"], 31);
  ASSERT_EQ(all["lines"].size(), 3u);
  const Json& first = all["lines"][0];
  EXPECT_EQ(first["line"], 1);
  EXPECT_EQ(first["status"], "matched");
  EXPECT_EQ(first["uri"], kPastedUri);
  EXPECT_EQ(first["track"]["name"], "Song");
  EXPECT_EQ(first["source"], "search");
  EXPECT_EQ(first["decision"], "none");
  EXPECT_TRUE(all["lines"][1]["uri"].is_null());
  EXPECT_TRUE(all["lines"][1]["track"].is_null());
  ASSERT_EQ(after["lines"].size(), 1u);
  EXPECT_EQ(after["lines"][0]["line"], 1);
  EXPECT_EQ(after["counts"], all["counts"]);  // counts are always over every line
  EXPECT_EQ(after["counts"]["pending"], 1);
  EXPECT_TRUE(nothing_new["lines"].empty());
  EXPECT_EQ(nothing_new["seq"], 31);
}

TEST(PasteJson, AnInputThatIsNotUtf8IsWrittenNotThrown) {
  auto line = row(1, MatchStatus::Invalid, LineDecision::None, 1);
  line.match.input = "bad \xff\xfe bytes";
  const std::string body = paste_json(core::StoredPaste{.id = 1, .line_count = 1}, {line}, 0);
  EXPECT_TRUE(Json::accept(body)) << body;
}

}  // namespace
}  // namespace plm::web
