#include "web/batch_json.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <utility>

#include "core/journal/playlist_version.hpp"
#include "web/edit_json.hpp"
#include "web/json_read.hpp"

namespace plm::web {

namespace {

using Operation = core::BatchOperation;

struct KindName {
  std::string_view name;
  Operation::Kind kind;
};
constexpr std::array<KindName, 8> kKinds{{
    {"add", Operation::Kind::Add},
    {"remove", Operation::Kind::Remove},
    {"replace", Operation::Kind::Replace},
    {"dedupe", Operation::Kind::Dedupe},
    {"sort", Operation::Kind::Sort},
    {"shuffle", Operation::Kind::Shuffle},
    {"rename", Operation::Kind::Rename},
    {"visibility", Operation::Kind::Visibility},
}};

constexpr std::size_t kMaxTemplateLength = 1000;
constexpr std::size_t kMaxIdLength = 200;

std::string at(const std::string& path, std::string_view field) {
  return path.empty() ? std::string(field) : path + "." + std::string(field);
}

/// What each kind cannot do without (`path`: the operation's).
core::Status check_required(const Json& body, std::string_view kind, const std::string& path) {
  const auto needs = [&](std::string_view field) -> core::Status {
    if (!body.contains(field)) {
      return invalid("'" + at(path, field) + "' is required when kind is '" + std::string(kind) +
                     "'");
    }
    return core::ok();
  };
  if (kind == "add" && !body.contains("uris") && !body.contains("from_playlist_id")) {
    return invalid("'" + at(path, "uris") + "' or '" + at(path, "from_playlist_id") +
                   "' is required when kind is 'add'");
  }
  if (kind == "remove") return needs("uris");
  if (kind == "replace") {
    if (auto old_uri = needs("old_uri"); !old_uri) return old_uri;
    return needs("new_uri");
  }
  if (kind == "sort") return needs("sort_by");
  if (kind == "visibility") return needs("public");
  if (kind == "rename" && !body.contains("name_template") &&
      !body.contains("description_template")) {
    return invalid("'" + at(path, "name_template") + "' or '" + at(path, "description_template") +
                   "' is required when kind is 'rename'");
  }
  return core::ok();
}

/// Where added items go: `at`, with `position` when it is "position" (`position` alone means it).
core::Status read_placement(const Json& body, const std::string& path, Operation& operation) {
  if (body.contains("at")) {
    static constexpr std::array<std::string_view, 3> kAt{"top", "bottom", "position"};
    auto where = read_choice(body["at"], at(path, "at"), kAt);
    if (!where) return where.error();
    operation.at = *where == "top"      ? Operation::At::Top
                   : *where == "bottom" ? Operation::At::Bottom
                                        : Operation::At::Position;
  }
  if (body.contains("position")) {
    if (body.contains("at") && operation.at != Operation::At::Position) {
      return invalid("'" + at(path, "position") + "' is only read when " + at(path, "at") +
                     " is 'position'");
    }
    auto position = read_integer(body["position"], at(path, "position"), 0);
    if (!position) return position.error();
    operation.at = Operation::At::Position;
    operation.position = *position;
  } else if (operation.at == Operation::At::Position) {
    return invalid("'" + at(path, "position") + "' is required when " + at(path, "at") +
                   " is 'position'");
  }
  return core::ok();
}

/// A boolean field into `target`, when present.
core::Status read_flag(const Json& body, std::string_view field, const std::string& path,
                       bool& target) {
  if (!body.contains(field)) return core::ok();
  auto flag = read_bool(body[field], at(path, field));
  if (!flag) return flag.error();
  target = *flag;
  return core::ok();
}

/// A string field of up to `max_length` characters into `target`, when present.
core::Status read_text(const Json& body, std::string_view field, const std::string& path,
                       std::size_t min_length, std::size_t max_length, std::string& target) {
  if (!body.contains(field)) return core::ok();
  auto text = read_string(body[field], at(path, field), min_length, max_length);
  if (!text) return text.error();
  target = std::move(*text);
  return core::ok();
}

/// The BatchOperation at `path` into `part` (its operation and add_from_playlist).
core::Status read_operation(const Json& body, const std::string& path, core::BatchPart& part,
                            bool& seed_missing) {
  if (!body.is_object()) return invalid(wrong_type(path, "a BatchOperation object", body));
  if (auto known =
          only_known(body, path,
                     {"kind", "uris", "tracks", "from_playlist_id", "at", "position",
                      "add_existing", "old_uri", "new_uri", "keep", "sort_by", "descending", "seed",
                      "name_template", "description_template", "public", "allow_replace"});
      !known)
    return known;
  if (!body.contains("kind")) return invalid("'" + at(path, "kind") + "' is required");
  std::array<std::string_view, kKinds.size()> names{};
  std::transform(kKinds.begin(), kKinds.end(), names.begin(),
                 [](const KindName& kind) { return kind.name; });
  auto kind = read_choice(body["kind"], at(path, "kind"), names);
  if (!kind) return kind.error();
  Operation& operation = part.operation;
  operation.kind = std::find_if(kKinds.begin(), kKinds.end(), [&](const KindName& each) {
                     return each.name == *kind;
                   })->kind;
  if (body.contains("uris")) {
    auto uris = read_uris(body["uris"], at(path, "uris"), kMaxBatchUris);
    if (!uris) return uris.error();
    operation.uris = std::move(*uris);
  }
  if (body.contains("tracks")) {
    const Json& tracks = body["tracks"];
    if (auto list = check_list(tracks, at(path, "tracks"), kMaxBatchUris); !list) return list;
    for (std::size_t i = 0; i < tracks.size(); ++i) {
      auto track = read_track(tracks[i], at(path, "tracks") + "[" + std::to_string(i) + "]");
      if (!track) return track.error();
      operation.tracks.push_back(std::move(*track));
    }
  }
  if (body.contains("from_playlist_id")) {
    auto source =
        read_string(body["from_playlist_id"], at(path, "from_playlist_id"), 1, kMaxIdLength);
    if (!source) return source.error();
    part.add_from_playlist = std::move(*source);
  }
  if (auto placement = read_placement(body, path, operation); !placement) return placement;
  if (body.contains("keep")) {
    static constexpr std::array<std::string_view, 2> kKeep{"first", "last"};
    auto keep = read_choice(body["keep"], at(path, "keep"), kKeep);
    if (!keep) return keep.error();
    operation.keep = *core::dedupe_keep_from_string(*keep);
  }
  if (body.contains("sort_by")) {
    static constexpr std::array<std::string_view, 6> kKeys{"title",   "artist",   "album",
                                                           "release", "duration", "added"};
    auto key = read_choice(body["sort_by"], at(path, "sort_by"), kKeys);
    if (!key) return key.error();
    operation.sort_by = *core::sort_key_from_string(*key);
  }
  seed_missing = operation.kind == Operation::Kind::Shuffle && !body.contains("seed");
  if (body.contains("seed")) {
    auto seed = read_integer(body["seed"], at(path, "seed"), 0);
    if (!seed) return seed.error();
    operation.shuffle_seed = static_cast<std::uint64_t>(*seed);
  }
  for (const auto& [field, target] :
       {std::pair<std::string_view, std::string*>{"old_uri", &operation.old_uri},
        {"new_uri", &operation.new_uri}}) {
    if (auto text = read_text(body, field, path, 0, 1000, *target); !text) return text;
  }
  for (const auto& [field, target] : {std::pair<std::string_view, std::optional<std::string>*>{
                                          "name_template", &operation.name_template},
                                      {"description_template", &operation.description_template}}) {
    if (!body.contains(field)) continue;
    std::string text;
    if (auto read = read_text(body, field, path, 0, kMaxTemplateLength, text); !read) return read;
    *target = std::move(text);
  }
  for (const auto& [field, target] :
       {std::pair<std::string_view, bool*>{"add_existing", &operation.add_existing},
        {"descending", &operation.descending},
        {"public", &operation.make_public},
        {"allow_replace", &operation.allow_replace}}) {
    if (auto flag = read_flag(body, field, path, *target); !flag) return flag;
  }
  return check_required(body, *kind, path);
}

/// `playlist_ids` or `selector` of `body` (exactly one), at `path`.
core::Result<core::BatchSelection> read_selection(const Json& body, const std::string& path) {
  const bool has_ids = body.contains("playlist_ids");
  const bool has_selector = body.contains("selector");
  if (has_ids == has_selector) {
    return invalid("exactly one of '" + at(path, "playlist_ids") + "' and '" +
                   at(path, "selector") + "' is required, got " + (has_ids ? "both" : "neither"));
  }
  core::BatchSelection selection;
  if (has_ids) {
    auto ids = read_uris(body["playlist_ids"], at(path, "playlist_ids"), kMaxBatchIds);
    if (!ids) return ids.error();
    selection.playlist_ids = std::move(*ids);
  } else {
    auto selector = read_string(body["selector"], at(path, "selector"), 1, kMaxSelectorLength);
    if (!selector) return selector.error();
    selection.selector = std::move(*selector);
  }
  return selection;
}

/// One part (the body itself or an element of `more`): its selection and its operation.
core::Status read_part(const Json& body, const std::string& path, BatchBody& batch) {
  core::BatchPart part;
  auto selection = read_selection(body, path);
  if (!selection) return selection.error();
  part.selection = std::move(*selection);
  const std::string operation_path = at(path, "operation");
  if (!body.contains("operation")) return invalid("'" + operation_path + "' is required");
  bool seed_missing = false;
  if (auto operation = read_operation(body["operation"], operation_path, part, seed_missing);
      !operation)
    return operation;
  batch.request.parts.push_back(std::move(part));
  batch.seed_missing.push_back(seed_missing);
  return core::ok();
}

std::string_view status_name(core::BatchEntryPlan::Status status) {
  switch (status) {
    case core::BatchEntryPlan::Status::Change:
      return "change";
    case core::BatchEntryPlan::Status::Unchanged:
      return "unchanged";
    case core::BatchEntryPlan::Status::Refused:
      return "refused";
  }
  return "refused";
}

/// The first kMaxPreviewListItems of `items`, each made by `value`.
template <typename Item, typename Value>
Json first_items(const std::vector<Item>& items, Value value) {
  Json list = Json::array();
  for (std::size_t i = 0; i < items.size() && i < kMaxPreviewListItems; ++i)
    list.push_back(value(items[i]));
  return list;
}

Json positioned(const core::PlacedItem& item) {
  return {{"uri", item.uri}, {"position", item.position}};
}

Json optional_time(const std::optional<core::TimePoint>& time) {
  return time ? Json(core::format_utc(*time)) : Json(nullptr);
}

Json track_or_null(const TrackLookup& track_of, const std::string& uri) {
  const auto track = track_of(uri);
  return track ? track_value(*track) : Json(nullptr);
}

}  // namespace

Json batch_entry_value(const core::BatchEntryPlan& entry, const core::StoredPlaylist* playlist) {
  const bool changes = entry.status == core::BatchEntryPlan::Status::Change;
  const core::EditPreview empty;
  const core::EditPreview& preview = changes ? entry.proposal.plan.preview : empty;
  Json details = Json::array();
  if (changes && playlist != nullptr) {
    for (const auto& change :
         detail_field_changes(entry.request.details, core::details_of(playlist->summary))) {
      details.push_back(
          {{"field", change.field}, {"before", change.before}, {"after", change.after}});
    }
  }
  std::int64_t item_count = 0;
  if (playlist != nullptr) {
    item_count = playlist->items_snapshot_id.empty() ? playlist->summary.item_count
                                                     : playlist->stored_item_count;
  }
  return Json{
      {"playlist_id", entry.playlist_id},
      {"name", entry.name},
      {"status", status_name(entry.status)},
      {"reason", entry.reason},
      {"item_count", item_count},
      {"added_count", preview.added.size()},
      {"removed_count", preview.removed.size()},
      {"moved_count", preview.moved.size()},
      {"added", first_items(preview.added, positioned)},
      {"removed", first_items(preview.removed, positioned)},
      {"moved", first_items(preview.moved,
                            [](const core::MovedItem& item) {
                              return Json{{"uri", item.uri}, {"from", item.from}, {"to", item.to}};
                            })},
      {"details", std::move(details)},
      {"calls", changes ? entry.calls : 0},
      {"added_at_lost", preview.added_at_lost}};
}

core::Result<BatchBody> parse_batch_body(const Json& body) {
  if (!body.is_object()) return invalid(wrong_type("body", "a BatchRequest object", body));
  if (auto known = only_known(body, "", {"playlist_ids", "selector", "operation", "more", "why"});
      !known)
    return known.error();
  BatchBody batch;
  if (auto main = read_part(body, "", batch); !main) return main.error();
  if (body.contains("more")) {
    const Json& more = body["more"];
    if (auto list = check_list(more, "more", kMaxBatchParts - 1); !list) return list.error();
    for (std::size_t i = 0; i < more.size(); ++i) {
      const std::string path = "more[" + std::to_string(i) + "]";
      if (!more[i].is_object()) return invalid(wrong_type(path, "an object", more[i]));
      if (auto known = only_known(more[i], path, {"playlist_ids", "selector", "operation"}); !known)
        return known.error();
      if (auto part = read_part(more[i], path, batch); !part) return part.error();
    }
  }
  if (auto why = read_text(body, "why", "", 0, kMaxWhyLength, batch.request.cause.why); !why)
    return why.error();
  return batch;
}

core::Result<BatchUndoBody> parse_batch_undo_body(const Json& body) {
  if (!body.is_object()) return invalid(wrong_type("body", "a BatchUndoRequest object", body));
  if (auto known = only_known(body, "", {"playlist_ids", "dry_run", "why"}); !known)
    return known.error();
  BatchUndoBody undo;
  if (body.contains("playlist_ids")) {
    auto ids = read_uris(body["playlist_ids"], "playlist_ids", kMaxBatchIds);
    if (!ids) return ids.error();
    undo.playlist_ids = std::move(*ids);
  }
  if (auto dry_run = read_flag(body, "dry_run", "", undo.dry_run); !dry_run) return dry_run.error();
  if (auto why = read_text(body, "why", "", 0, kMaxWhyLength, undo.why); !why) return why.error();
  return undo;
}

core::Result<core::BatchSelection> parse_playlist_selection(const Json& body) {
  if (!body.is_object()) return invalid(wrong_type("body", "a PlaylistSelection object", body));
  if (auto known = only_known(body, "", {"playlist_ids", "selector"}); !known) return known.error();
  return read_selection(body, "");
}

core::Result<SelectionInput> parse_selection_input(const Json& body) {
  if (!body.is_object()) return invalid(wrong_type("body", "a SavedSelectionInput object", body));
  if (auto known = only_known(body, "", {"account_id", "selector"}); !known) return known.error();
  SelectionInput input;
  if (!body.contains("selector")) return invalid("'selector' is required");
  auto selector = read_string(body["selector"], "selector", 1, core::kMaxSelectorBytes);
  if (!selector) return selector.error();
  input.selector = std::move(*selector);
  if (body.contains("account_id") && !body["account_id"].is_null()) {
    auto account = read_integer(body["account_id"], "account_id", 1);
    if (!account) return account.error();
    input.account_id = *account;
  }
  return input;
}

std::string batch_preview_json(const core::BatchProposal& proposal,
                               const std::vector<core::StoredPlaylist>& playlists,
                               std::int64_t rate_budget, std::optional<std::uint64_t> seed) {
  std::map<std::string_view, const core::StoredPlaylist*> by_id;
  for (const auto& playlist : playlists) by_id.emplace(playlist.summary.id, &playlist);
  const core::BatchPlan& plan = proposal.plan;
  Json entries = Json::array();
  for (const auto& entry : plan.entries) {
    const auto found = by_id.find(entry.playlist_id);
    entries.push_back(batch_entry_value(entry, found == by_id.end() ? nullptr : found->second));
  }
  const Json preview{
      {"summary", proposal.summary},
      {"entries", std::move(entries)},
      {"changed", plan.changed},
      {"unchanged", plan.unchanged},
      {"refused", plan.refused},
      {"write_calls", plan.write_calls},
      {"check_reads", plan.check_reads},
      {"calls", plan.calls},
      {"expected_seconds", static_cast<double>(plan.expected_duration.count()) / 1000.0},
      {"rate_budget", rate_budget},
      {"seed", seed ? Json(*seed) : Json(nullptr)}};
  return preview.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string track_where_json(const core::TrackWhere& where,
                             const ReadOnlyReason& read_only_reason) {
  Json rows = Json::array();
  for (const auto& row : where.playlists) {
    const auto reason = read_only_reason(row);
    rows.push_back({{"account_id", row.account_id},
                    {"playlist_id", row.playlist_id},
                    {"name", row.name},
                    {"positions", row.positions},
                    {"added_at", optional_time(row.added_at)},
                    {"in_history_since", optional_time(row.in_history_since)},
                    {"read_only_reason", reason ? Json(*reason) : Json(nullptr)}});
  }
  const Json value{{"uri", where.uri},
                   {"track", where.track ? track_value(*where.track) : Json(nullptr)},
                   {"playlists", std::move(rows)}};
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string duplicate_report_json(const core::DuplicateReport& report,
                                  const TrackLookup& track_of) {
  Json across = Json::array();
  for (const auto& duplicate : report.across) {
    Json in = Json::array();
    for (const auto& playlist : duplicate.playlists)
      in.push_back({{"playlist_id", playlist.playlist_id}, {"copies", playlist.copies}});
    across.push_back({{"uri", duplicate.uri},
                      {"track", track_or_null(track_of, duplicate.uri)},
                      {"playlists", std::move(in)}});
  }
  Json within = Json::array();
  for (const auto& duplicate : report.within) {
    within.push_back({{"playlist_id", duplicate.playlist_id},
                      {"uri", duplicate.uri},
                      {"track", track_or_null(track_of, duplicate.uri)},
                      {"positions", duplicate.positions}});
  }
  const Json value{{"across", std::move(across)}, {"within", std::move(within)}};
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json saved_selection_value(const core::SavedSelection& selection) {
  return Json{{"name", selection.name},
              {"account_id", selection.account_id ? Json(*selection.account_id) : Json(nullptr)},
              {"selector", selection.selector},
              {"saved_at", core::format_utc(selection.saved_at)}};
}

std::string saved_selections_json(const std::vector<core::SavedSelection>& selections) {
  Json list = Json::array();
  for (const auto& selection : selections) list.push_back(saved_selection_value(selection));
  return Json{{"selections", std::move(list)}}.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace plm::web
