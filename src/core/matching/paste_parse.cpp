#include "core/matching/paste_parse.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

#include "core/model/text.hpp"

// How a line is read, in order (docs/matching.md "Reading a paste"):
//   1. too long, ill-formed or holding control characters: Invalid;
//   2. blank, comment;
//   3. a track URI or link anywhere on the line (alone, or beside text): TrackUri; another
//      Spotify URI or link, or any other link alone: Invalid; an ISRC alone: Isrc;
//   4. text: numbering, music signs, bracketed noise and durations removed, then split into
//      readings by the separators it holds (dash, " by ", ": ", tab, comma), most likely first.
// Every step is a plain function of the line's text; parse_paste adds only the spreadsheet view
// (header row, column guessing) over the whole paste.

namespace plm::core {
namespace {

// ---- small text helpers --------------------------------------------------------------------

bool is_ascii_space(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f'; }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_base62(char c) { return is_ascii_digit(c) || is_ascii_alpha(c); }
char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

template <std::size_t N>
bool contains(const std::string_view (&words)[N], std::string_view word) {
  return std::find(std::begin(words), std::end(words), word) != std::end(words);
}

std::string ascii_lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = ascii_lower(c);
  return lower;
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (ascii_lower(text[i]) != ascii_lower(prefix[i])) return false;
  }
  return true;
}

/// The code point at `text[at]` and its length in bytes. The line was checked to be well-formed
/// UTF-8 before any caller decodes it.
std::pair<char32_t, std::size_t> decode_at(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  if (lead < 0x80) return {lead, 1};
  std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
  if (at + length > text.size()) return {0xFFFD, 1};
  char32_t code = lead & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07);
  for (std::size_t i = 1; i < length; ++i) code = (code << 6) | (byte(at + i) & 0x3F);
  return {code, length};
}

/// White space as pasted text has it: ASCII blanks, no-break and ideographic spaces.
std::size_t space_length_at(std::string_view text, std::size_t at) {
  if (is_ascii_space(text[at])) return 1;
  if (text.substr(at, 2) == "\xC2\xA0") return 2;      // U+00A0
  if (text.substr(at, 3) == "\xE3\x80\x80") return 3;  // U+3000
  if (text.substr(at, 3) == "\xE2\x80\xAF") return 3;  // U+202F
  return 0;
}

std::string_view trim(std::string_view text) {
  while (!text.empty()) {
    const std::size_t length = space_length_at(text, 0);
    if (length == 0) break;
    text.remove_prefix(length);
  }
  while (!text.empty()) {
    std::size_t length = 0;
    for (const std::size_t candidate : {std::size_t{1}, std::size_t{2}, std::size_t{3}}) {
      if (text.size() >= candidate && space_length_at(text, text.size() - candidate) == candidate) {
        length = candidate;
        break;
      }
    }
    if (length == 0) break;
    text.remove_suffix(length);
  }
  return text;
}

/// Runs of white space made one ASCII space; the ends trimmed.
std::string collapse_spaces(std::string_view text) {
  std::string out;
  bool pending_space = false;
  for (std::size_t at = 0; at < text.size();) {
    if (const std::size_t length = space_length_at(text, at); length > 0) {
      pending_space = !out.empty();
      at += length;
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += text[at++];
  }
  return out;
}

/// True if `text` holds something a title can be made of: a letter or digit in any script
/// (every non-ASCII code point that is not punctuation, a symbol or a space counts).
bool has_word_character(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    const auto [code, length] = decode_at(text, at);
    at += length;
    if (code < 0x80) {
      if (is_base62(static_cast<char>(code))) return true;
      continue;
    }
    const bool punctuation_or_symbol =
        (code >= 0x2000 && code <= 0x2BFF) || (code >= 0x3000 && code <= 0x303F) ||
        (code >= 0xFE00 && code <= 0xFE0F) || (code >= 0x1F000 && code <= 0x1FAFF) ||
        code == 0xA0 || code == 0xFFFD || (code >= 0xA1 && code <= 0xBF);
    if (!punctuation_or_symbol) return true;
  }
  return false;
}

// ---- identifiers: URIs, links, ISRCs -------------------------------------------------------

constexpr std::size_t kTrackIdLength = 22;

bool is_track_id(std::string_view text) {
  return text.size() == kTrackIdLength && std::all_of(text.begin(), text.end(), is_base62);
}

/// What an identifier-looking token is: a track (uri set), something else of Spotify's or a
/// foreign link (reason set), or not an identifier at all (neither).
struct IdentifierReading {
  std::string uri;
  std::string reason;
};

constexpr std::string_view kSpotifyItemTypes[] = {
    "album", "artist", "playlist", "episode", "show", "user", "audiobook", "chapter", "collection"};

/// `spotify:track:<id>` (prefix in any case), or the reason a `spotify:` URI is not one.
IdentifierReading read_spotify_uri(std::string_view token) {
  if (!starts_with_nocase(token, "spotify:")) return {};
  std::string_view rest = token.substr(8);
  if (starts_with_nocase(rest, "track:")) {
    const std::string_view id = rest.substr(6);
    if (is_track_id(id)) return {"spotify:track:" + std::string(id), {}};
    return {{}, "a spotify:track: URI needs 22 letters and digits after \"spotify:track:\""};
  }
  const std::string type(rest.substr(0, rest.find(':')));
  return {{},
          "a Spotify " + (type.empty() ? std::string("URI") : type + " URI") +
              ", not a track: paste a track's URI or link"};
}

/// An open.spotify.com (or play.spotify.com) link: `[http[s]://]open.spotify.com/[intl-xx/]
/// [embed/]track/<id>[/][?query][#fragment]`.
IdentifierReading read_spotify_link(std::string_view token) {
  std::string_view rest = token;
  for (const std::string_view scheme : {"https://", "http://"}) {
    if (starts_with_nocase(rest, scheme)) {
      rest.remove_prefix(scheme.size());
      break;
    }
  }
  if (starts_with_nocase(rest, "www.")) rest.remove_prefix(4);
  bool spotify_host = false;
  for (const std::string_view host : {"open.spotify.com/", "play.spotify.com/"}) {
    if (starts_with_nocase(rest, host)) {
      rest.remove_prefix(host.size());
      spotify_host = true;
      break;
    }
  }
  if (!spotify_host) {
    if (starts_with_nocase(rest, "spotify.link/") || starts_with_nocase(rest, "spoti.fi/")) {
      return {{}, "a shortened Spotify link: open it and paste the open.spotify.com link"};
    }
    if (rest.size() != token.size()) return {{}, "a link, but not to a Spotify track"};
    return {};
  }
  // Path segments before the query or fragment.
  rest = rest.substr(0, rest.find_first_of("?#"));
  if (starts_with_nocase(rest, "intl-")) {
    const std::size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return {{}, "an open.spotify.com link to no track"};
    rest.remove_prefix(slash + 1);
  }
  if (starts_with_nocase(rest, "embed/")) rest.remove_prefix(6);
  if (starts_with_nocase(rest, "track/")) {
    std::string_view id = rest.substr(6);
    if (!id.empty() && id.back() == '/') id.remove_suffix(1);
    if (is_track_id(id)) return {"spotify:track:" + std::string(id), {}};
    return {{}, "an open.spotify.com track link needs a 22-character track ID"};
  }
  const std::string type(rest.substr(0, rest.find('/')));
  for (const std::string_view known : kSpotifyItemTypes) {
    if (ascii_lower(type) == known) {
      return {{}, "an open.spotify.com " + std::string(known) + " link, not a track"};
    }
  }
  return {{}, "an open.spotify.com link, but not to a track"};
}

