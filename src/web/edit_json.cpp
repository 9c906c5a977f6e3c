#include "web/edit_json.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <set>
#include <string_view>
#include <utility>

namespace plm::web {

namespace {

using Json = nlohmann::json;
using core::ErrorCode;

core::Error invalid(const std::string& message) {
  return core::make_error(ErrorCode::InvalidInput, message);
}

/// Characters of UTF-8 text (bytes that do not continue a sequence).
std::size_t characters(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

/// Refuses properties of `object` (at `path`) that the schema does not declare.
core::Status only_known(const Json& object, const std::string& path,
                        std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return invalid("unknown property '" + (path.empty() ? "" : path + ".") + key.substr(0, 64) +
                     "'");
    }
  }
  return core::ok();
}

std::string wrong_type(const std::string& path, std::string_view wanted, const Json& value) {
  return "'" + path + "' must be " + std::string(wanted) + ", got " + value.type_name();
}

core::Result<std::string> read_string(const Json& value, const std::string& path,
                                      std::size_t min_length, std::size_t max_length) {
  if (!value.is_string()) return invalid(wrong_type(path, "a string", value));
  std::string text = value.get<std::string>();
  const std::size_t length = characters(text);
  if (length < min_length) return invalid("'" + path + "' must not be empty");
  if (length > max_length) {
    return invalid("'" + path + "' must have at most " + std::to_string(max_length) +
                   " characters, got " + std::to_string(length));
  }
  return text;
}

core::Result<bool> read_bool(const Json& value, const std::string& path) {
  if (!value.is_boolean()) return invalid(wrong_type(path, "true or false", value));
  return value.get<bool>();
}

/// A JSON integer from `min` (a float such as 1.5 or 1e3 is refused: positions are counts).
core::Result<std::int64_t> read_integer(const Json& value, const std::string& path,
                                        std::int64_t min) {
  const std::string wanted = "a whole number of at least " + std::to_string(min);
  if (value.is_number_unsigned()) {
    const auto number = value.get<std::uint64_t>();
    if (number > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return invalid("'" + path + "' is too large");
    if (static_cast<std::int64_t>(number) < min) return invalid("'" + path + "' must be " + wanted);
    return static_cast<std::int64_t>(number);
  }
  if (!value.is_number_integer()) return invalid(wrong_type(path, wanted, value));
  const auto number = value.get<std::int64_t>();
  if (number < min) {
    return invalid("'" + path + "' must be " + wanted + ", got " + std::to_string(number));
  }
  return number;
}

/// One of `choices` (as the schema's enum).
template <std::size_t N>
core::Result<std::string> read_choice(const Json& value, const std::string& path,
                                      const std::array<std::string_view, N>& choices) {
  std::string listed;
  for (std::size_t i = 0; i < N; ++i)
    listed += (i == 0 ? "" : i + 1 == N ? " or " : ", ") + std::string(choices[i]);
  if (!value.is_string()) return invalid(wrong_type(path, listed, value));
  const std::string text = value.get<std::string>();
  if (std::find(choices.begin(), choices.end(), text) == choices.end())
    return invalid("'" + path + "' must be " + listed + ", got '" + text.substr(0, 64) + "'");
  return text;
}

/// An array of at most kMaxEditListSize elements.
core::Status check_list(const Json& value, const std::string& path) {
  if (!value.is_array()) return invalid(wrong_type(path, "an array", value));
  if (value.size() > kMaxEditListSize) {
    return invalid("'" + path + "' may list at most " + std::to_string(kMaxEditListSize) +
                   " elements, got " + std::to_string(value.size()));
  }
  return core::ok();
}

core::Result<std::vector<std::string>> read_uris(const Json& value, const std::string& path) {
  if (auto list = check_list(value, path); !list) return list.error();
  std::vector<std::string> uris;
  uris.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    auto uri = read_string(value[i], path + "[" + std::to_string(i) + "]", 0, 1000);
    if (!uri) return uri.error();
    uris.push_back(std::move(*uri));
  }
  return uris;
}

core::Result<core::ItemRef> read_item_ref(const Json& value, const std::string& path) {
  if (!value.is_object()) return invalid(wrong_type(path, "an object {uri, position}", value));
  if (auto known = only_known(value, path, {"uri", "position"}); !known) return known.error();
  if (!value.contains("uri")) return invalid("'" + path + ".uri' is required");
  if (!value.contains("position")) return invalid("'" + path + ".position' is required");
  auto uri = read_string(value["uri"], path + ".uri", 0, 1000);
  if (!uri) return uri.error();
  auto position = read_integer(value["position"], path + ".position", 0);
  if (!position) return position.error();
  return core::ItemRef{std::move(*uri), *position};
}

core::Result<core::Placement> read_placement(const Json& value) {
  if (!value.is_object()) return invalid(wrong_type("placement", "an object", value));
  if (auto known = only_known(value, "placement", {"kind", "before"}); !known) return known.error();
  if (!value.contains("kind")) return invalid("'placement.kind' is required");
  static constexpr std::array<std::string_view, 3> kKinds{"top", "bottom", "before"};
  auto kind = read_choice(value["kind"], "placement.kind", kKinds);
  if (!kind) return kind.error();
  if (*kind == "top") return core::Placement::top();
  if (*kind == "bottom") return core::Placement::bottom();
  if (!value.contains("before"))
    return invalid("'placement.before' is required when placement.kind is 'before'");
  auto before = read_item_ref(value["before"], "placement.before");
  if (!before) return before.error();
  return core::Placement::before_item(std::move(*before));
}

core::Result<core::PlaylistDetailsChange> read_details(const Json& value) {
  if (!value.is_object()) return invalid(wrong_type("details", "an object", value));
  if (auto known = only_known(value, "details", {"name", "description", "public", "collaborative"});
      !known)
    return known.error();
  core::PlaylistDetailsChange change;
  if (value.contains("name")) {
    auto name = read_string(value["name"], "details.name", 1, 200);
    if (!name) return name.error();
    change.name = std::move(*name);
  }
  if (value.contains("description")) {
    auto description = read_string(value["description"], "details.description", 1, 300);
    if (!description) return description.error();
    change.description = std::move(*description);
  }
  if (value.contains("public")) {
    auto is_public = read_bool(value["public"], "details.public");
    if (!is_public) return is_public.error();
    change.is_public = *is_public;
  }
  if (value.contains("collaborative")) {
    auto collaborative = read_bool(value["collaborative"], "details.collaborative");
    if (!collaborative) return collaborative.error();
    change.collaborative = *collaborative;
  }
  return change;
}

core::Result<core::TrackInfo> read_track(const Json& value, const std::string& path) {
  if (!value.is_object()) return invalid(wrong_type(path, "a Track object", value));
  if (auto known = only_known(
          value, path,
          {"uri", "name", "artists", "album", "album_image_url", "duration_ms", "release_date"});
      !known)
    return known.error();
  for (const char* field :
       {"uri", "name", "artists", "album", "album_image_url", "duration_ms", "release_date"}) {
    if (!value.contains(field)) return invalid("'" + path + "." + field + "' is required");
  }
  core::TrackInfo track;
  auto uri = read_string(value["uri"], path + ".uri", 1, 1000);
  if (!uri) return uri.error();
  track.uri = std::move(*uri);
  auto name = read_string(value["name"], path + ".name", 0, 1000);
  if (!name) return name.error();
  track.name = std::move(*name);
  const Json& artists = value["artists"];
  if (!artists.is_array()) return invalid(wrong_type(path + ".artists", "an array", artists));
  for (std::size_t i = 0; i < artists.size() && i < 100; ++i) {
    auto artist = read_string(artists[i], path + ".artists[" + std::to_string(i) + "]", 0, 1000);
    if (!artist) return artist.error();
    track.artists.push_back(std::move(*artist));
  }
  auto album = read_string(value["album"], path + ".album", 0, 1000);
  if (!album) return album.error();
  track.album = std::move(*album);
  auto image = read_string(value["album_image_url"], path + ".album_image_url", 0, 2000);
  if (!image) return image.error();
  track.album_image_url = std::move(*image);
  auto duration = read_integer(value["duration_ms"], path + ".duration_ms", 0);
  if (!duration) return duration.error();
  track.duration_ms = *duration;
  auto release = read_string(value["release_date"], path + ".release_date", 0, 10);
  if (!release) return release.error();
  track.release_date = std::move(*release);
  return track;
}

struct KindName {
  std::string_view name;
  core::EditRequest::Kind kind;
};
constexpr std::array<KindName, 10> kKinds{{
    {"set_list", core::EditRequest::Kind::SetList},
    {"move", core::EditRequest::Kind::Move},
    {"add", core::EditRequest::Kind::Add},
    {"remove", core::EditRequest::Kind::Remove},
    {"dedupe", core::EditRequest::Kind::Dedupe},
    {"sort", core::EditRequest::Kind::Sort},
    {"shuffle", core::EditRequest::Kind::Shuffle},
    {"restore", core::EditRequest::Kind::Restore},
    {"undo", core::EditRequest::Kind::Restore},
    {"details", core::EditRequest::Kind::Details},
}};

/// The fields of `body` every kind reads, into `edit`.
core::Status read_fields(const Json& body, EditBody& edit) {
  core::EditRequest& request = edit.request;
  if (body.contains("uris")) {
    auto uris = read_uris(body["uris"], "uris");
    if (!uris) return uris.error();
    request.uris = std::move(*uris);
  }
  if (body.contains("items")) {
    const Json& items = body["items"];
    if (auto list = check_list(items, "items"); !list) return list;
    for (std::size_t i = 0; i < items.size(); ++i) {
      auto item = read_item_ref(items[i], "items[" + std::to_string(i) + "]");
      if (!item) return item.error();
      request.items.push_back(std::move(*item));
    }
  }
  if (body.contains("placement")) {
    auto placement = read_placement(body["placement"]);
    if (!placement) return placement.error();
    request.placement = std::move(*placement);
  }
  if (body.contains("keep")) {
    static constexpr std::array<std::string_view, 2> kKeep{"first", "last"};
    auto keep = read_choice(body["keep"], "keep", kKeep);
    if (!keep) return keep.error();
    request.keep = *core::dedupe_keep_from_string(*keep);
  }
  if (body.contains("sort_by")) {
    static constexpr std::array<std::string_view, 6> kKeys{"title",   "artist",   "album",
                                                           "release", "duration", "added"};
    auto key = read_choice(body["sort_by"], "sort_by", kKeys);
    if (!key) return key.error();
    request.sort_by = *core::sort_key_from_string(*key);
  }
  if (body.contains("descending")) {
    auto descending = read_bool(body["descending"], "descending");
    if (!descending) return descending.error();
    request.descending = *descending;
  }
  if (body.contains("seed")) {
    auto seed = read_integer(body["seed"], "seed", 0);
    if (!seed) return seed.error();
    request.shuffle_seed = static_cast<std::uint64_t>(*seed);
    edit.seed_given = true;
  }
  if (body.contains("version")) {
    auto version = read_integer(body["version"], "version", 1);
    if (!version) return version.error();
    edit.version = *version;
  }
  if (body.contains("details")) {
    auto details = read_details(body["details"]);
    if (!details) return details.error();
    request.details = std::move(*details);
  }
  if (body.contains("tracks")) {
    const Json& tracks = body["tracks"];
    if (auto list = check_list(tracks, "tracks"); !list) return list;
    for (std::size_t i = 0; i < tracks.size(); ++i) {
      auto track = read_track(tracks[i], "tracks[" + std::to_string(i) + "]");
      if (!track) return track.error();
      request.tracks.push_back(std::move(*track));
    }
  }
  if (body.contains("allow_replace")) {
    auto allow = read_bool(body["allow_replace"], "allow_replace");
    if (!allow) return allow.error();
    request.allow_replace = *allow;
  }
  if (body.contains("why")) {
    auto why = read_string(body["why"], "why", 0, kMaxWhyLength);
    if (!why) return why.error();
    edit.why = std::move(*why);
  }
  return core::ok();
}

/// What each kind cannot do without.
core::Status check_required(const Json& body, const EditBody& edit) {
  const std::string& kind = edit.kind;
  const auto needs = [&](const char* field) -> core::Status {
    if (!body.contains(field))
      return invalid("'" + std::string(field) + "' is required when kind is '" + kind + "'");
    return core::ok();
  };
  if (kind == "set_list") return needs("uris");
  if (kind == "move") {
    if (auto items = needs("items"); !items) return items;
    return needs("placement");
  }
  if (kind == "add") return needs("uris");
  if (kind == "remove" && !body.contains("items") && !body.contains("uris"))
    return invalid("'items' or 'uris' is required when kind is 'remove'");
  if (kind == "sort") return needs("sort_by");
  if (kind == "restore" || kind == "undo") return needs("version");
  if (kind == "details") return needs("details");
  return core::ok();
}

std::string text_of(bool value) { return value ? "true" : "false"; }

Json positioned(const std::vector<core::PlacedItem>& items) {
  Json list = Json::array();
  for (const auto& item : items) list.push_back({{"uri", item.uri}, {"position", item.position}});
  return list;
}

}  // namespace

