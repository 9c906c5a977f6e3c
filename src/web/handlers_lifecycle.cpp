// Creating (empty, from URIs, copy, merge), splitting and unfollowing playlists: previews with
// `dry_run` (core/edit/playlist_lifecycle.hpp decides, from stored items), otherwise the jobs that
// do it (app/lifecycle_jobs.hpp) through JobControl. Source playlists must be stored playlists of
// the same account: another user's ids answer 404 like missing ones.

#include <set>

#include "core/edit/playlist_lifecycle.hpp"
#include "core/journal/playlist_version.hpp"
#include "web/handlers.hpp"

namespace plm::web {

namespace {

constexpr std::size_t kMaxWhyChars = 500;
constexpr std::size_t kMaxCreateUris = 10'000;
constexpr std::size_t kMaxMergeSources = 100;

core::Error invalid(std::string message) {
  return core::make_error(core::ErrorCode::InvalidInput, std::move(message));
}

/// InvalidInput naming the first property of `body` that is not one of `allowed`.
core::Status only_known_fields(const Json& body, const std::set<std::string>& allowed) {
  for (const auto& [key, value] : body.items()) {
    if (!allowed.contains(key)) return invalid("unknown property '" + key.substr(0, 64) + "'");
  }
  return core::ok();
}

/// An optional string property of at most `max_chars` characters; "" when absent.
core::Result<std::string> optional_string(const Json& body, const std::string& name,
                                          std::size_t max_chars) {
  if (!body.contains(name) || body[name].is_null()) return std::string();
  return string_field(body, name, 0, max_chars);
}

/// An optional boolean property; `fallback` when absent.
core::Result<bool> optional_bool(const Json& body, const std::string& name, bool fallback) {
  const auto found = body.find(name);
  if (found == body.end() || found->is_null()) return fallback;
  if (!found->is_boolean()) return invalid("'" + name + "' must be true or false");
  return found->get<bool>();
}

/// An optional array of strings of at most `max_items`; empty when absent.
core::Result<std::vector<std::string>> optional_strings(const Json& body, const std::string& name,
                                                        std::size_t max_items) {
  const auto found = body.find(name);
  if (found == body.end() || found->is_null()) return std::vector<std::string>{};
  if (!found->is_array()) return invalid("'" + name + "' must be an array of strings");
  if (found->size() > max_items) {
    return invalid("'" + name + "' takes at most " + std::to_string(max_items) + " entries, got " +
                   std::to_string(found->size()));
  }
  std::vector<std::string> values;
  values.reserve(found->size());
  for (std::size_t i = 0; i < found->size(); ++i) {
    if (!(*found)[i].is_string())
      return invalid("'" + name + "[" + std::to_string(i) + "]' must be a string");
    values.push_back((*found)[i].get<std::string>());
  }
  return values;
}

/// What every request here may add: a preview instead of the job, the user's reason.
struct RunOptions {
  bool dry_run = false;
  std::string why;
};

core::Result<RunOptions> run_options(const Json& body) {
  RunOptions options;
  auto dry_run = optional_bool(body, "dry_run", false);
  if (!dry_run) return dry_run.error();
  options.dry_run = *dry_run;
  auto why = optional_string(body, "why", kMaxWhyChars);
  if (!why) return why.error();
  options.why = std::move(*why);
  return options;
}

/// The CreatePlaylistRequest's fields as core::CreateInput, with the run options.
struct CreateBody {
  core::CreateInput input;
  RunOptions options;
};

core::Result<CreateBody> create_body(const Json& body) {
  if (auto known =
          only_known_fields(body, {"name", "description", "public", "collaborative", "uris",
                                   "copy_of", "merge_of", "dedupe", "dry_run", "why"});
      !known) {
    return known.error();
  }
  CreateBody parsed;
  core::CreateInput& input = parsed.input;
  auto name = string_field(body, "name", 1, core::kMaxNameCharacters);
  if (!name) return name.error();
  input.details.name = std::move(*name);
  auto description = optional_string(body, "description", core::kMaxDescriptionCharacters);
  if (!description) return description.error();
  input.details.description = std::move(*description);
  auto is_public = optional_bool(body, "public", false);
  if (!is_public) return is_public.error();
  input.details.is_public = *is_public;
  auto collaborative = optional_bool(body, "collaborative", false);
  if (!collaborative) return collaborative.error();
  input.details.collaborative = *collaborative;
  auto uris = optional_strings(body, "uris", kMaxCreateUris);
  if (!uris) return uris.error();
  input.uris = std::move(*uris);
  if (body.contains("copy_of") && !body["copy_of"].is_null()) {
    auto copy_of = string_field(body, "copy_of", 1, 64);
    if (!copy_of) return copy_of.error();
    input.copy_of = std::move(*copy_of);
  }
  auto merge_of = optional_strings(body, "merge_of", kMaxMergeSources);
  if (!merge_of) return merge_of.error();
  input.merge_of = std::move(*merge_of);
  auto dedupe = optional_bool(body, "dedupe", false);
  if (!dedupe) return dedupe.error();
  input.dedupe = *dedupe;
  auto options = run_options(body);
  if (!options) return options.error();
  parsed.options = std::move(*options);
  return parsed;
}

struct SplitBody {
  core::SplitSpec spec;
  RunOptions options;
};

core::Result<SplitBody> split_body(const Json& body) {
  if (auto known = only_known_fields(body, {"by", "size", "name_template", "dry_run", "why"});
      !known) {
    return known.error();
  }
  SplitBody parsed;
  auto by = string_field(body, "by", 1, 32);
  if (!by) return by.error();
  const auto rule = core::split_rule_from_string(*by);
  if (!rule) return invalid("'by' must be size, added_year, release_year or artist");
  parsed.spec.rule = *rule;
  if (const auto size = body.find("size"); size != body.end() && !size->is_null()) {
    if (!size->is_number_integer()) return invalid("'size' must be a whole number");
    parsed.spec.size = size->get<std::int64_t>();
  } else if (*rule == core::SplitRule::Size) {
    return invalid("a split by size needs 'size'");
  }
  auto name_template = optional_string(body, "name_template", core::kMaxNameCharacters);
  if (!name_template) return name_template.error();
  if (!name_template->empty()) parsed.spec.name_template = std::move(*name_template);
  auto options = run_options(body);
  if (!options) return options.error();
  parsed.options = std::move(*options);
  return parsed;
}

}  // namespace

http::Response create_playlist(App& app, Context& context) {
  auto account = app.owned_account(context, context.param("account_id"));
  if (!account) return app.fail(account.error());
  auto body = create_body(context.body);
  if (!body) return app.fail(body.error());
  auto prepared = core::prepare_creation(body->input, [&](const std::string& id) {
    return app.deps.playlists.playlist_items(account->id, id);
  });
  if (!prepared) return app.fail(prepared.error());
  if (body->options.dry_run) {
    const auto& part = prepared->creation.parts.front();
    return http::Response::json(200, dump(Json{{"name", part.name},
                                               {"item_count", part.uris.size()},
                                               {"duplicates_dropped", prepared->duplicates_dropped},
                                               {"local_files_skipped", prepared->skipped}}));
  }
  prepared->creation.origin = std::string(core::kOriginWeb);
  prepared->creation.why = body->options.why;
  return start_job(app, *account, "create playlists", [&] {
    return app.deps.job_control.create_playlists(context.user_id(), account->id,
                                                 prepared->creation);
  });
}

http::Response split_playlist(App& app, Context& context) {
  auto owned = app.owned_playlist(context);
  if (!owned) return app.fail(owned.error());
  auto body = split_body(context.body);
  if (!body) return app.fail(body.error());
  const core::StoredPlaylist& playlist = owned->playlist;
  auto items = app.deps.playlists.playlist_items(owned->account.id, playlist.summary.id);
  if (!items) return app.fail(items.error());
  auto split = core::split_items(playlist.summary.name, *items, body->spec);
  if (!split) return app.fail(split.error());
  if (body->options.dry_run) {
    Json parts = Json::array();
    for (const auto& part : split->parts)
      parts.push_back(Json{{"name", part.name}, {"item_count", part.items.size()}});
    return http::Response::json(
        200, dump(Json{{"parts", std::move(parts)}, {"local_files_skipped", split->skipped}}));
  }
  core::PlaylistCreation creation = core::creation_of_split(playlist.summary.id, *split);
  creation.origin = std::string(core::kOriginWeb);
  creation.why = body->options.why;
  return start_job(app, owned->account, "split playlists", [&] {
    return app.deps.job_control.create_playlists(context.user_id(), owned->account.id, creation);
  });
}

http::Response delete_playlist(App& app, Context& context) {
  auto owned = app.owned_playlist(context);
  if (!owned) return app.fail(owned.error());
  return start_job(app, owned->account, "unfollow playlists", [&] {
    return app.deps.job_control.delete_playlist(context.user_id(), owned->account.id,
                                                owned->playlist.summary.id);
  });
}

}  // namespace plm::web