IdentifierReading read_identifier(std::string_view token) {
  if (auto uri = read_spotify_uri(token); !uri.uri.empty() || !uri.reason.empty()) return uri;
  return read_spotify_link(token);
}

/// The ISRC `text` spells (2 letters, 3 letters or digits, 7 digits; any case; hyphens between
/// the groups as in GB-SMU-33-95041; an "isrc:" or "ISRC " prefix), upper-cased without hyphens.
std::optional<std::string> read_isrc(std::string_view text) {
  if (starts_with_nocase(text, "isrc")) {
    text.remove_prefix(4);
    if (!text.empty() && text.front() == ':') text.remove_prefix(1);
    text = trim(text);
  }
  std::string code;
  for (const char c : text) {
    if (c == '-') continue;
    if (!is_base62(c)) return std::nullopt;
    code += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  }
  if (code.size() != 12) return std::nullopt;
  for (std::size_t i = 0; i < 12; ++i) {
    const char c = code[i];
    const bool fits = i < 2 ? is_ascii_alpha(c) : i < 5 ? is_base62(c) : is_ascii_digit(c);
    if (!fits) return std::nullopt;
  }
  // Hyphens only between the groups (CC-XXX-YY-NNNNN), never inside a word-like run.
  if (text.find('-') != std::string_view::npos && text.find("--") != std::string_view::npos) {
    return std::nullopt;
  }
  return code;
}

// ---- durations ---------------------------------------------------------------------------

/// "3:45", "03:45", "1:02:03" -> milliseconds; nullopt for anything else ("3:4", "3:75", "4:44pm").
std::optional<std::int64_t> read_duration(std::string_view text) {
  std::array<std::int64_t, 3> parts{};
  std::size_t count = 0;
  std::size_t digits = 0;
  std::array<std::size_t, 3> widths{};
  for (const char c : text) {
    if (is_ascii_digit(c)) {
      if (count == 0) count = 1;
      parts[count - 1] = parts[count - 1] * 10 + (c - '0');
      if (++digits > 3) return std::nullopt;
      widths[count - 1] = digits;
    } else if (c == ':') {
      if (digits == 0 || count == 0 || count == 3) return std::nullopt;
      ++count;
      digits = 0;
    } else {
      return std::nullopt;
    }
  }
  if (count < 2 || digits == 0) return std::nullopt;
  // Every part after the first has two digits below 60.
  for (std::size_t i = 1; i < count; ++i) {
    if (widths[i] != 2 || parts[i] >= 60) return std::nullopt;
  }
  if (count == 3 && widths[0] > 2) return std::nullopt;
  std::int64_t seconds = 0;
  for (std::size_t i = 0; i < count; ++i) seconds = seconds * 60 + parts[i];
  if (seconds == 0) return std::nullopt;
  return seconds * 1000;
}

/// A spreadsheet cell holding a duration: "3:45" or a whole number of milliseconds (a track
/// lasts between 1 second and 10 hours; smaller numbers are positions, years or counts).
std::optional<std::int64_t> read_duration_cell(std::string_view cell) {
  if (auto duration = read_duration(cell)) return duration;
  if (cell.empty() || cell.size() > 8 || !std::all_of(cell.begin(), cell.end(), is_ascii_digit)) {
    return std::nullopt;
  }
  const std::int64_t ms = std::stoll(std::string(cell));
  if (ms < 10'000 || ms > 36'000'000) return std::nullopt;
  return ms;
}

// ---- separators --------------------------------------------------------------------------

/// A place where a line splits into two parts: [begin, end) is the separator with its spaces.
struct Split {
  std::size_t begin = 0;
  std::size_t end = 0;
};

constexpr std::string_view kLongDashes[] = {
    "\xE2\x80\x93",  // – en dash
    "\xE2\x80\x94",  // — em dash
    "\xE2\x80\x92",  // ‒ figure dash
    "\xE2\x80\x95",  // ― horizontal bar
    "\xE2\x88\x92",  // − minus sign
};

/// Every dash separator of `text`, left to right: a hyphen with spaces on both sides (" - ",
/// " -- "), a long dash with or without spaces, or " | ". Separators at either end are no split.
std::vector<Split> dash_splits(std::string_view text) {
  std::vector<Split> splits;
  const auto widen = [&](std::size_t begin, std::size_t end) {
    while (begin > 0 && text[begin - 1] == ' ') --begin;
    while (end < text.size() && text[end] == ' ') ++end;
    if (begin > 0 && end < text.size()) splits.push_back({begin, end});
  };
  for (std::size_t at = 0; at < text.size();) {
    std::size_t dash_length = 0;
    for (const std::string_view dash : kLongDashes) {
      if (text.substr(at, dash.size()) == dash) dash_length = dash.size();
    }
    if (dash_length > 0) {
      widen(at, at + dash_length);
      at += dash_length;
      // Skip to past this separator's spaces so "a – – b" does not split twice at one place.
      continue;
    }
    // " | ": how video titles separate their parts ("Artist | Title").
    if (text[at] == '|' && at > 0 && text[at - 1] == ' ' && at + 1 < text.size() &&
        text[at + 1] == ' ') {
      widen(at, at + 1);
      ++at;
      continue;
    }
    if (text[at] == '-' && at > 0 && text[at - 1] == ' ') {
      std::size_t end = at;
      while (end < text.size() && text[end] == '-') ++end;
      if (end - at <= 2 && end < text.size() && text[end] == ' ') {
        widen(at, end);
        at = end;
        continue;
      }
    }
    ++at;
  }
  // Merge separators that touch ("a - – b").
  std::vector<Split> merged;
  for (const Split& split : splits) {
    if (!merged.empty() && split.begin <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, split.end);
    } else {
      merged.push_back(split);
    }
  }
  return merged;
}

/// The last " by " (any case) with words on both sides.
std::optional<Split> by_split(std::string_view text) {
  const std::string lower = ascii_lower(text);
  const std::size_t at = lower.rfind(" by ");
  if (at == std::string::npos || at == 0 || at + 4 >= text.size()) return std::nullopt;
  return Split{at, at + 4};
}

/// The first ": " after a word (not a time like "3:45", not "http:").
std::optional<Split> colon_split(std::string_view text) {
  for (std::size_t at = text.find(':'); at != std::string_view::npos; at = text.find(':', at + 1)) {
    if (at == 0 || at + 1 >= text.size() || text[at + 1] != ' ' || text[at - 1] == ' ') continue;
    std::size_t end = at + 1;
    while (end < text.size() && text[end] == ' ') ++end;
    if (end >= text.size()) return std::nullopt;
    return Split{at, end};
  }
  return std::nullopt;
}

std::string_view before(std::string_view text, const Split& split) {
  return trim(text.substr(0, split.begin));
}
std::string_view after(std::string_view text, const Split& split) {
  return trim(text.substr(split.end));
}