core::Result<EditBody> parse_edit_body(const Json& body) {
  if (auto known = only_known(
          body, "",
          {"kind", "planned_snapshot", "uris", "items", "placement", "keep", "sort_by",
           "descending", "seed", "version", "details", "tracks", "allow_replace", "why"});
      !known)
    return known.error();
  EditBody edit;
  if (!body.contains("kind")) return invalid("'kind' is required");
  std::array<std::string_view, kKinds.size()> names{};
  std::transform(kKinds.begin(), kKinds.end(), names.begin(),
                 [](const KindName& kind) { return kind.name; });
  auto kind = read_choice(body["kind"], "kind", names);
  if (!kind) return kind.error();
  edit.kind = *kind;
  edit.request.kind = std::find_if(kKinds.begin(), kKinds.end(), [&](const KindName& each) {
                        return each.name == edit.kind;
                      })->kind;
  if (!body.contains("planned_snapshot")) return invalid("'planned_snapshot' is required");
  auto snapshot = read_string(body["planned_snapshot"], "planned_snapshot", 0, 200);
  if (!snapshot) return snapshot.error();
  edit.planned_snapshot = std::move(*snapshot);
  if (auto fields = read_fields(body, edit); !fields) return fields.error();
  if (auto required = check_required(body, edit); !required) return required.error();
  return edit;
}

