#pragma once
/// The JSON of paste-to-add (issue 11 §3; api/openapi.yaml: PasteRequest and PasteDecision read;
/// Paste, PasteLine, PasteCandidate and PasteCounts written). Requests are read strictly, as
/// edit_json reads an EditRequest (unknown properties, wrong types and missing fields refused with
/// a message naming the field); what a line's text means is core::parse_paste's to judge.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/ports/match_store.hpp"
#include "core/result.hpp"

namespace plm::web {

/// A PasteRequest body: the pasted text, as sent.
core::Result<std::string> parse_paste_request(const nlohmann::json& body);

/// A PasteDecision body.
struct PasteDecisionBody {
  enum class Kind {
    Accept,  ///< the line's match, or `uri` among its candidates
    Pick,    ///< any track `uri`
    Skip,
    Clear,  ///< undo the decision
  };
  Kind kind = Kind::Accept;
  std::optional<std::string> uri;  ///< as sent: a URI or an open.spotify.com link
};
core::Result<PasteDecisionBody> parse_paste_decision(const nlohmann::json& body);

/// The PasteCounts schema, over every line of a paste.
struct PasteCounts {
  std::int64_t pending = 0;
  std::int64_t matched = 0;
  std::int64_t ambiguous = 0;
  std::int64_t not_found = 0;
  std::int64_t invalid = 0;
  /// Lines whose track will be added: accepted or picked, or matched and not decided otherwise.
  std::int64_t accepted = 0;
  std::int64_t skipped = 0;

  bool operator==(const PasteCounts&) const = default;
};
PasteCounts count_lines(const std::vector<core::PasteLineRow>& rows);

/// The PasteLine schema.
nlohmann::json paste_line_value(const core::PasteLineRow& row);

/// The Paste schema of `paste` whose lines are `rows` (every line, by number): the counts and
/// `seq` (the newest) over all of them, `lines` only those whose seq is above `since`.
std::string paste_json(const core::StoredPaste& paste, const std::vector<core::PasteLineRow>& rows,
                       std::int64_t since);

}  // namespace plm::web