/// Splits a spreadsheet row at `separator` (RFC 4180: a field in double quotes may hold the
/// separator, a doubled quote is a quote). Outside quotes, Exportify's `\,` is a literal comma.
std::vector<std::string> split_row(std::string_view row, char separator) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  bool field_start = true;
  for (std::size_t at = 0; at < row.size(); ++at) {
    const char c = row[at];
    if (quoted) {
      if (c == '"' && at + 1 < row.size() && row[at + 1] == '"') {
        fields.back() += '"';
        ++at;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
      continue;
    }
    if (c == '"' && field_start) {
      quoted = true;
      field_start = false;
      fields.back().clear();  // spaces before the opening quote belong to no value
      continue;
    }
    if (c == separator) {
      fields.emplace_back();
      field_start = true;
      continue;
    }
    if (c == '\\' && separator == ',' && at + 1 < row.size() && row[at + 1] == ',') {
      fields.back() += ',';
      ++at;
      field_start = false;
      continue;
    }
    if (!(c == ' ' && field_start)) field_start = false;
    fields.back() += c;
  }
  for (std::string& field : fields) field = std::string(trim(field));
  return fields;
}

// ---- noise ---------------------------------------------------------------------------------

/// Emoji, music signs and the invisible characters that glue emoji together: replaced by a
/// space. Letters and punctuation of every script are kept (☆ and ~ in Japanese titles too).
bool is_decoration(char32_t code) {
  return (code >= 0x2669 && code <= 0x266F) ||    // ♩ ♪ ♫ ♬ ♭ ♮ ♯
         (code >= 0x1F300 && code <= 0x1FAFF) ||  // pictographs, emoji, 🎵 🎶 🎧
         (code >= 0x1F1E6 && code <= 0x1F1FF) ||  // flags (regional indicators)
         (code >= 0xFE00 && code <= 0xFE0F) ||    // variation selectors
         code == 0x200D || code == 0x20E3 ||      // zero-width joiner, keycap
         code == 0x2B50 || code == 0x2764 || code == 0x2728 || code == 0x1F004 ||
         (code >= 0xE0020 && code <= 0xE007F);  // emoji tag characters
}

std::string without_decorations(std::string_view text) {
  std::string out;
  for (std::size_t at = 0; at < text.size();) {
    const auto [code, length] = decode_at(text, at);
    if (is_decoration(code)) {
      out += ' ';
    } else {
      out.append(text.substr(at, length));
    }
    at += length;
  }
  return collapse_spaces(out);
}

/// Words that say something about a video or an upload, never about the recording.
constexpr std::string_view kMediaWords[] = {
    "video", "videoclip", "clip", "lyric", "lyrics", "audio", "visualizer", "visualiser",
    "hd",    "hq",        "4k",   "8k",    "1080p",  "720p",  "uhd",        "mv"};
/// Words that may stand beside them in noise ("Official Music Video", "Video Oficial").
constexpr std::string_view kNoiseWords[] = {"official", "music",   "full", "oficial", "officiel",
                                            "high",     "quality", "with", "the",     "new"};

/// True if `text` (a bracket's content or a trailing dash part) is upload noise: only noise
/// words, at least one about the medium. "(Live)", "(Explicit)", "(Official Remix)" are not:
/// they name a version, which the matcher must see.
bool is_noise(std::string_view text) {
  bool media = false;
  bool any = false;
  std::string word;
  const auto flush = [&]() -> bool {
    if (word.empty()) return true;
    const bool is_media = contains(kMediaWords, word);
    const bool is_filler = contains(kNoiseWords, word);
    media = media || is_media;
    any = true;
    word.clear();
    return is_media || is_filler;
  };
  for (const char c : text) {
    if (is_base62(c)) {
      word += ascii_lower(c);
    } else if (c == ' ' || c == '/' || c == '-' || c == '|' || c == '&' || c == '+') {
      if (!flush()) return false;
    } else {
      return false;
    }
  }
  if (!flush()) return false;
  return any && media;
}

/// `text` without bracket groups "(...)" / "[...]" / "{...}" whose content is noise.
std::string without_noise_groups(std::string_view text) {
  std::string out;
  for (std::size_t at = 0; at < text.size();) {
    const char open = text[at];
    const char close = open == '(' ? ')' : open == '[' ? ']' : open == '{' ? '}' : '\0';
    if (close != '\0') {
      const std::size_t end = text.find(close, at + 1);
      if (end != std::string_view::npos && is_noise(text.substr(at + 1, end - at - 1))) {
        out += ' ';
        at = end + 1;
        continue;
      }
    }
    out += text[at++];
  }
  return collapse_spaces(out);
}

/// True if `text` still splits into two parts somewhere (a dash, " by ", ": ").
bool has_separator(std::string_view text) {
  return !dash_splits(text).empty() || by_split(text) || colon_split(text);
}

/// Separators a trailing duration or noise may stand behind: " - 3:45", " | 3:45", " / 3:45".
bool ends_with_separator_char(std::string_view text) {
  if (text.empty()) return false;
  const char last = text.back();
  if (last == '-' || last == '|' || last == '/' || last == '~' || last == ',') return true;
  for (const std::string_view dash : kLongDashes) {
    if (text.size() >= dash.size() && text.substr(text.size() - dash.size()) == dash) return true;
  }
  return false;
}

std::string_view without_trailing_separator(std::string_view text) {
  text = trim(text);
  while (ends_with_separator_char(text)) {
    const char last = text.back();
    std::size_t length = 1;
    if (static_cast<unsigned char>(last) >= 0x80) length = 3;
    text = trim(text.substr(0, text.size() - length));
  }
  return text;
}

/// Removes what trails the words of a line: durations ("3:45", "(3:45)", "[3:45]", "- 3:45")
/// and noise ("[HD]", "- Official Video"), in any order. The first duration met is returned.
/// A duration or noise after a dash is taken only when a separator remains before it, so
/// "JAY-Z - 4:44" and "India.Arie - Video" keep their titles.
std::string strip_trailing(std::string text, std::optional<std::int64_t>& duration) {
  // A few rounds cover every real line ("Title [HQ] - 3:45 ♪"); the bound keeps a line of a
  // thousand "- 1:00" linear.
  constexpr int kMaxRounds = 6;
  bool changed = true;
  for (int round = 0; changed && round < kMaxRounds; ++round) {
    changed = false;
    const std::string_view view = trim(text);
    if (view.empty()) break;
    // A bracket group at the end.
    const char last = view.back();
    const char open = last == ')' ? '(' : last == ']' ? '[' : '\0';
    if (open != '\0') {
      const std::size_t start = view.rfind(open);
      if (start != std::string_view::npos && start > 0) {
        const std::string_view inside = trim(view.substr(start + 1, view.size() - start - 2));
        if (auto value = read_duration(inside)) {
          if (!duration) duration = value;
          text = std::string(without_trailing_separator(view.substr(0, start)));
          changed = true;
          continue;
        }
      }
      break;
    }
    // A bare duration or a noise phrase after a space or a separator.
    const std::size_t space = view.rfind(' ');
    if (space == std::string_view::npos) break;
    const std::string_view tail = view.substr(space + 1);
    const std::string_view head = trim(view.substr(0, space));
    const bool after_separator = ends_with_separator_char(head);
    const std::string_view rest = without_trailing_separator(head);
    if (rest.empty() || !has_word_character(rest)) break;
    if (auto value = read_duration(tail)) {
      if (after_separator && !has_separator(rest)) break;
      if (!duration) duration = value;
      text = std::string(rest);
      changed = true;
      continue;
    }
    // "- Official Video" / "| Lyrics": a trailing dash part that is only noise.
    const std::vector<Split> dashes = dash_splits(view);
    if (!dashes.empty()) {
      const Split& last_dash = dashes.back();
      const std::string_view part = after(view, last_dash);
      const std::string_view kept = before(view, last_dash);
      if (is_noise(part) && has_separator(kept)) {
        text = std::string(kept);
        changed = true;
        continue;
      }
    }
    if (const std::size_t bar = view.rfind(" | "); bar != std::string_view::npos) {
      if (is_noise(trim(view.substr(bar + 3)))) {
        text = std::string(trim(view.substr(0, bar)));
        changed = true;
        continue;
      }
    }
  }
  return std::string(without_trailing_separator(text));
}

