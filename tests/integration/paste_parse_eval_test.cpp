// The parser against ../shared/matching-eval/dev.jsonl (issue 11 §5's yardstick): does every line
// give the reading the matcher needs? The accepted track's title and artist come from the catalog
// CSVs in ../shared/catalog-data through the case's `accept` URIs. Families are checked by what
// they are, never line by line: a line the parser misreads shows up as a family's miss count.
// Skipped when the shared data is not next to the repository (a bare clone).

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/matching/paste_parse.hpp"
#include "core/model/text.hpp"

namespace plm::core {
namespace {

namespace fs = std::filesystem;

fs::path shared_dir() {
  const char* source = std::getenv("PLM_SOURCE_DIR");
  return fs::path(source != nullptr ? source : ".") / ".." / "shared";
}

/// Lower case without accents, every other character than a letter or digit a space, spaces
/// collapsed: close to the eval set's own normalisation, without its feat. rules.
std::string folded(std::string_view text) {
  std::string lower = fold_for_search(text);
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"\u2019", "'"},
                                 {"\u2018", "'"},
                                 {"\u00F8", "o"},
                                 {"\u00E6", "ae"},
                                 {"\u0142", "l"}}) {
    for (std::size_t at = lower.find(from); at != std::string::npos; at = lower.find(from, at)) {
      lower.replace(at, from.size(), to);
    }
  }
  std::string out;
  for (std::size_t at = 0; at < lower.size(); ++at) {
    const auto byte = static_cast<unsigned char>(lower[at]);
    const bool word = byte >= 0x80 || (byte >= '0' && byte <= '9') || (byte >= 'a' && byte <= 'z');
    if (lower[at] == '\'') continue;  // "I'm" and "Im" alike
    if (word) {
      out += lower[at];
    } else if (!out.empty() && out.back() != ' ') {
      out += ' ';
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  for (const char c : folded(text) + ' ') {
    if (c == ' ') {
      if (!word.empty()) out.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  return out;
}

bool contains_words(std::string_view haystack, std::string_view needle) {
  const std::vector<std::string> have = words(haystack);
  const std::set<std::string> have_set(have.begin(), have.end());
  for (const std::string& word : words(needle)) {
    if (!have_set.contains(word)) return false;
  }
  return true;
}

/// The base of a catalog title: before a version suffix (" - Live") or a bracket ("(feat. X)").
std::string base_title(std::string_view title) {
  std::size_t end = title.size();
  for (const std::string_view mark : {" - ", " (", " ["}) {
    const std::size_t at = title.find(mark);
    if (at != std::string_view::npos && at > 0) end = std::min(end, at);
  }
  return std::string(title.substr(0, end));
}

/// One CSV record per call (RFC 4180; a quoted field may span lines).
bool read_record(std::istream& in, std::vector<std::string>& fields) {
  fields.assign(1, "");
  std::string line;
  bool quoted = false;
  bool any = false;
  while (std::getline(in, line)) {
    any = true;
    for (std::size_t at = 0; at < line.size(); ++at) {
      const char c = line[at];
      if (quoted) {
        if (c == '"' && at + 1 < line.size() && line[at + 1] == '"') {
          fields.back() += '"';
          ++at;
        } else if (c == '"') {
          quoted = false;
        } else {
          fields.back() += c;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.emplace_back();
      } else if (c != '\r') {
        fields.back() += c;
      }
    }
    if (!quoted) return true;
    fields.back() += '\n';
  }
  return any;
}

struct CatalogTrack {
  std::string title;
  std::string artist;  ///< the primary artist
};

/// Every catalog track by URI, from the three sources' CSVs.
std::map<std::string, std::vector<CatalogTrack>> load_catalog(const fs::path& dir) {
  std::map<std::string, std::vector<CatalogTrack>> catalog;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    std::ifstream in(entry.path());
    std::vector<std::string> header;
    if (!read_record(in, header)) continue;
    const auto column = [&](std::string_view wanted) -> std::optional<std::size_t> {
      for (std::size_t i = 0; i < header.size(); ++i) {
        if (header[i] == wanted) return i;
      }
      return std::nullopt;
    };
    const auto uri = column("Track URI") ? column("Track URI") : column("uri");
    const auto id = column("track_id");
    const auto title = column("Track Name") ? column("Track Name") : column("track_name");
    const auto artist =
        column("Artist Name(s)") ? column("Artist Name(s)") : column("track_artist");
    const auto line_text = column("line_text");
    if ((!uri && !id) || (!title && !line_text)) continue;
    std::vector<std::string> row;
    while (read_record(in, row)) {
      const auto cell = [&](const std::optional<std::size_t>& i) -> std::string {
        return i && *i < row.size() ? row[*i] : "";
      };
      const std::string key = id ? "spotify:track:" + cell(id) : cell(uri);
      CatalogTrack track;
      if (line_text) {
        const std::string text = cell(line_text);
        const std::size_t dash = text.find(" - ");
        if (dash == std::string::npos) continue;
        track.artist = text.substr(0, dash);
        track.title = text.substr(dash + 3);
      } else {
        track.title = cell(title);
        track.artist = cell(artist);
      }
      // The primary artist: before the first unescaped comma.
      for (std::size_t at = 0; at < track.artist.size(); ++at) {
        if (track.artist[at] == ',' && (at == 0 || track.artist[at - 1] != '\\')) {
          track.artist.resize(at);
          break;
        }
      }
      catalog[key].push_back(std::move(track));
    }
  }
  return catalog;
}

struct FamilyCount {
  int lines = 0;
  int readings = 0;     ///< over the family's text lines: what the matcher may search
  int title_exact = 0;  ///< a reading's title folds to the accepted title
  int found = 0;        ///< a reading holds the accepted title's base words and the artist's
  std::vector<std::string> misses;
};

TEST(PasteParseEval, EveryDevLineGivesTheReadingTheMatcherNeeds) {
  const fs::path dev = shared_dir() / "matching-eval" / "dev.jsonl";
  const fs::path catalog_dir = shared_dir() / "catalog-data";
  if (!fs::exists(dev) || !fs::is_directory(catalog_dir)) {
    GTEST_SKIP() << "no ../shared/matching-eval or ../shared/catalog-data";
  }
  const auto catalog = load_catalog(catalog_dir);
  ASSERT_GT(catalog.size(), 10'000u);

  std::map<std::string, FamilyCount> families;
  std::string paste;              // every line, as `plm match < dev-lines.txt` pastes them
  std::vector<PastedLine> alone;  // each line parsed on its own
  std::ifstream in(dev);
  std::string json_line;
  while (std::getline(in, json_line)) {
    const auto item = nlohmann::json::parse(json_line);
    const std::string line_text = item.at("line");
    const std::string family = item.at("family");
    const PastedLine line = parse_line(line_text, alone.size() + 1);
    FamilyCount& count = families[family];
    ++count.lines;
    count.readings += static_cast<int>(line.readings.size());
    paste += line_text + "\n";
    alone.push_back(line);
    std::set<std::string> accept;
    for (const auto& uri : item.at("accept")) accept.insert(uri.get<std::string>());

    if (family == "uri" || family == "url") {
      const bool ok = line.kind == LineKind::TrackUri && accept.contains(line.uri);
      count.title_exact += ok;
      count.found += ok;
      if (!ok) count.misses.push_back(line_text);
      continue;
    }
    if (family == "isrc") {
      const bool ok = line.kind == LineKind::Isrc && line.isrc.size() == 12;
      count.title_exact += ok;
      count.found += ok;
      if (!ok) count.misses.push_back(line_text);
      continue;
    }
    // Every other line is text, and never invalid: it names a song (in the catalog or not).
    EXPECT_EQ(line.kind, LineKind::Text) << line_text << ": " << line.reason;
    if (item.at("expect") != "match") {
      count.found += line.kind == LineKind::Text;
      continue;
    }
    bool exact = false;
    bool found = false;
    for (const std::string& uri : accept) {
      const auto track = catalog.find(uri);
      if (track == catalog.end()) continue;
      for (const CatalogTrack& expected : track->second) {
        for (const LineReading& reading : line.readings) {
          exact = exact || folded(reading.title) == folded(expected.title);
          // A featured artist may sit in either part ("A ft. B - T", "T ft. B"): look at both.
          const std::string both = reading.title + " " + reading.artist;
          found = found || (contains_words(reading.title, base_title(expected.title)) &&
                            contains_words(both, expected.artist));
        }
      }
    }
    count.title_exact += exact;
    count.found += found;
    if (!found) count.misses.push_back(line_text);
  }

  // As one paste: a mix of forms is no spreadsheet, and each line reads as it does alone.
  const auto parsed = parse_paste(paste);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_FALSE(parsed->columns.has_value());
  ASSERT_EQ(parsed->lines.size(), alone.size());
  for (std::size_t i = 0; i < alone.size(); ++i) {
    EXPECT_TRUE(parsed->lines[i] == alone[i]) << "line " << i + 1 << ": " << alone[i].input;
  }

  std::cout
      << "family                    lines  title=accepted  title+artist words  readings/line\n";
  int lines = 0;
  int found = 0;
  for (const auto& [family, count] : families) {
    std::printf("%-24s %6d %15d %19d %14.2f\n", family.c_str(), count.lines, count.title_exact,
                count.found, static_cast<double>(count.readings) / count.lines);
    // A typo breaks a word, so only those lines may miss the words; every other family reads
    // every line.
    if (family != "typo") {
      lines += count.lines;
      found += count.found;
      for (const std::string& miss : count.misses) std::cout << "  miss: " << miss << "\n";
    }
  }
  EXPECT_EQ(found, lines) << "lines without the reading the matcher needs (listed above)";
}

}  // namespace
}  // namespace plm::core
