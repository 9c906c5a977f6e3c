#include "web/paste_json.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "web/edit_json.hpp"
#include "web/json_read.hpp"

namespace plm::web {

namespace {

using core::LineDecision;
using core::MatchStatus;

/// A link with its `?si=` query fits easily; no URI or link is longer.
constexpr std::size_t kMaxUriLength = 1000;

/// Dumps without throwing on invalid UTF-8 (a pasted line may hold any bytes; replaced).
std::string dump_json(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

core::Result<std::string> parse_paste_request(const Json& body) {
  if (auto known = only_known(body, "", {"text"}); !known) return known.error();
  if (!body.contains("text")) return invalid("'text' is required: the pasted lines");
  // The body's size bounds the text (the route's limit); the line count is the parser's.
  if (!body["text"].is_string()) return invalid(wrong_type("text", "a string", body["text"]));
  return body["text"].get<std::string>();
}

core::Result<PasteDecisionBody> parse_paste_decision(const Json& body) {
  if (auto known = only_known(body, "", {"decision", "uri"}); !known) return known.error();
  if (!body.contains("decision")) return invalid("'decision' is required");
  static constexpr std::array<std::string_view, 4> kDecisions{"accept", "pick", "skip", "clear"};
  auto decision = read_choice(body["decision"], "decision", kDecisions);
  if (!decision) return decision.error();
  PasteDecisionBody read;
  read.kind = *decision == "accept" ? PasteDecisionBody::Kind::Accept
              : *decision == "pick" ? PasteDecisionBody::Kind::Pick
              : *decision == "skip" ? PasteDecisionBody::Kind::Skip
                                    : PasteDecisionBody::Kind::Clear;
  if (body.contains("uri")) {
    auto uri = read_string(body["uri"], "uri", 1, kMaxUriLength);
    if (!uri) return uri.error();
    read.uri = std::move(*uri);
  }
  if (read.kind == PasteDecisionBody::Kind::Pick && !read.uri) {
    return invalid("'uri' is required to pick a track");
  }
  if ((read.kind == PasteDecisionBody::Kind::Skip || read.kind == PasteDecisionBody::Kind::Clear) &&
      read.uri) {
    return invalid("'uri' is only for accept and pick, not " + *decision);
  }
  return read;
}

PasteCounts count_lines(const std::vector<core::PasteLineRow>& rows) {
  PasteCounts counts;
  for (const auto& row : rows) {
    switch (row.match.status) {
      case MatchStatus::Pending:
        ++counts.pending;
        break;
      case MatchStatus::Matched:
        ++counts.matched;
        break;
      case MatchStatus::Ambiguous:
        ++counts.ambiguous;
        break;
      case MatchStatus::NotFound:
        ++counts.not_found;
        break;
      case MatchStatus::Invalid:
        ++counts.invalid;
        break;
    }
    switch (row.decision) {
      case LineDecision::Accepted:
      case LineDecision::Picked:
        ++counts.accepted;
        break;
      case LineDecision::Skipped:
        ++counts.skipped;
        break;
      case LineDecision::None:
        if (row.match.status == MatchStatus::Matched) ++counts.accepted;
        break;
    }
  }
  return counts;
}

Json paste_line_value(const core::PasteLineRow& row) {
  const core::LineMatch& match = row.match;
  Json candidates = Json::array();
  for (const auto& candidate : match.candidates) {
    candidates.push_back(Json{{"track", track_value(candidate.track)}, {"score", candidate.score}});
  }
  return Json{{"line", match.number},
              {"input", match.input},
              {"status", core::to_string(match.status)},
              {"uri", match.uri ? Json(*match.uri) : Json(nullptr)},
              {"track", match.track ? track_value(*match.track) : Json(nullptr)},
              {"confidence", match.confidence},
              {"candidates", std::move(candidates)},
              {"source", core::to_string(match.source)},
              {"reason", match.reason},
              {"decision", core::to_string(row.decision)},
              {"seq", row.seq}};
}

std::string paste_json(const core::StoredPaste& paste, const std::vector<core::PasteLineRow>& rows,
                       std::int64_t since) {
  std::int64_t newest = 0;
  Json lines = Json::array();
  for (const auto& row : rows) {
    newest = std::max(newest, row.seq);
    if (row.seq > since) lines.push_back(paste_line_value(row));
  }
  const PasteCounts counts = count_lines(rows);
  return dump_json(Json{{"id", std::to_string(paste.id)},
                        {"account_id", paste.account_id},
                        {"created_at", core::format_utc(paste.created_at)},
                        {"job_id", paste.job_id ? Json(std::to_string(*paste.job_id)) : Json()},
                        {"line_count", paste.line_count},
                        {"counts",
                         {{"pending", counts.pending},
                          {"matched", counts.matched},
                          {"ambiguous", counts.ambiguous},
                          {"not_found", counts.not_found},
                          {"invalid", counts.invalid},
                          {"accepted", counts.accepted},
                          {"skipped", counts.skipped}}},
                        {"seq", newest},
                        {"lines", std::move(lines)}});
}

}  // namespace plm::web