/// What a leading number was taken for.
enum class Numbering {
  None,       ///< no number, or one that is part of the words ("7 Rings", "50 Cent")
  Removed,    ///< list numbering: "07. ", "7) ", "#7 ", "07 ", "07 - Artist - Title"
  MaybeName,  ///< "12 - A - B": numbering, or a title or artist "12" (read both ways)
  Alone,      ///< "311 - Amber": track 311, or the band 311 (read both ways)
};

struct Unnumbered {
  std::string_view rest;  ///< the text after the numbering (all of it for None and Alone)
  Numbering numbering = Numbering::None;
};

/// Leading list numbering: "07. ", "7. ", "7) ", "7.) ", "7: ", "#7 ", "#7. ", "07 "
/// (zero-padded), and a number before a dash. "07 - Artist - Title" (zero-padded, or after "#")
/// is numbering; "365 - Zedd Remix - Zedd" may be a title, so a number without a leading zero
/// before a dash is removed with the whole line read too; before the only dash it is kept.
Unnumbered without_numbering(std::string_view text) {
  std::size_t at = 0;
  const bool hash = !text.empty() && text[0] == '#';
  if (hash) at = 1;
  const std::size_t digits_begin = at;
  while (at < text.size() && is_ascii_digit(text[at]) && at - digits_begin < 4) ++at;
  const std::size_t digit_count = at - digits_begin;
  if (digit_count == 0 || digit_count > 3 || at >= text.size()) return {text};
  const bool padded = hash || (digit_count >= 2 && text[digits_begin] == '0');
  const std::string_view rest = text.substr(at);
  const auto removed = [&](std::size_t skip) -> Unnumbered {
    const std::string_view after_number = trim(rest.substr(skip));
    if (!has_word_character(after_number)) return {text};
    return {after_number, Numbering::Removed};
  };
  if (rest.starts_with(". ") || rest.starts_with(") ") || rest.starts_with(": ")) return removed(2);
  if (rest.starts_with(".) ")) return removed(3);
  if (rest.starts_with("\t")) return removed(1);
  if (rest.starts_with(".\t")) return removed(2);
  // A number right before a dash.
  const std::vector<Split> dashes = dash_splits(text);
  if (!dashes.empty() && dashes.front().begin == at) {
    const std::string_view after_dash = trim(text.substr(dashes.front().end));
    if (!has_separator(after_dash)) return {text, Numbering::Alone};
    return {after_dash, padded ? Numbering::Removed : Numbering::MaybeName};
  }
  if (rest.starts_with(" ") && hash) {
    // "#7 Title", or the title "#1 Crush": removed, with the whole line read too.
    const Unnumbered after_hash = removed(1);
    if (after_hash.numbering == Numbering::Removed) return {after_hash.rest, Numbering::MaybeName};
    return after_hash;
  }
  if (rest.starts_with(" ") && padded) return removed(1);
  return {text};
}

// ---- readings ------------------------------------------------------------------------------

/// Exportify writes a comma inside an artist's name as `\,`.
std::string unescape_commas(std::string_view text) {
  std::string out;
  for (std::size_t at = 0; at < text.size(); ++at) {
    if (text[at] == '\\' && at + 1 < text.size() && text[at + 1] == ',') continue;
    out += text[at];
  }
  return out;
}

class Readings {
 public:
  void add(std::string_view title, std::string_view artist, std::string_view album = {}) {
    LineReading reading{unescape_commas(trim(title)), unescape_commas(trim(artist)),
                        unescape_commas(trim(album))};
    if (reading.title.empty() || !has_word_character(reading.title)) return;
    if (!reading.artist.empty() && !has_word_character(reading.artist)) reading.artist.clear();
    for (const LineReading& known : readings_) {
      if (known.title == reading.title && known.artist == reading.artist) return;
    }
    if (readings_.size() < kMaxReadings) readings_.push_back(std::move(reading));
  }
  std::vector<LineReading> take() && { return std::move(readings_); }
  bool empty() const { return readings_.empty(); }

 private:
  static constexpr std::size_t kMaxReadings = 8;
  std::vector<LineReading> readings_;
};

constexpr std::string_view kVersionWords[] = {
    "live",       "remix", "mix",   "edit",   "version",  "remaster",
    "remastered", "demo",  "mono",  "stereo", "acoustic", "instrumental",
    "explicit",   "clean", "radio", "single", "extended", "unplugged"};

/// True if `part` names a version ("Live", "Remastered 2011", "Radio Edit"): a dash part that
/// ends a title, not an artist.
bool names_version(std::string_view part) {
  std::string word;
  const std::string lower = ascii_lower(part) + ' ';
  for (const char c : lower) {
    if (is_base62(c)) {
      word += c;
      continue;
    }
    if (contains(kVersionWords, word)) {
      return true;
    }
    word.clear();
  }
  return false;
}

/// The readings of a dash-separated line: artist first (split at the first dash, so "Artist -
/// Title - Live" keeps its version), then title first (split at the last dash), unless the last
/// part names a version (then it cannot be an artist).
void add_dash_readings(std::string_view text, const std::vector<Split>& dashes,
                       Readings& readings) {
  readings.add(after(text, dashes.front()), before(text, dashes.front()));
  const std::string_view last_part = after(text, dashes.back());
  if (dashes.size() == 1 || !names_version(last_part)) {
    readings.add(before(text, dashes.back()), last_part);
  }
}

/// `Artist "Title"` / `Artist “Title”`: a quoted title at the end of the line.
void add_quoted_title_reading(std::string_view text, Readings& readings) {
  constexpr std::array<std::pair<std::string_view, std::string_view>, 2> kQuotes = {
      {{"\"", "\""}, {"\xE2\x80\x9C", "\xE2\x80\x9D"}}};  // "…" and “…”
  for (const auto& [open, close] : kQuotes) {
    if (text.size() < close.size() || text.substr(text.size() - close.size()) != close) continue;
    const std::string_view body = text.substr(0, text.size() - close.size());
    const std::size_t start = body.rfind(open);
    if (start == std::string_view::npos || start == 0) continue;
    readings.add(body.substr(start + open.size()), trim(body.substr(0, start)));
  }
}

