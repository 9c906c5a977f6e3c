#pragma once

// Pure text helpers shared by the catalog loader, the search index and the seed builder.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace spotify_emulator {

/// Folds text for search: lower-case, accents removed (Latin-1, Latin Extended-A, common
/// Extended-B and Vietnamese letters; NFD combining marks dropped), Greek and Cyrillic lower-cased,
/// curly single quotes and backticks become `'`, other punctuation and symbols become a space.
/// Letters of other scripts (CJK, kana, ...) pass through unchanged. Invalid UTF-8 bytes are
/// replaced by a space, so the output is always valid UTF-8.
std::string fold_for_search(std::string_view utf8);

/// fold_for_search() split on whitespace; apostrophes at the start or end of a token are trimmed
/// ("'til" -> "til") so that quoting styles do not change the token.
std::vector<std::string> search_tokens(std::string_view utf8);

/// Deterministic 22-character base62 id, shaped like a Spotify id, derived from `seed`.
std::string base62_id(std::uint64_t seed);

/// 64-bit FNV-1a: a fixed hash (unlike std::hash) so generated ids are stable across runs and
/// platforms.
std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t basis = 14695981039346656037ULL);

}  // namespace spotify_emulator
