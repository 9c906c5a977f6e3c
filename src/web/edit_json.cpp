#include "web/edit_json.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <set>
#include <string_view>
#include <utility>

#include "web/json_read.hpp"

namespace plm::web {

namespace {

using core::ErrorCode;

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
    auto uris = read_uris(body["uris"], "uris", kMaxEditListSize);
    if (!uris) return uris.error();
    request.uris = std::move(*uris);
  }
  if (body.contains("items")) {
    const Json& items = body["items"];
    if (auto list = check_list(items, "items", kMaxEditListSize); !list) return list;
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
    if (auto list = check_list(tracks, "tracks", kMaxEditListSize); !list) return list;
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