/// The readings of one line of free text (already cleaned of numbering, noise and durations).
void add_text_readings(std::string_view text, Readings& readings) {
  const std::vector<Split> dashes = dash_splits(text);
  const std::optional<Split> by = by_split(text);
  const std::optional<Split> colon = colon_split(text);

  // A colon reads the line only before any dash ("Artist: Title - Live"; in "Artist - Title:
  // Part 2" it belongs to the title), and then first. " by " reads it only after every dash
  // ("Title - Radio Edit by Artist"; in "Stand By Me - Ben E. King" it is a word of the title),
  // and then first when written in lower case, as people write the word.
  const bool use_colon = colon && (dashes.empty() || colon->begin < dashes.front().begin);
  const bool use_by = by && (dashes.empty() || by->begin > dashes.back().end);
  const bool by_first = use_by && (dashes.empty() || text.substr(by->begin, 4) == " by ");
  const auto add_by = [&] { readings.add(before(text, *by), after(text, *by)); };
  const auto add_colon = [&] { readings.add(after(text, *colon), before(text, *colon)); };

  if (use_colon) add_colon();
  if (by_first) add_by();
  if (!dashes.empty()) add_dash_readings(text, dashes, readings);
  if (use_by) add_by();
  if (dashes.empty() && !by && !colon) {
    add_quoted_title_reading(text, readings);
    // "Title, Artist" copied from a spreadsheet as one line.
    const std::vector<std::string> fields = split_row(text, ',');
    if (fields.size() >= 2) {
      readings.add(fields[0], fields[1], fields.size() == 3 ? fields[2] : "");
      readings.add(fields[1], fields[0]);
      if (fields.size() > 2)
        readings.add(fields.back(), std::string_view(text).substr(0, text.rfind(',')));
    }
    if (fields.size() == 1 && text.starts_with('"')) readings.add(fields[0], "");
  }
  // The whole line as a title: "Stand By Me", "Interlude: Reprise", "Hello, Goodbye". A dashed
  // line has its readings already: "Artist - Title" is never one title.
  if (dashes.empty()) readings.add(text, "");
}

/// A cell cleaned like a line: decorations, noise groups and a trailing duration removed.
std::string clean_cell(std::string_view cell, std::optional<std::int64_t>& duration) {
  return strip_trailing(without_noise_groups(without_decorations(cell)), duration);
}

/// `text` without the extension of an audio file name ("Artist - Title.mp3").
std::string_view without_file_extension(std::string_view text) {
  for (const std::string_view extension :
       {".mp3", ".m4a", ".flac", ".wav", ".ogg", ".aac", ".wma", ".opus", ".aiff"}) {
    if (text.size() > extension.size() &&
        ascii_lower(text.substr(text.size() - extension.size())) == extension) {
      return text.substr(0, text.size() - extension.size());
    }
  }
  return text;
}

/// A list bullet before the words: "- ", "* ", "• ", "· ", "– ", "> ".
std::string_view without_bullet(std::string_view text) {
  for (const std::string_view bullet :
       {"- ", "* ", "+ ", "> ", "\xE2\x80\xA2 ", "\xC2\xB7 ", "\xE2\x80\x93 ", "\xE2\x80\x94 "}) {
    if (text.starts_with(bullet)) return trim(text.substr(bullet.size()));
  }
  return text;
}

/// Whole-line cleaning: bullets, numbering (unless `numbering` is false), decorations, noise
/// groups, trailing durations and noise. `found` says what the numbering was taken for.
std::string clean_line(std::string_view text, bool numbering, std::optional<std::int64_t>& duration,
                       Numbering& found) {
  const std::string decorated = without_decorations(text);
  const std::string_view unbulleted = without_bullet(decorated);
  const Unnumbered unnumbered = numbering ? without_numbering(unbulleted) : Unnumbered{unbulleted};
  found = unnumbered.numbering;
  std::string cleaned =
      strip_trailing(without_noise_groups(without_file_extension(unnumbered.rest)), duration);
  if (!has_word_character(cleaned)) cleaned = std::string(trim(text));
  return cleaned;
}

// ---- headers -------------------------------------------------------------------------------

enum class Role { Title, Artist, Album, Uri, Isrc, Duration, Other };

struct HeaderName {
  std::string_view name;
  Role role;
};

/// Column names of spreadsheets and exports (Exportify, TidyTuesday, streaming exports),
/// compared lower-case with "_" read as a space.
constexpr HeaderName kHeaderNames[] = {
    {"title", Role::Title},
    {"track", Role::Title},
    {"track name", Role::Title},
    {"track title", Role::Title},
    {"song", Role::Title},
    {"song name", Role::Title},
    {"song title", Role::Title},
    {"name", Role::Title},
    {"titre", Role::Title},
    {"titel", Role::Title},
    {"artist", Role::Artist},
    {"artists", Role::Artist},
    {"artist name", Role::Artist},
    {"artist names", Role::Artist},
    {"artist name(s)", Role::Artist},
    {"artist(s)", Role::Artist},
    {"track artist", Role::Artist},
    {"track artists", Role::Artist},
    {"performer", Role::Artist},
    {"band", Role::Artist},
    {"interpret", Role::Artist},
    {"album", Role::Album},
    {"album name", Role::Album},
    {"album title", Role::Album},
    {"track album name", Role::Album},
    {"release", Role::Album},
    {"uri", Role::Uri},
    {"spotify uri", Role::Uri},
    {"track uri", Role::Uri},
    {"url", Role::Uri},
    {"spotify url", Role::Uri},
    {"link", Role::Uri},
    {"spotify link", Role::Uri},
    {"spotify id", Role::Uri},
    {"track id", Role::Uri},
    {"id", Role::Uri},
    {"isrc", Role::Isrc},
    {"track isrc", Role::Isrc},
    {"duration", Role::Duration},
    {"duration (ms)", Role::Duration},
    {"duration ms", Role::Duration},
    {"track duration (ms)", Role::Duration},
    {"length", Role::Duration},
    {"time", Role::Duration},
    {"#", Role::Other},
    {"no", Role::Other},
    {"no.", Role::Other},
    {"position", Role::Other},
    {"genre", Role::Other},
    {"year", Role::Other},
    {"release date", Role::Other},
    {"album release date", Role::Other},
    {"added at", Role::Other},
    {"added by", Role::Other},
    {"popularity", Role::Other},
    {"explicit", Role::Other},
    {"album artist name(s)", Role::Other},
    {"artist uri(s)", Role::Other},
    {"album uri", Role::Other},
    {"label", Role::Other},
};

std::optional<Role> header_role(std::string_view field) {
  std::string name = ascii_lower(trim(field));
  std::replace(name.begin(), name.end(), '_', ' ');
  name = collapse_spaces(name);
  for (const HeaderName& known : kHeaderNames) {
    if (known.name == name) return known.role;
  }
  return std::nullopt;
}

