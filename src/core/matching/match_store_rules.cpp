// What every core::MatchStore shares (core/ports/match_store.hpp): the text forms of
// LineDecision, and the checks made before anything is stored, so the databases and the fake agree.

#include <string>
#include <utility>

#include "core/enum_names.hpp"
#include "core/model/text.hpp"
#include "core/ports/match_store.hpp"

namespace plm::core {
namespace {

constexpr Names<LineDecision, 4> kDecisionNames{{
    {LineDecision::None, "none"},
    {LineDecision::Accepted, "accepted"},
    {LineDecision::Picked, "picked"},
    {LineDecision::Skipped, "skipped"},
}};

Error invalid(std::string message) {
  return make_error(ErrorCode::InvalidInput, std::move(message));
}

}  // namespace

std::string_view to_string(LineDecision decision) { return name_in(kDecisionNames, decision); }

std::optional<LineDecision> line_decision_from_string(std::string_view text) {
  return value_in(kDecisionNames, text);
}

bool is_clean_pasted_text(std::string_view text) {
  std::size_t start = 0;
  while (true) {
    const std::size_t tab = text.find('\t', start);
    if (!is_clean_text(text.substr(start, tab == std::string_view::npos ? tab : tab - start))) {
      return false;
    }
    if (tab == std::string_view::npos) return true;
    start = tab + 1;
  }
}

Status check_paste_inputs(const std::vector<std::string>& inputs) {
  if (inputs.size() > kMaxPastedLines) {
    return invalid("a paste holds at most " + std::to_string(kMaxPastedLines) +
                   " lines; this one has " + std::to_string(inputs.size()));
  }
  for (std::size_t index = 0; index < inputs.size(); ++index) {
    if (!is_clean_pasted_text(inputs[index])) {
      return invalid("line " + std::to_string(index + 1) +
                     " holds ill-formed UTF-8 or a control character other than tab");
    }
  }
  return ok();
}

Status check_line_result(const LineMatch& result) {
  if (result.number == 0) return invalid("line numbers start at 1");
  if ((result.uri && !is_clean_text(*result.uri)) || !is_clean_text(result.reason)) {
    return invalid("the result of line " + std::to_string(result.number) +
                   " holds ill-formed UTF-8 or a control character");
  }
  return ok();
}

Status check_chosen_track(const TrackInfo& track) {
  if (track.uri.empty() || !is_clean_text(track.uri)) {
    return invalid("a chosen track needs a URI of clean text");
  }
  return ok();
}

bool takes_a_track(LineDecision decision) {
  return decision == LineDecision::Accepted || decision == LineDecision::Picked;
}

Status check_decision(LineDecision decision, const std::optional<TrackInfo>& chosen) {
  if (decision == LineDecision::Picked && !chosen) return invalid("a pick needs the picked track");
  if (takes_a_track(decision) && chosen) return check_chosen_track(*chosen);
  return ok();
}

Status check_match_key(std::string_view what, std::string_view key) {
  if (key.empty() || !is_clean_pasted_text(key)) {
    return invalid(std::string(what) +
                   " is empty or holds ill-formed UTF-8 or a control character");
  }
  return ok();
}

}  // namespace plm::core