Json track_value(const core::TrackInfo& track) {
  return Json{{"uri", track.uri},
              {"name", track.name},
              {"artists", track.artists},
              {"album", track.album},
              {"album_image_url", track.album_image_url},
              {"duration_ms", track.duration_ms},
              {"release_date", track.release_date}};
}

Json track_search_value(const core::Page<core::TrackInfo>& page) {
  Json tracks = Json::array();
  for (const auto& track : page.items) tracks.push_back(track_value(track));
  return Json{{"tracks", std::move(tracks)},
              {"offset", page.offset},
              {"total", page.total},
              {"has_more", page.has_next}};
}

std::vector<DetailFieldChange> detail_field_changes(const core::PlaylistDetailsChange& change,
                                                    const core::PlaylistDetails& before) {
  std::vector<DetailFieldChange> changes;
  if (change.name && *change.name != before.name)
    changes.push_back({"name", before.name, *change.name});
  if (change.description && *change.description != before.description)
    changes.push_back({"description", before.description, *change.description});
  if (change.is_public && *change.is_public != before.is_public)
    changes.push_back({"public", text_of(before.is_public), text_of(*change.is_public)});
  if (change.collaborative && *change.collaborative != before.collaborative) {
    changes.push_back(
        {"collaborative", text_of(before.collaborative), text_of(*change.collaborative)});
  }
  return changes;
}