/// The columns a header row names, or nullopt if `fields` is not a header: at least two known
/// column names, one of them a title, an artist, a URI or an ISRC.
std::optional<PasteColumns> read_header(const std::vector<std::string>& fields, char separator) {
  PasteColumns columns;
  columns.separator = separator;
  columns.header = true;
  std::size_t known = 0;
  bool identifies = false;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const std::optional<Role> role = header_role(fields[i]);
    if (!role) continue;
    ++known;
    const auto claim = [&](std::optional<std::size_t>& column) {
      if (!column) column = i;
    };
    switch (*role) {
      case Role::Title:
        claim(columns.title);
        identifies = true;
        break;
      case Role::Artist:
        claim(columns.artist);
        identifies = true;
        break;
      case Role::Album:
        claim(columns.album);
        break;
      case Role::Uri:
        claim(columns.uri);
        identifies = true;
        break;
      case Role::Isrc:
        claim(columns.isrc);
        identifies = true;
        break;
      case Role::Duration:
        claim(columns.duration);
        break;
      case Role::Other:
        break;
    }
  }
  if (known < 2 || !identifies) return std::nullopt;
  return columns;
}

// ---- one line --------------------------------------------------------------------------------

/// "# note", "##", "//": comments; "#7 Title" and "#thatPOWER" are not (numbering, a title).
bool is_comment(std::string_view trimmed) {
  if (trimmed.starts_with("//")) return true;
  if (!trimmed.starts_with('#')) return false;
  return trimmed.size() == 1 ||
         !(is_base62(trimmed[1]) || static_cast<unsigned char>(trimmed[1]) >= 0x80);
}

/// `text` without the byte order mark spreadsheets put before their first line.
std::string_view without_bom(std::string_view text) {
  return text.starts_with("\xEF\xBB\xBF") ? text.substr(3) : text;
}

PastedLine invalid(PastedLine line, std::string reason) {
  line.kind = LineKind::Invalid;
  line.reason = std::move(reason);
  return line;
}

/// Why `text` cannot be read as text, or nullopt. Tabs are separators, not control characters.
std::optional<std::string> unreadable_reason(std::string_view text) {
  if (text.size() > kMaxPastedLineBytes) return "longer than 1,000 characters";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t') || byte == 0x7F) return "holds a control character";
  }
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t tab = text.find('\t', start);
    if (tab == std::string_view::npos) tab = text.size();
    if (!is_clean_text(text.substr(start, tab - start))) return "not valid UTF-8 text";
    start = tab + 1;
  }
  return std::nullopt;
}

/// A track URI or link among the line's words, or the reason the line is only a link that is
/// not one. `found` is false when the line holds no identifier at all.
struct LineIdentifier {
  bool found = false;
  std::string uri;
  std::string reason;
};

LineIdentifier find_identifier(std::string_view text) {
  LineIdentifier result;
  std::size_t words = 0;
  std::string first_reason;
  for (std::size_t at = 0; at < text.size();) {
    while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
    std::size_t end = at;
    while (end < text.size() && text[end] != ' ' && text[end] != '\t') ++end;
    if (end == at) break;
    std::string_view word = text.substr(at, end - at);
    at = end;
    ++words;
    // Links pasted in angle brackets, quotes or parentheses.
    while (!word.empty() && (word.front() == '<' || word.front() == '(' || word.front() == '"')) {
      word.remove_prefix(1);
    }
    while (!word.empty() && (word.back() == '>' || word.back() == ')' || word.back() == '"' ||
                             word.back() == ',' || word.back() == '.')) {
      word.remove_suffix(1);
    }
    const IdentifierReading reading = read_identifier(word);
    if (!reading.uri.empty()) {
      result.found = true;
      result.uri = reading.uri;
      return result;
    }
    if (!reading.reason.empty() && first_reason.empty()) first_reason = reading.reason;
  }
  // Another link alone on the line (after numbering) is Invalid; beside words it is ignored.
  if (!first_reason.empty() && words == 1) {
    result.found = true;
    result.reason = first_reason;
  }
  return result;
}

/// The text fields of a row: cells that are positions, durations or empty are set aside.
struct RowText {
  std::vector<std::string> cells;
  std::optional<std::int64_t> duration;
};

/// "7", "07.", "7)": a list position in a row's first cell.
bool is_position_cell(std::string_view cell) {
  while (!cell.empty() && (cell.back() == '.' || cell.back() == ')')) cell.remove_suffix(1);
  return !cell.empty() && cell.size() <= 4 && std::all_of(cell.begin(), cell.end(), is_ascii_digit);
}

RowText row_text(const std::vector<std::string>& fields) {
  RowText row;
  const auto filled = static_cast<std::size_t>(
      std::count_if(fields.begin(), fields.end(), [](const std::string& f) { return !f.empty(); }));
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const std::string_view cell = fields[i];
    if (cell.empty()) continue;
    if (auto duration = read_duration(cell)) {
      if (!row.duration) row.duration = duration;
      continue;
    }
    // A position before two or more cells; a lone number beside one cell may be a title ("1999").
    if (row.cells.empty() && filled >= 3 && is_position_cell(cell)) continue;
    if (auto duration = read_duration_cell(cell)) {
      if (!row.duration) row.duration = duration;
      continue;
    }
    std::string cleaned = clean_cell(cell, row.duration);
    if (!cleaned.empty() && has_word_character(cleaned)) row.cells.push_back(std::move(cleaned));
  }
  return row;
}

bool is_header_row(const std::vector<std::string>& fields) {
  if (fields.size() < 2) return false;
  std::size_t known = 0;
  for (const std::string& field : fields) {
    if (field.empty()) continue;
    if (!header_role(field)) return false;
    ++known;
  }
  return known >= 2;
}

/// A tab-separated row read on its own: two cells are "Artist<TAB>Title" or the reverse; three
/// or more are "Title<TAB>Artist<TAB>Album" (the order of exports) or "Artist<TAB>Title".
void add_row_readings(const std::vector<std::string>& cells, Readings& readings) {
  if (cells.empty()) return;  // a row of durations only: the line's fallback reading decides
  if (cells.size() == 1) {
    add_text_readings(cells[0], readings);
    return;
  }
  if (cells.size() == 2) {
    readings.add(cells[1], cells[0]);
    readings.add(cells[0], cells[1]);
    return;
  }
  readings.add(cells[0], cells[1], cells[2]);
  readings.add(cells[1], cells[0], cells[2]);
  readings.add(cells[0], cells[1]);
}

PastedLine finish_text(PastedLine line, Readings&& readings, std::string_view fallback) {
  if (readings.empty()) readings.add(fallback, "");
  line.readings = std::move(readings).take();
  if (line.readings.empty()) return invalid(std::move(line), "no words to match");
  line.kind = LineKind::Text;
  return line;
}

/// Blank, comment, too long, ill-formed: what every line is checked for first. Returns the
/// trimmed text to read on, or nullopt when `line` is already decided.
std::optional<std::string_view> screen(PastedLine& line) {
  if (auto reason = unreadable_reason(line.input)) {
    line = invalid(std::move(line), *reason);
    return std::nullopt;
  }
  const std::string_view text = trim(without_bom(trim(line.input)));
  if (text.empty()) {
    line.kind = LineKind::Blank;
    line.reason = "blank line";
    return std::nullopt;
  }
  if (is_comment(text)) {
    line.kind = LineKind::Comment;
    line.reason = "comment";
    return std::nullopt;
  }
  return text;
}

