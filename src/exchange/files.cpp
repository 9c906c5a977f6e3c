#include "exchange/files.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "core/batch/batch_plan.hpp"
#include "core/exchange/export_layout.hpp"
#include "core/exchange/utf8.hpp"
#include "core/model/text.hpp"
#include "exchange/xlsx.hpp"

namespace plm::exchange {
namespace {

constexpr std::string_view kXlsxContentType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
constexpr std::string_view kCsvContentType = "text/csv; charset=utf-8";
constexpr std::string_view kZipContentType = "application/zip";
/// Bytes of a name inside a download's file name (the account's, one playlist's).
constexpr std::size_t kMaxFileNamePartBytes = 80;

bool is_file_name_safe(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-' || c == ' ';
}

/// An accented Latin letter as its ASCII letter ("é" -> "e", "Ü" -> "U", "ß" -> "ss"), or "" for
/// any other character.
std::string ascii_letters_of(std::string_view character, char32_t code_point) {
  std::string letters = core::fold_for_search(character);
  for (const char c : letters) {
    if (c < 'a' || c > 'z') return "";
  }
  if (!letters.empty() && core::utf8::lower_case(code_point) != code_point) {
    letters[0] = static_cast<char>(letters[0] - 'a' + 'A');
  }
  return letters;
}

/// `name` as a part of a download's file name: ASCII letters, digits, ". _ -" and spaces kept,
/// accented Latin letters without their accents, every run of other characters (other scripts,
/// quotes, slashes) one "_", at most kMaxFileNamePartBytes, no dots, spaces or "_" around it;
/// `fallback` when nothing is left. Safe in a Content-Disposition header and on every file system.
std::string file_name_part(std::string_view name, std::string_view fallback) {
  std::string part;
  for (std::size_t at = 0; at < name.size() && part.size() < kMaxFileNamePartBytes;) {
    const core::utf8::Decoded decoded = core::utf8::decode(name, at);
    const std::size_t length = std::max<std::size_t>(decoded.length, 1);
    std::string letters;
    if (decoded.length == 1 && is_file_name_safe(name[at])) {
      letters = name.substr(at, 1);
    } else if (decoded.length > 1) {
      letters = ascii_letters_of(name.substr(at, length), decoded.code_point);
    }
    at += length;
    if (!letters.empty()) {
      part += letters;
    } else if (part.empty() || part.back() != '_') {
      part += '_';
    }
  }
  part.resize(std::min(part.size(), kMaxFileNamePartBytes));
  const std::size_t first = part.find_first_not_of("._ -");
  if (first == std::string::npos) return std::string(fallback);
  const std::size_t last = part.find_last_not_of("._ -");
  return part.substr(first, last - first + 1);
}

std::string account_file_stem(const core::SpotifyAccount& account, core::TimePoint today) {
  const std::string& name =
      account.display_name.empty() ? account.spotify_user_id : account.display_name;
  return "plm-" + file_name_part(name, "account") + "-" + core::format_utc(today).substr(0, 10);
}

/// The stored playlists `selector` names (all without one), in the account's list order.
core::Result<std::vector<core::StoredPlaylist>> selected_playlists(
    core::PlaylistStore& store, const core::SpotifyAccount& account,
    const std::optional<std::string>& selector) {
  auto stored = store.playlists_of(account.id);
  if (!stored) return stored.error();
  if (!selector) {
    if (stored->empty()) {
      return core::make_error(
          core::ErrorCode::InvalidInput,
          "the account holds no stored playlists to export: run plm sync first");
    }
    return stored;
  }
  auto parsed = core::parse_selector(*selector);
  if (!parsed) return parsed.error();
  auto ids = core::select_playlists(*parsed, *stored, account.spotify_user_id);
  if (!ids) return ids.error();
  if (ids->empty()) {
    return core::make_error(
        core::ErrorCode::InvalidInput,
        "the selector '" + *selector + "' matches no stored playlist (plm playlists lists them)");
  }
  // select_playlists keeps the list order; take the playlists in one pass over both.
  std::vector<core::StoredPlaylist> chosen;
  chosen.reserve(ids->size());
  std::size_t next = 0;
  for (core::StoredPlaylist& playlist : *stored) {
    if (next < ids->size() && playlist.summary.id == (*ids)[next]) {
      chosen.push_back(std::move(playlist));
      ++next;
    }
  }
  return chosen;
}

core::Result<std::vector<core::ExportPlaylist>> load_items(
    core::PlaylistStore& store, std::int64_t account_id,
    std::vector<core::StoredPlaylist> playlists) {
  std::vector<core::ExportPlaylist> exported;
  exported.reserve(playlists.size());
  for (core::StoredPlaylist& playlist : playlists) {
    core::ExportPlaylist entry{.playlist = std::move(playlist)};
    // An empty items snapshot: plm never read the items (core::StoredPlaylist).
    entry.items_readable = !entry.playlist.items_snapshot_id.empty();
    if (entry.items_readable) {
      auto items = store.playlist_items(account_id, entry.playlist.summary.id);
      if (!items) return items.error();
      entry.items = std::move(*items);
    }
    exported.push_back(std::move(entry));
  }
  return exported;
}

std::int64_t track_count(const std::vector<core::ExportPlaylist>& playlists) {
  std::int64_t tracks = 0;
  for (const core::ExportPlaylist& playlist : playlists) {
    tracks += static_cast<std::int64_t>(playlist.items.size());
  }
  return tracks;
}

core::Result<ExportedFile> xlsx_file(const std::vector<core::ExportPlaylist>& playlists,
                                     const std::string& stem) {
  auto bytes = write_xlsx(core::export_workbook(playlists));
  if (!bytes) return bytes.error();
  return ExportedFile{.bytes = std::move(*bytes),
                      .file_name = stem + ".xlsx",
                      .content_type = std::string(kXlsxContentType),
                      .playlists = static_cast<std::int64_t>(playlists.size()),
                      .tracks = track_count(playlists)};
}

/// One CSV for one selected playlist, a zip of CSVs for several. A playlist whose items were
/// never read has no CSV: Exportify's layout has no place to say so, and a CSV of no tracks would
/// read back as "empty this playlist".
core::Result<ExportedFile> csv_file(std::vector<core::ExportPlaylist> playlists,
                                    const std::string& stem) {
  const bool several = playlists.size() > 1;
  std::erase_if(playlists,
                [](const core::ExportPlaylist& playlist) { return !playlist.items_readable; });
  if (playlists.empty()) {
    return core::make_error(core::ErrorCode::InvalidInput,
                            "plm has not read the tracks of the selected playlists (Spotify lets "
                            "it read only the playlists the account owns or collaborates on): "
                            "export them as xlsx to get their details");
  }
  ExportedFile file{.playlists = static_cast<std::int64_t>(playlists.size()),
                    .tracks = track_count(playlists)};
  if (!several) {
    file.bytes = core::write_csv(core::exportify_rows(playlists.front()));
    file.file_name = file_name_part(playlists.front().playlist.summary.name, "playlist") + ".csv";
    file.content_type = std::string(kCsvContentType);
    return file;
  }
  std::vector<std::string> names;
  names.reserve(playlists.size());
  for (const core::ExportPlaylist& playlist : playlists) {
    names.push_back(playlist.playlist.summary.name);
  }
  std::vector<std::string> file_names = core::csv_file_names(names);
  std::vector<std::pair<std::string, std::string>> entries;
  entries.reserve(playlists.size());
  for (std::size_t i = 0; i < playlists.size(); ++i) {
    entries.emplace_back(std::move(file_names[i]),
                         core::write_csv(core::exportify_rows(playlists[i])));
  }
  auto zip = write_zip(entries);
  if (!zip) return zip.error();
  file.bytes = std::move(*zip);
  file.file_name = stem + ".zip";
  file.content_type = std::string(kZipContentType);
  return file;
}

}  // namespace

std::string_view to_string(ExportFormat format) {
  switch (format) {
    case ExportFormat::Xlsx:
      return "xlsx";
    case ExportFormat::Csv:
      return "csv";
  }
  return "xlsx";
}

std::optional<ExportFormat> export_format_from_string(std::string_view text) {
  if (text == "xlsx") return ExportFormat::Xlsx;
  if (text == "csv") return ExportFormat::Csv;
  return std::nullopt;
}

core::Result<ExportedFile> export_playlists(core::PlaylistStore& store,
                                            const core::SpotifyAccount& account,
                                            const std::optional<std::string>& selector,
                                            ExportFormat format, core::TimePoint today) {
  auto chosen = selected_playlists(store, account, selector);
  if (!chosen) return chosen.error();
  auto playlists = load_items(store, account.id, std::move(*chosen));
  if (!playlists) return playlists.error();
  const std::string stem = account_file_stem(account, today);
  if (format == ExportFormat::Csv) return csv_file(std::move(*playlists), stem);
  return xlsx_file(*playlists, stem);
}

}  // namespace plm::exchange