Json edit_preview_value(const core::EditProposal& proposal,
                        const std::vector<core::PlaylistItem>& current,
                        const std::string& planned_snapshot,
                        const core::PlaylistDetailsChange& details,
                        const core::PlaylistDetails& details_before,
                        std::optional<std::uint64_t> seed) {
  const core::EditPlan& plan = proposal.plan;
  const core::EditPreview& preview = plan.preview;
  const auto detail_changes = detail_field_changes(details, details_before);
  const bool nothing_changes = detail_changes.empty() && proposal.desired == core::uris_of(current);
  Json moved = Json::array();
  for (const auto& item : preview.moved)
    moved.push_back({{"uri", item.uri}, {"from", item.from}, {"to", item.to}});
  Json detail_list = Json::array();
  for (const auto& change : detail_changes) {
    detail_list.push_back(
        {{"field", change.field}, {"before", change.before}, {"after", change.after}});
  }
  const core::ReplaceCost& replace = preview.replace_everything;
  return Json{{"strategy",
               nothing_changes ? std::string("none") : std::string(core::to_string(plan.strategy))},
              {"planned_snapshot", planned_snapshot},
              {"item_count", current.size()},
              {"desired", proposal.desired},
              {"added", positioned(preview.added)},
              {"removed", positioned(preview.removed)},
              {"moved", std::move(moved)},
              {"reinserted", positioned(preview.reinserted)},
              {"details", std::move(detail_list)},
              {"calls", preview.calls},
              {"added_at_lost", preview.added_at_lost},
              {"move_lower_bound", preview.move_lower_bound},
              {"replace_everything",
               {{"possible", replace.possible()},
                {"impossible_because", replace.impossible_because},
                {"calls", replace.calls},
                {"added_at_lost", replace.added_at_lost}}},
              {"seed", seed ? Json(*seed) : Json(nullptr)}};
}

}  // namespace plm::web