PastedLine read_line(std::string_view input, std::size_t number) {
  PastedLine line;
  line.number = number;
  line.input = std::string(input);
  const std::optional<std::string_view> screened = screen(line);
  if (!screened) return line;
  // A copy: `line` (and the input the view points into) moves on to the result.
  const std::string text(*screened);

  if (const LineIdentifier identifier = find_identifier(text); identifier.found) {
    if (!identifier.uri.empty()) {
      line.kind = LineKind::TrackUri;
      line.uri = identifier.uri;
      return line;
    }
    return invalid(std::move(line), identifier.reason);
  }
  if (auto isrc = read_isrc(without_numbering(text).rest)) {
    line.kind = LineKind::Isrc;
    line.isrc = *isrc;
    return line;
  }

  Readings readings;
  if (text.find('\t') != std::string_view::npos) {
    const std::vector<std::string> fields = split_row(text, '\t');
    if (is_header_row(fields)) return invalid(std::move(line), "header row");
    for (const std::string& field : fields) {
      if (auto isrc = read_isrc(field); isrc && field.size() >= 12) {
        line.kind = LineKind::Isrc;
        line.isrc = *isrc;
        return line;
      }
    }
    RowText row = row_text(fields);
    line.duration_ms = row.duration;
    add_row_readings(row.cells, readings);
    return finish_text(std::move(line), std::move(readings), text);
  }
  if (text.find(',') != std::string_view::npos && is_header_row(split_row(text, ','))) {
    return invalid(std::move(line), "header row");
  }

  Numbering numbering = Numbering::None;
  const std::string cleaned = clean_line(text, true, line.duration_ms, numbering);
  if (numbering == Numbering::Alone) {
    // "311 - Amber": track 311 first (a title alone), then the band 311.
    const std::vector<Split> dashes = dash_splits(cleaned);
    if (!dashes.empty()) readings.add(after(cleaned, dashes.front()), "");
  }
  add_text_readings(cleaned, readings);
  if (numbering == Numbering::MaybeName) {
    // "365 - Zedd Remix - Zedd": the number may be a word of the title or the artist's name.
    Numbering ignored = Numbering::None;
    std::optional<std::int64_t> same_duration;
    add_text_readings(clean_line(text, false, same_duration, ignored), readings);
  }
  return finish_text(std::move(line), std::move(readings), cleaned);
}

// ---- the whole paste -------------------------------------------------------------------------

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  for (std::size_t at = 0; at < text.size(); ++at) {
    if (text[at] != '\n' && text[at] != '\r') continue;
    lines.push_back(text.substr(start, at - start));
    if (text[at] == '\r' && at + 1 < text.size() && text[at + 1] == '\n') ++at;
    start = at + 1;
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

std::size_t count_lines(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t at = 0; at < text.size(); ++at) {
    if (text[at] == '\n' || (text[at] == '\r' && (at + 1 >= text.size() || text[at + 1] != '\n'))) {
      ++count;
    }
  }
  const char last = text.empty() ? '\n' : text.back();
  if (last != '\n' && last != '\r') ++count;
  return count;
}

/// What a column's cells look like, over the rows of a spreadsheet paste.
struct ColumnStats {
  std::size_t filled = 0;
  std::size_t uris = 0;
  std::size_t isrcs = 0;
  std::size_t durations = 0;
  std::size_t numbers = 0;
  std::size_t distinct = 0;
  std::size_t title_marks = 0;   ///< "(feat.", " - Remix", "(Live)": words that end titles
  std::size_t artist_marks = 0;  ///< " & ", ", ", "The ": words that join or start names
};

ColumnStats column_stats(const std::vector<std::vector<std::string>>& rows, std::size_t column) {
  ColumnStats stats;
  std::vector<std::string> values;
  for (const auto& row : rows) {
    const std::string& cell = row[column];
    if (cell.empty()) continue;
    ++stats.filled;
    if (!read_identifier(cell).uri.empty() || is_track_id(cell)) ++stats.uris;
    if (read_isrc(cell) && cell.size() >= 12) ++stats.isrcs;
    if (read_duration_cell(cell)) ++stats.durations;
    if (std::all_of(cell.begin(), cell.end(), is_ascii_digit)) ++stats.numbers;
    const std::string lower = ascii_lower(cell);
    if (cell.find('(') != std::string::npos || cell.find('[') != std::string::npos ||
        !dash_splits(cell).empty() || names_version(cell)) {
      ++stats.title_marks;
    }
    if (lower.find(" & ") != std::string::npos || lower.find(", ") != std::string::npos ||
        lower.starts_with("the ") || lower.starts_with("dj ")) {
      ++stats.artist_marks;
    }
    values.push_back(lower);
  }
  std::sort(values.begin(), values.end());
  stats.distinct =
      static_cast<std::size_t>(std::unique(values.begin(), values.end()) - values.begin());
  return stats;
}

/// Guesses what each column holds from its cells: identifiers and durations by their shape,
/// then titles against artists by how often values repeat (an artist recurs, a title seldom)
/// and by the words they hold. With no signal, the first text column is the title (the order
/// of exports and of "Title, Artist" lists).
PasteColumns guess_columns(const std::vector<std::vector<std::string>>& rows, std::size_t width,
                           char separator) {
  PasteColumns columns;
  columns.separator = separator;
  std::vector<std::size_t> text_columns;
  for (std::size_t column = 0; column < width; ++column) {
    const ColumnStats stats = column_stats(rows, column);
    if (stats.filled == 0) continue;
    const auto most = [&](std::size_t count) { return count * 2 > stats.filled; };
    if (most(stats.uris)) {
      if (!columns.uri) columns.uri = column;
    } else if (most(stats.isrcs)) {
      if (!columns.isrc) columns.isrc = column;
    } else if (most(stats.durations)) {
      if (!columns.duration) columns.duration = column;
    } else if (!most(stats.numbers)) {
      text_columns.push_back(column);
    }
  }
  if (text_columns.empty()) return columns;
  if (text_columns.size() == 1) {
    columns.title = text_columns[0];
    return columns;
  }
  const std::size_t first = text_columns[0];
  const std::size_t second = text_columns[1];
  const auto title_likeness = [&](std::size_t column) {
    const ColumnStats stats = column_stats(rows, column);
    const double filled = static_cast<double>(std::max<std::size_t>(stats.filled, 1));
    return static_cast<double>(stats.distinct) / filled +
           static_cast<double>(stats.title_marks) / filled -
           static_cast<double>(stats.artist_marks) / filled;
  };
  const bool swapped = title_likeness(second) > title_likeness(first) + 0.05;
  columns.title = swapped ? second : first;
  columns.artist = swapped ? first : second;
  if (text_columns.size() > 2) columns.album = text_columns[2];
  return columns;
}

/// The spreadsheet view of a paste: its separator when most non-blank lines split by it into
/// the same number (>= 2) of fields, with the header row read or the columns guessed.
struct Sheet {
  PasteColumns columns;
  std::size_t width = 0;
  std::optional<std::size_t> header_line;  ///< index into the paste's lines
};

