#pragma once
/// Checks on text that comes from users or browsers before it is stored. PostgreSQL refuses
/// ill-formed UTF-8 and NUL where SQLite would store them, so every store applies these first and
/// both databases (and the fakes) agree.

#include <string>
#include <string_view>

namespace plm::core {

/// True if `text` is well-formed UTF-8 (no overlong forms, surrogates or code points above
/// U+10FFFF) and holds no control character (U+0000–U+001F, U+007F).
bool is_clean_text(std::string_view text);

/// `text` with every ill-formed UTF-8 sequence and control character replaced by U+FFFD: for text
/// that is only shown (a browser's User-Agent), where refusing would help no one.
std::string clean_text(std::string_view text);

/// `text` as searches compare it: ASCII letters lower-cased, the letters U+00C0–U+017F (Latin-1
/// and Latin Extended-A) lower-cased without their accents ("É" and "é" -> "e", "Ł" -> "ł", as
/// Unicode's canonical decomposition leaves them), "ß" -> "ss"; every other character kept. This
/// is the playlists page's `fold` (frontend/src/lib/playlist-query.ts: NFD, marks stripped, lower
/// case) on Latin text, so `plm batch --playlists search:…` selects what the page's search shows
/// (except that the page keeps "ß"). Ill-formed UTF-8 is kept byte for byte.
std::string fold_for_search(std::string_view text);

/// `text` without the spaces, tabs and line ends around it (what a person pastes or types).
std::string_view trim_spaces(std::string_view text);

}  // namespace plm::core
