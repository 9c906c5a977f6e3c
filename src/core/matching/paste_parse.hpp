#pragma once
/// Pasted text -> one intent per line (issue 11 §1). Pure: no I/O, no catalog. What a line names
/// is decided here; which catalog track it is, by the matcher (core/matching/matcher.hpp).
///
/// One input line gives exactly one PastedLine, in order (line endings \n, \r\n or \r; a final
/// line ending adds no line), so results line up with the input: nothing is dropped, a line that
/// cannot be understood is Invalid with the reason.
///
/// Understood: spotify:track: URIs; open.spotify.com track links (`?si=` and other queries,
/// `intl-xx/` prefixes, `embed/`); ISRCs (any case, with or without hyphens); "Artist - Title" with
/// any dash (-, –, —, with or without spaces around en and em dashes); "Title - Artist"; "Title by
/// Artist"; "Artist: Title"; tab- or comma-separated rows copied from a spreadsheet (RFC 4180
/// quotes), with header detection and column guessing over the whole paste. Removed before
/// reading: leading numbering ("07. ", "7) ", "#7 "), durations ("3:45", "(3:45)", "[3:45]",
/// "- 3:45": kept as duration_ms), emoji and music signs (♫ ♪), and noise like "(Official
/// Video)", "[HD]", "(Lyrics)", "(Audio)", "(Visualizer)". Blank lines and comment lines ("#",
/// "//") are Blank and Comment. docs/matching.md "Reading a paste" has every rule, with examples.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace plm::core {

/// At most this many lines per paste; parse_paste refuses more (the whole paste, with a reason).
inline constexpr std::size_t kMaxPastedLines = 10'000;
/// A longer line is Invalid ("longer than 1,000 characters"): no track needs more.
inline constexpr std::size_t kMaxPastedLineBytes = 1'000;

enum class LineKind {
  Blank,     ///< empty or only white space (matcher: "invalid", reason "blank line")
  Comment,   ///< starts with "#" or "//" after white space (matcher: "invalid", "comment")
  TrackUri,  ///< a spotify:track: URI or an open.spotify.com track link: `uri` set
  Isrc,      ///< an ISRC: `isrc` set
  Text,      ///< words naming a track: `readings` holds at least one reading
  Invalid,   ///< none of the above (an album or artist link, a URI of another type, a header row
             ///< on its own, binary junk): `reason` says why
};

/// One way to read a text line: which part is the title and which the artists. "A - B" gives
/// two readings (artist A / title B first, then the reverse: both orders are common); "Title by
/// Artist" and "Artist: Title" one; a spreadsheet row whose columns are known one.
struct LineReading {
  std::string title;   ///< as written, noise removed; never empty
  std::string artist;  ///< as written ("A, B", "A feat. B" kept whole); may be empty (title only)
  std::string album;   ///< from a spreadsheet row's album column; usually empty

  bool operator==(const LineReading&) const = default;
};

struct PastedLine {
  std::size_t number = 0;  ///< 1-based line number in the paste
  std::string input;       ///< the line exactly as pasted, without its line ending
  LineKind kind = LineKind::Invalid;
  std::string uri;                          ///< TrackUri: "spotify:track:<22 base62 characters>"
  std::string isrc;                         ///< Isrc: 12 characters, upper case, no hyphens
  std::vector<LineReading> readings;        ///< Text: most likely first
  std::optional<std::int64_t> duration_ms;  ///< a duration written on the line
  std::string reason;                       ///< Invalid (and Blank/Comment): why, for people

  bool operator==(const PastedLine&) const = default;
};

/// What the columns of a spreadsheet paste hold, guessed over all its rows (or read from its
/// header row). Indexes into the row's fields; nullopt: no such column.
struct PasteColumns {
  char separator = '\t';  ///< '\t' or ','
  bool header = false;    ///< the first non-blank line is a header row (a Comment-like line
                          ///< then: kind Invalid with reason "header row", never matched)
  std::optional<std::size_t> title, artist, album, uri, isrc, duration;

  bool operator==(const PasteColumns&) const = default;
};

struct ParsedPaste {
  std::vector<PastedLine> lines;
  /// Set when the paste reads as a spreadsheet (most non-blank lines have the same separator
  /// and field count); its rows are then read by these columns.
  std::optional<PasteColumns> columns;
};

/// Reads a whole paste. Never throws on any input (ill-formed UTF-8 included: such a line is
/// Invalid); more than kMaxPastedLines lines is an error for the whole paste (InvalidInput,
/// "a paste holds at most 10,000 lines; this one has N").
Result<ParsedPaste> parse_paste(std::string_view text);

/// One line on its own (no column guessing): what `plm match` would make of it in a paste of one.
PastedLine parse_line(std::string_view line, std::size_t number = 1);

}  // namespace plm::core