std::optional<Sheet> read_sheet(const std::vector<std::string_view>& lines) {
  std::vector<std::size_t> content;  // indexes of lines with something on them
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view text = trim(without_bom(lines[i]));
    if (text.empty() || is_comment(text)) continue;
    content.push_back(i);
  }
  if (content.size() < 2) return std::nullopt;
  for (const char separator : {'\t', ','}) {
    // The most common field count among the lines.
    std::vector<std::size_t> widths;
    for (const std::size_t i : content) {
      if (lines[i].find(separator) == std::string_view::npos) continue;
      widths.push_back(split_row(lines[i], separator).size());
    }
    if (widths.size() * 2 <= content.size()) continue;
    std::sort(widths.begin(), widths.end());
    std::size_t width = 0;
    std::size_t best = 0;
    for (std::size_t at = 0; at < widths.size();) {
      std::size_t end = at;
      while (end < widths.size() && widths[end] == widths[at]) ++end;
      if (end - at > best) {
        best = end - at;
        width = widths[at];
      }
      at = end;
    }
    if (best * 2 <= content.size() || width < 2) continue;

    Sheet sheet;
    sheet.width = width;
    const std::vector<std::string> first =
        split_row(without_bom(lines[content.front()]), separator);
    if (auto header = read_header(first, separator)) {
      sheet.columns = *header;
      sheet.header_line = content.front();
      return sheet;
    }
    // Lists of "Artist - Title, with a comma" are no spreadsheet: a comma paste needs most of
    // its rows free of dash separators.
    std::vector<std::vector<std::string>> rows;
    std::size_t dashed = 0;
    for (const std::size_t i : content) {
      std::vector<std::string> fields = split_row(lines[i], separator);
      if (fields.size() != width) continue;
      if (!dash_splits(lines[i]).empty()) ++dashed;
      rows.push_back(std::move(fields));
    }
    if (separator == ',' && dashed * 2 >= rows.size()) continue;
    sheet.columns = guess_columns(rows, width, separator);
    return sheet;
  }
  return std::nullopt;
}

/// A row of a spreadsheet paste, read by its columns.
PastedLine read_row(std::string_view input, std::size_t number, const Sheet& sheet) {
  const PasteColumns& columns = sheet.columns;
  const std::vector<std::string> fields = split_row(without_bom(input), columns.separator);
  if (fields.size() != sheet.width) return read_line(input, number);
  PastedLine line;
  line.number = number;
  line.input = std::string(input);
  if (!screen(line)) return line;
  const auto cell = [&](const std::optional<std::size_t>& column) -> std::string_view {
    return column && *column < fields.size() ? std::string_view(fields[*column]) : "";
  };
  if (const std::string_view value = cell(columns.uri); !value.empty()) {
    const IdentifierReading identifier = read_identifier(value);
    if (!identifier.uri.empty() || is_track_id(value)) {
      line.kind = LineKind::TrackUri;
      line.uri = identifier.uri.empty() ? "spotify:track:" + std::string(value) : identifier.uri;
      return line;
    }
  }
  if (!columns.uri) {
    if (const LineIdentifier identifier = find_identifier(input); !identifier.uri.empty()) {
      line.kind = LineKind::TrackUri;
      line.uri = identifier.uri;
      return line;
    }
  }
  if (const std::string_view value = cell(columns.isrc); !value.empty()) {
    if (auto isrc = read_isrc(value)) {
      line.kind = LineKind::Isrc;
      line.isrc = *isrc;
      return line;
    }
  }
  if (const std::string_view value = cell(columns.duration); !value.empty()) {
    line.duration_ms = read_duration_cell(value);
  }
  std::optional<std::int64_t> ignored;
  std::optional<std::int64_t>& duration = line.duration_ms ? ignored : line.duration_ms;
  const std::string title = clean_cell(cell(columns.title), duration);
  const std::string artist = clean_cell(cell(columns.artist), duration);
  const std::string album = std::string(cell(columns.album));
  Readings readings;
  if (!title.empty()) {
    readings.add(title, artist, album);
    // Guessed columns may be the wrong way round for this row; a header row is not.
    if (!columns.header && !artist.empty()) readings.add(artist, title, album);
  } else if (!artist.empty()) {
    add_text_readings(artist, readings);
  }
  if (readings.empty()) return read_line(input, number);
  return finish_text(std::move(line), std::move(readings), title);
}

/// True if the line's first two readings are one split read both ways ("A - B", "A<TAB>B").
bool reads_both_ways(const PastedLine& line) {
  if (line.kind != LineKind::Text || line.readings.size() < 2) return false;
  const LineReading& first = line.readings[0];
  const LineReading& second = line.readings[1];
  return !first.artist.empty() && first.title == second.artist && first.artist == second.title;
}

/// Puts "Title - Artist" first on the lines read both ways when the paste says so: artists
/// recur down a list, titles seldom, so when the right-hand sides repeat clearly more than the
/// left-hand sides ("Royals - Lorde", "Team - Lorde", …) the right is the artist. Only reorders:
/// every reading stays, and without a clear signal nothing moves.
void order_by_paste(std::vector<PastedLine>& lines) {
  std::vector<std::string> left;
  std::vector<std::string> right;
  for (const PastedLine& line : lines) {
    if (!reads_both_ways(line)) continue;
    left.push_back(ascii_lower(line.readings[0].artist));
    right.push_back(ascii_lower(line.readings[0].title));
  }
  constexpr std::size_t kMinLines = 4;
  if (left.size() < kMinLines) return;
  const auto distinct = [](std::vector<std::string> values) {
    std::sort(values.begin(), values.end());
    return static_cast<double>(std::unique(values.begin(), values.end()) - values.begin()) /
           static_cast<double>(values.size());
  };
  // The right side repeats (some value at least twice) and clearly more than the left.
  const double left_distinct = distinct(left);
  const double right_distinct = distinct(right);
  if (right_distinct >= 1.0 || left_distinct - right_distinct < 0.25) return;
  for (PastedLine& line : lines) {
    if (reads_both_ways(line)) std::swap(line.readings[0], line.readings[1]);
  }
}

}  // namespace

PastedLine parse_line(std::string_view line, std::size_t number) { return read_line(line, number); }

Result<ParsedPaste> parse_paste(std::string_view text) {
  if (const std::size_t count = count_lines(text); count > kMaxPastedLines) {
    return make_error(ErrorCode::InvalidInput,
                      "a paste holds at most 10,000 lines; this one has " + std::to_string(count));
  }
  const std::vector<std::string_view> lines = split_lines(text);
  ParsedPaste parsed;
  parsed.lines.reserve(lines.size());
  const std::optional<Sheet> sheet = read_sheet(lines);
  if (sheet) parsed.columns = sheet->columns;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::size_t number = i + 1;
    if (!sheet) {
      parsed.lines.push_back(read_line(lines[i], number));
    } else if (sheet->header_line == i) {
      PastedLine header;
      header.number = number;
      header.input = std::string(lines[i]);
      parsed.lines.push_back(invalid(std::move(header), "header row"));
    } else {
      parsed.lines.push_back(read_row(lines[i], number, *sheet));
    }
  }
  if (!sheet) order_by_paste(parsed.lines);
  return parsed;
}

}  // namespace plm::core
