#include "core/edit/playlist_lifecycle.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <unordered_set>

#include "core/model/text.hpp"
#include "core/write/playlist_edits.hpp"

namespace plm::core {

namespace {

/// Characters (code points) of well-formed UTF-8.
std::size_t utf8_length(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

bool can_be_added(const PlaylistItem& item) {
  return !item.is_local && !item.unavailable && !item.uri.empty();
}

constexpr std::string_view kUnknownPart = "unknown";

/// The year of a time, in UTC.
std::optional<int> year_of(const std::optional<TimePoint>& time) {
  if (!time) return std::nullopt;
  const std::chrono::year_month_day day{std::chrono::floor<std::chrono::days>(*time)};
  return static_cast<int>(day.year());
}

/// The year of a release date ("YYYY", "YYYY-MM" or "YYYY-MM-DD"); nullopt when unknown.
std::optional<int> release_year(const PlaylistItem& item) {
  if (!item.track || item.track->release_date.size() < 4) return std::nullopt;
  const std::string_view year = std::string_view(item.track->release_date).substr(0, 4);
  if (!std::all_of(year.begin(), year.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return std::stoi(std::string(year));
}

/// Parts keyed by a year, oldest first, the items without one last.
std::vector<SplitPart> parts_by_year(const std::vector<const PlaylistItem*>& items,
                                     std::optional<int> (*year)(const PlaylistItem&)) {
  std::map<int, SplitPart> by_year;
  SplitPart unknown{std::string(kUnknownPart), "", {}};
  for (const PlaylistItem* item : items) {
    if (const auto found = year(*item)) {
      SplitPart& part = by_year[*found];
      part.label = std::to_string(*found);
      part.items.push_back(*item);
    } else {
      unknown.items.push_back(*item);
    }
  }
  std::vector<SplitPart> parts;
  for (auto& [ignored, part] : by_year) parts.push_back(std::move(part));
  if (!unknown.items.empty()) parts.push_back(std::move(unknown));
  return parts;
}

std::optional<int> added_year(const PlaylistItem& item) { return year_of(item.added_at); }

}  // namespace

Status check_new_playlist(const NewPlaylist& playlist) {
  if (!is_clean_text(playlist.name) || !is_clean_text(playlist.description)) {
    return make_error(ErrorCode::InvalidInput,
                      "a playlist's name and description must be UTF-8 text without control "
                      "characters or line breaks");
  }
  if (playlist.name.empty()) return make_error(ErrorCode::InvalidInput, "a playlist needs a name");
  if (const auto length = utf8_length(playlist.name); length > kMaxNameCharacters) {
    return make_error(ErrorCode::InvalidInput, "the name \u201c" + playlist.name + "\u201d has " +
                                                   std::to_string(length) +
                                                   " characters; Spotify takes at most " +
                                                   std::to_string(kMaxNameCharacters));
  }
  if (const auto length = utf8_length(playlist.description); length > kMaxDescriptionCharacters) {
    return make_error(ErrorCode::InvalidInput, "the description has " + std::to_string(length) +
                                                   " characters; Spotify takes at most " +
                                                   std::to_string(kMaxDescriptionCharacters));
  }
  if (playlist.collaborative && playlist.is_public) {
    return make_error(ErrorCode::InvalidInput,
                      "a collaborative playlist cannot be public (Spotify's rule)");
  }
  return ok();
}

std::vector<std::string> CollectedItems::uris() const {
  std::vector<std::string> uris;
  uris.reserve(items.size());
  for (const auto& item : items) uris.push_back(item.uri);
  return uris;
}

CollectedItems collect_items(const std::vector<std::vector<PlaylistItem>>& sources, bool dedupe) {
  CollectedItems collected;
  std::unordered_set<std::string> seen;
  for (const auto& source : sources) {
    for (const auto& item : source) {
      if (!can_be_added(item)) {
        ++collected.skipped;
      } else if (dedupe && !seen.insert(item.uri).second) {
        ++collected.duplicates_dropped;
      } else {
        collected.items.push_back(item);
      }
    }
  }
  return collected;
}

std::string_view to_string(PlaylistCreation::Action action) {
  using Action = PlaylistCreation::Action;
  switch (action) {
    case Action::Create:
      return "create";
    case Action::Copy:
      return "copy";
    case Action::Merge:
      return "merge";
    case Action::Split:
      return "split";
  }
  return "create";
}

std::optional<PlaylistCreation::Action> creation_action_from_string(std::string_view text) {
  using Action = PlaylistCreation::Action;
  for (const Action action : {Action::Create, Action::Copy, Action::Merge, Action::Split}) {
    if (to_string(action) == text) return action;
  }
  return std::nullopt;
}

Result<PreparedCreation> prepare_creation(
    const CreateInput& input,
    const std::function<Result<std::vector<PlaylistItem>>(const std::string&)>& items_of) {
  if (auto valid = check_new_playlist(input.details); !valid) return valid.error();
  const int ways =
      int{!input.uris.empty()} + int{input.copy_of.has_value()} + int{!input.merge_of.empty()};
  if (ways > 1) {
    return make_error(ErrorCode::InvalidInput,
                      "a new playlist takes its tracks from one of uris, copy_of or merge_of");
  }
  using Action = PlaylistCreation::Action;
  PreparedCreation prepared;
  PlaylistCreation& creation = prepared.creation;
  creation.description = input.details.description;
  creation.is_public = input.details.is_public;
  creation.collaborative = input.details.collaborative;
  PlaylistCreation::Part part{input.details.name, {}};
  if (input.copy_of || !input.merge_of.empty()) {
    creation.action = input.copy_of ? Action::Copy : Action::Merge;
    creation.sources = input.copy_of ? std::vector<std::string>{*input.copy_of} : input.merge_of;
    std::vector<std::vector<PlaylistItem>> sources;
    for (const auto& id : creation.sources) {
      auto items = items_of(id);
      if (!items) return items.error();
      sources.push_back(std::move(*items));
    }
    CollectedItems collected = collect_items(sources, input.dedupe);
    part.uris = collected.uris();
    prepared.duplicates_dropped = collected.duplicates_dropped;
    prepared.skipped = collected.skipped;
  } else {
    creation.action = Action::Create;
    std::set<std::string> seen;
    for (const auto& uri : input.uris) {
      if (input.dedupe && !seen.insert(uri).second) {
        ++prepared.duplicates_dropped;
      } else {
        part.uris.push_back(uri);
      }
    }
    for (const auto& uri : part.uris) {
      if (auto valid = check_item_uris({uri}, "added"); !valid) return valid.error();
    }
  }
  if (part.uris.size() > kMaxPlaylistItems) {
    return make_error(ErrorCode::InvalidInput,
                      "a playlist holds at most " + std::to_string(kMaxPlaylistItems) +
                          " tracks; this one would hold " + std::to_string(part.uris.size()));
  }
  creation.parts.push_back(std::move(part));
  return prepared;
}

PlaylistCreation creation_of_split(const std::string& playlist_id, const SplitResult& split) {
  PlaylistCreation creation;
  creation.action = PlaylistCreation::Action::Split;
  creation.sources = {playlist_id};
  for (const auto& part : split.parts) {
    PlaylistCreation::Part made{part.name, {}};
    for (const auto& item : part.items) made.uris.push_back(item.uri);
    creation.parts.push_back(std::move(made));
  }
  return creation;
}

std::string_view to_string(SplitRule rule) {
  switch (rule) {
    case SplitRule::Size:
      return "size";
    case SplitRule::AddedYear:
      return "added_year";
    case SplitRule::ReleaseYear:
      return "release_year";
    case SplitRule::FirstArtist:
      return "artist";
  }
  return "size";
}

std::optional<SplitRule> split_rule_from_string(std::string_view text) {
  for (const SplitRule rule :
       {SplitRule::Size, SplitRule::AddedYear, SplitRule::ReleaseYear, SplitRule::FirstArtist}) {
    if (to_string(rule) == text) return rule;
  }
  return std::nullopt;
}

std::string render_part_name(std::string_view name_template, std::string_view playlist_name,
                             std::string_view part_label) {
  std::string name;
  for (std::size_t at = 0; at < name_template.size();) {
    if (name_template.substr(at).starts_with("{name}")) {
      name += playlist_name;
      at += 6;
    } else if (name_template.substr(at).starts_with("{part}")) {
      name += part_label;
      at += 6;
    } else {
      name += name_template[at++];
    }
  }
  return name;
}

Result<SplitResult> split_items(const std::string& playlist_name,
                                const std::vector<PlaylistItem>& items, const SplitSpec& spec) {
  if (spec.rule == SplitRule::Size &&
      (spec.size < 1 || spec.size > static_cast<std::int64_t>(kMaxPlaylistItems))) {
    return make_error(ErrorCode::InvalidInput, "a split by size needs a size of 1 to " +
                                                   std::to_string(kMaxPlaylistItems) + ", not " +
                                                   std::to_string(spec.size));
  }
  SplitResult result;
  std::vector<const PlaylistItem*> kept;
  for (const auto& item : items) {
    if (can_be_added(item)) {
      kept.push_back(&item);
    } else {
      ++result.skipped;
    }
  }
  if (kept.empty()) {
    return make_error(ErrorCode::InvalidInput,
                      "\u201c" + playlist_name + "\u201d has no track that can be split off");
  }

  switch (spec.rule) {
    case SplitRule::Size: {
      const auto size = static_cast<std::size_t>(spec.size);
      for (std::size_t first = 0; first < kept.size(); first += size) {
        SplitPart part{std::to_string(first / size + 1), "", {}};
        for (std::size_t i = first; i < std::min(kept.size(), first + size); ++i)
          part.items.push_back(*kept[i]);
        result.parts.push_back(std::move(part));
        if (result.parts.size() > kMaxSplitParts) break;
      }
      break;
    }
    case SplitRule::AddedYear:
      result.parts = parts_by_year(kept, &added_year);
      break;
    case SplitRule::ReleaseYear:
      result.parts = parts_by_year(kept, &release_year);
      break;
    case SplitRule::FirstArtist: {
      std::map<std::string, std::size_t> index_of;
      for (const PlaylistItem* item : kept) {
        const bool has_artist =
            item->track && !item->track->artists.empty() && !item->track->artists.front().empty();
        const std::string label =
            has_artist ? item->track->artists.front() : std::string("unknown artist");
        const auto [found, inserted] = index_of.try_emplace(label, result.parts.size());
        if (inserted) result.parts.push_back(SplitPart{label, "", {}});
        result.parts[found->second].items.push_back(*item);
      }
      break;
    }
  }
  if (result.parts.size() > kMaxSplitParts) {
    return make_error(ErrorCode::InvalidInput,
                      "this rule would make more than " + std::to_string(kMaxSplitParts) +
                          " playlists; choose a larger size or another rule");
  }

  std::set<std::string> names;
  for (auto& part : result.parts) {
    part.name = render_part_name(spec.name_template, playlist_name, part.label);
    if (auto valid = check_new_playlist(NewPlaylist{.name = part.name}); !valid) {
      return make_error(ErrorCode::InvalidInput,
                        "the name template gives part " + part.label +
                            " a name Spotify refuses: " + valid.error().message);
    }
    if (!names.insert(part.name).second) {
      return make_error(ErrorCode::InvalidInput,
                        "the name template gives two parts the name \u201c" + part.name +
                            "\u201d: it needs {part}");
    }
  }
  return result;
}

}  // namespace plm::core
