// plm playlist edit / move / add / remove / dedupe / sort / shuffle / restore: edits of one
// playlist from the command line (issue 9 §5; scripts rely on these exact forms). Each command
// turns its arguments into a core::EditRequest, plans it against the stored items exactly as the
// web app's preview does (core::propose_edit), prints what will change and what it costs, and then
// runs the edit_playlist job in this process (run_job_here) with the handler `plm serve` uses, so
// the edit is recorded in the journal like one made in the web app (origin "cli"). Positions are
// 1-based, as `plm playlist show` numbers the tracks. `plm playlist add --from-text FILE` first
// matches pasted lines to catalog tracks (app::match_lines, as `plm match` does) and adds the
// matched ones the same way, then lists the lines it did not add.

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "app/cli/commands.hpp"
#include "app/cli/context.hpp"
#include "app/cli/json_shapes.hpp"
#include "app/cli/match_output.hpp"
#include "app/cli/output.hpp"
#include "app/cli/run_job.hpp"
#include "app/edit_jobs.hpp"
#include "app/job_handlers.hpp"
#include "app/lifecycle_jobs.hpp"
#include "app/match_lines.hpp"
#include "core/batch/batch_plan.hpp"
#include "core/journal/restore_request.hpp"
#include "core/matching/matcher.hpp"
#include "core/matching/paste_parse.hpp"
#include "core/model/spotify_refs.hpp"
#include "core/write/playlist_edits.hpp"
#include "web/edit_json.hpp"

namespace plm::app::cli {

namespace {

using Json = nlohmann::json;
using core::ErrorCode;

/// Items the preview names one by one before it only counts the rest.
constexpr std::size_t kPreviewLines = 10;

core::Error usage(const std::string& message) {
  return core::make_error(ErrorCode::InvalidInput, message);
}

/// The playlist a command edits, its stored items and what it is planned against.
struct EditTarget {
  core::AppUser user;
  core::SpotifyAccount account;
  core::StoredPlaylist playlist;
  std::vector<core::PlaylistItem> items;
};

/// The stored playlist named by the command's ID, if the account may change it (its own or a
/// collaborative one) and its tracks are stored.
core::Result<EditTarget> edit_target(CommandContext& context) {
  auto user = context.acting_user();
  if (!user) return user.error();
  auto account = context.chosen_account(*user);
  if (!account) return account.error();
  auto argument = playlist_id_argument(context.invocation().arguments.front());
  if (!argument) return argument.error();
  const std::string& id = *argument;
  auto& playlists = context.services().playlists();
  auto found = playlists.find_playlist(account->id, id);
  if (!found) return found.error();
  if (!*found) return playlist_not_found(id, *account);
  const core::PlaylistSummary& summary = (*found)->summary;
  if (summary.owner_id != account->spotify_user_id && !summary.collaborative) {
    return core::make_error(ErrorCode::Forbidden,
                            "playlist " + id + " belongs to Spotify user " + summary.owner_id +
                                ": only its owner (or its collaborators) can change it");
  }
  if ((*found)->items_snapshot_id.empty()) {
    return core::make_error(ErrorCode::Conflict, "the tracks of playlist " + id +
                                                     " are not stored yet (run `plm sync`)");
  }
  auto items = playlists.playlist_items(account->id, id);
  if (!items) return items.error();
  return EditTarget{std::move(*user), std::move(*account), std::move(**found), std::move(*items)};
}

/// "Song — Artist" for a URI of the stored items, or the URI alone.
std::string label_of(const std::string& uri, const std::vector<core::PlaylistItem>& items,
                     const std::vector<core::TrackInfo>& tracks = {}) {
  const core::TrackInfo* track = nullptr;
  for (const auto& item : items) {
    if (item.uri == uri && item.track) {
      track = &*item.track;
      break;
    }
  }
  for (const auto& each : tracks) {
    if (!track && each.uri == uri) track = &each;
  }
  if (uri.empty()) return "(unavailable)";
  if (!track) return uri;
  std::string artists;
  for (const auto& artist : track->artists) artists += (artists.empty() ? "" : ", ") + artist;
  return track->name + (artists.empty() ? "" : " — " + artists);
}

void print_positioned(std::ostream& out, char sign, const std::vector<core::PlacedItem>& list,
                      const std::vector<core::PlaylistItem>& items,
                      const std::vector<core::TrackInfo>& tracks = {}) {
  for (std::size_t i = 0; i < list.size() && i < kPreviewLines; ++i) {
    out << "  " << sign << " " << list[i].position + 1 << "  "
        << label_of(list[i].uri, items, tracks) << "\n";
  }
  if (list.size() > kPreviewLines) out << "    … and " << list.size() - kPreviewLines << " more\n";
}

/// What will change and what it costs, for people.
void print_preview(std::ostream& out, const EditTarget& target, const core::EditRequest& request,
                   const core::EditProposal& proposal) {
  const core::EditPreview& preview = proposal.plan.preview;
  out << "\"" << target.playlist.summary.name << "\" (" << target.playlist.summary.id
      << "): " << target.items.size() << " tracks → " << proposal.desired.size() << "\n";
  print_positioned(out, '+', preview.added, target.items, request.tracks);
  print_positioned(out, '-', preview.removed, target.items);
  for (std::size_t i = 0; i < preview.moved.size() && i < kPreviewLines; ++i) {
    const auto& moved = preview.moved[i];
    out << "  ~ " << moved.from + 1 << " → " << moved.to + 1 << "  "
        << label_of(moved.uri, target.items) << "\n";
  }
  if (preview.moved.size() > kPreviewLines)
    out << "    … and " << preview.moved.size() - kPreviewLines << " more moved\n";
  const auto details =
      web::detail_field_changes(request.details, core::details_of(target.playlist.summary));
  for (const auto& change : details)
    out << "  " << change.field << ": \"" << change.before << "\" → \"" << change.after << "\"\n";
  if (proposal.plan.steps.empty()) return;  // nothing changes: run_edit says so
  out << preview.added.size() << " added, " << preview.removed.size() << " removed, "
      << preview.moved.size() << " moved";
  if (!preview.reinserted.empty()) {
    out << ", " << preview.reinserted.size()
        << " copies removed and put back (Spotify removes every copy; they get a new added_at)";
  }
  out << "; " << preview.calls << " Spotify call" << (preview.calls == 1 ? "" : "s");
  if (proposal.plan.strategy == core::EditPlan::Strategy::Replace) {
    out << " (a full rewrite: " << preview.added_at_lost << " tracks get a new added_at)";
  } else if (preview.replace_everything.possible() &&
             preview.replace_everything.added_at_lost > 0) {
    out << " (rewriting the whole playlist would take " << preview.replace_everything.calls
        << " and reset " << preview.replace_everything.added_at_lost << " added_at dates)";
  }
  out << "\n";
}

Json step_value(const core::WriteStep& step) {
  Json value{{"kind", core::to_string(step.kind)}};
  switch (step.kind) {
    case core::WriteStep::Kind::Add:
      value["uris"] = step.uris;
      value["position"] = step.position ? Json(*step.position) : Json(nullptr);
      break;
    case core::WriteStep::Kind::Remove:
    case core::WriteStep::Kind::Replace:
      value["uris"] = step.uris;
      break;
    case core::WriteStep::Kind::Reorder:
      value["range_start"] = step.range_start;
      value["insert_before"] = step.insert_before;
      value["range_length"] = step.range_length;
      break;
    case core::WriteStep::Kind::ChangeDetails: {
      Json details = Json::object();
      if (step.details.name) details["name"] = *step.details.name;
      if (step.details.description) details["description"] = *step.details.description;
      if (step.details.is_public) details["public"] = *step.details.is_public;
      if (step.details.collaborative) details["collaborative"] = *step.details.collaborative;
      value["details"] = std::move(details);
      break;
    }
    case core::WriteStep::Kind::UploadCover:
      value["bytes"] = step.jpeg.size();
      break;
  }
  return value;
}

/// The keys of an edit's --json: the plan (plan_value), what the run did (job_id, calls,
/// check_reads, snapshot_id, message; absent with --dry-run) and, for `add --from-text`, the
/// lines (matched_lines, not_added).
const std::vector<std::string_view> kEditJsonFields{
    "playlist_id", "preview",     "steps",   "job_id",        "calls",
    "check_reads", "snapshot_id", "message", "matched_lines", "not_added"};

/// The plan as --json prints it: the web API's EditPreview and the steps to send.
Json plan_value(const EditTarget& target, const core::EditRequest& request,
                const core::EditProposal& proposal) {
  Json steps = Json::array();
  for (const auto& step : proposal.plan.steps) steps.push_back(step_value(step));
  const std::optional<std::uint64_t> seed = request.kind == core::EditRequest::Kind::Shuffle
                                                ? std::optional(request.shuffle_seed)
                                                : std::nullopt;
  return Json{{"playlist_id", target.playlist.summary.id},
              {"preview", web::edit_preview_value(
                              proposal, target.items, target.playlist.items_snapshot_id,
                              request.details, core::details_of(target.playlist.summary), seed)},
              {"steps", std::move(steps)}};
}

/// Plans `request` on the target, prints the preview, and unless --dry-run runs the edit job here
/// and prints what it did; `cause` is recorded with the version the edit makes. With --json,
/// `extra`'s fields are printed with the plan.
ExitCode run_edit(CommandContext& context, EditTarget target, const core::EditRequest& request,
                  core::VersionCause cause, const Json& extra = Json::object()) {
  auto proposal = core::propose_edit(request, target.items);
  if (!proposal) return context.fail(proposal.error());
  Json plan = plan_value(target, request, *proposal);
  plan.update(extra);
  const bool nothing_to_do = plan["preview"]["strategy"] == "none";
  auto& output = context.output();
  if (!output.json()) {  // the preview, for a person, before the job runs
    std::ostringstream preview;
    print_preview(preview, target, request, *proposal);
    output.result(nullptr, preview.str());
  }
  const bool dry_run = context.invocation().has("--dry-run");
  if (dry_run || nothing_to_do) {
    return output.result(plan, nothing_to_do
                                   ? "nothing to change: the playlist already is what was asked"
                                   : "dry run: nothing sent to Spotify");
  }
  if (target.account.status == core::AccountStatus::NeedsReauth) {
    return context.fail(core::make_error(
        ErrorCode::NeedsReauth,
        "Spotify account " + target.account.spotify_user_id + " needs re-authorization"));
  }
  context.warn_if_authorization_ends_soon(target.account);
  cause.app_user_id = target.user.id;
  cause.origin = std::string(core::kOriginCli);
  const std::string& id = target.playlist.summary.id;
  EditJob edit{.request = request,
               .planned_snapshot = target.playlist.items_snapshot_id,
               .cause = std::move(cause)};
  auto& services = context.services();
  RunHereOptions options{.handlers = app::job_handlers(services)};
  auto details = enqueue_and_run_here(
      context, edit_playlist_job(target.user.id, target.account.id, id, edit), options);
  if (!details) return context.fail(details.error());
  if (const ExitCode code = job_exit(context, *details); code != ExitCode::Ok) return code;
  auto stored = services.playlists().find_playlist(target.account.id, id);
  if (!stored) return context.fail(stored.error());
  const std::string snapshot = *stored ? (*stored)->items_snapshot_id : std::string();
  const core::Job& job = details->job;
  plan["job_id"] = std::to_string(job.id);
  plan["calls"] = job.api.calls;
  plan["check_reads"] = job.api.check_reads;
  plan["snapshot_id"] = snapshot;
  plan["message"] = job.progress.message;
  return output.result(plan, "done: " + job.progress.message + " (job " + std::to_string(job.id) +
                                 ", snapshot " + snapshot + "; see plm playlist history " + id +
                                 ")");
}

/// The VERSION argument of `plm playlist restore`.
core::Result<std::int64_t> version_argument(CommandContext& context) {
  const std::string& text = context.invocation().arguments[1];
  std::int64_t version = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), version);
  if (error != std::errc{} || end != text.data() + text.size() || version < 1)
    return usage("VERSION must be a version number (see plm playlist history), got '" + text + "'");
  return version;
}

/// What the journal records for the command: an edit, or a restore of its VERSION; the action is
/// the command ("playlist move").
core::VersionCause cause_of(CommandContext& context, const core::EditRequest& request) {
  core::VersionCause cause;
  cause.kind = core::VersionCauseKind::Edit;
  cause.action = context.invocation().command_path().substr(4);  // without "plm "
  if (request.kind == core::EditRequest::Kind::Restore) {
    cause.kind = core::VersionCauseKind::Restore;
    if (auto version = version_argument(context)) cause.restored_version = *version;
  }
  return cause;
}

/// A 1-based position flag as a 0-based index in 0…`last` (inclusive), or a usage error naming
/// the flag and the range.
core::Result<std::int64_t> position_flag(CommandContext& context, std::string_view flag,
                                         std::int64_t last) {
  const auto number = context.invocation().number(flag);
  if (!number) return usage(std::string(flag) + " is required");
  if (*number < 1 || *number - 1 > last) {
    return usage(std::string(flag) + " must be a position from 1 to " + std::to_string(last + 1) +
                 ", got " + std::to_string(*number));
  }
  return static_cast<std::int64_t>(*number - 1);
}

/// Where items inserted so that the first lands at 0-based `index` of `others` (positions in the
/// planned list, in order) go.
core::Placement placement_at(const std::vector<core::PlaylistItem>& planned,
                             const std::vector<std::int64_t>& others, std::int64_t index) {
  if (index == 0) return core::Placement::top();
  if (index >= static_cast<std::int64_t>(others.size())) return core::Placement::bottom();
  const std::int64_t position = others[static_cast<std::size_t>(index)];
  return core::Placement::before_item({planned[static_cast<std::size_t>(position)].uri, position});
}

/// The URI arguments after the ID, checked as an add or a removal may carry them.
core::Result<std::vector<std::string>> uri_arguments(CommandContext& context) {
  const auto& arguments = context.invocation().arguments;
  std::vector<std::string> uris;
  for (auto argument = arguments.begin() + 1; argument != arguments.end(); ++argument) {
    auto uri = item_uri_argument(*argument);
    if (!uri) return uri.error();
    uris.push_back(std::move(*uri));
  }
  return uris;
}

// ---- Each command's request, from its arguments and the playlist it edits.

core::Result<core::EditRequest> set_list_request(CommandContext& context, const EditTarget&) {
  const auto to = context.invocation().value("--to");
  if (!to) return usage("--to FILE is required (the desired list; '-': standard input)");
  const std::string& file = *to;
  std::ifstream opened;
  if (file != "-") {
    opened.open(file);
    if (!opened) return usage("cannot read " + file);
  }
  std::istream& in = file == "-" ? std::cin : opened;
  auto request = core::EditRequest::set_list({});
  request.allow_replace = context.invocation().has("--allow-replace");
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const auto last = line.find_last_not_of(" \t\r");
    const std::string text = line.substr(first, last - first + 1);
    if (core::is_local_uri(text)) {
      request.uris.push_back(text);
    } else if (auto uri = core::item_uri_from(text)) {
      request.uris.push_back(std::move(*uri));
    } else {
      return usage(file + " line " + std::to_string(number) + ": '" + text.substr(0, 100) +
                   "' is not a Spotify track, episode or local file URI (or an open.spotify.com "
                   "track link)");
    }
  }
  return request;
}

core::Result<core::EditRequest> move_request(CommandContext& context, const EditTarget& target) {
  const auto size = static_cast<std::int64_t>(target.items.size());
  if (size == 0) return usage("the playlist has no tracks to move");
  auto from = position_flag(context, "--from", size - 1);
  if (!from) return from.error();
  const std::int64_t count = context.invocation().number("--count").value_or(1);
  if (*from + count > size) {
    return usage("--from " + std::to_string(*from + 1) + " --count " + std::to_string(count) +
                 " goes past the last track (" + std::to_string(size) + ")");
  }
  std::vector<core::ItemRef> moved;
  std::vector<std::int64_t> others;
  for (std::int64_t i = 0; i < size; ++i) {
    if (i >= *from && i < *from + count) {
      moved.push_back({target.items[static_cast<std::size_t>(i)].uri, i});
    } else {
      others.push_back(i);
    }
  }
  auto to = position_flag(context, "--to", static_cast<std::int64_t>(others.size()));
  if (!to) return to.error();
  return core::EditRequest::move(std::move(moved), placement_at(target.items, others, *to));
}

/// Where `plm playlist add` inserts: at --position (1-based), else at the bottom.
core::Result<core::Placement> add_placement(CommandContext& context, const EditTarget& target) {
  if (!context.invocation().value("--position")) return core::Placement::bottom();
  const auto size = static_cast<std::int64_t>(target.items.size());
  std::vector<std::int64_t> all(target.items.size());
  for (std::int64_t i = 0; i < size; ++i) all[static_cast<std::size_t>(i)] = i;
  auto position = position_flag(context, "--position", size);
  if (!position) return position.error();
  return placement_at(target.items, all, *position);
}

core::Result<core::EditRequest> add_request(CommandContext& context, const EditTarget& target) {
  if (context.invocation().arguments.size() < 2)
    return usage("give the URIs to add, or --from-text FILE (see plm playlist add --help)");
  auto uris = uri_arguments(context);
  if (!uris) return uris.error();
  auto placement = add_placement(context, target);
  if (!placement) return placement.error();
  return core::EditRequest::add(std::move(*uris), *placement);
}

core::Result<core::EditRequest> remove_request(CommandContext& context, const EditTarget&) {
  auto uris = uri_arguments(context);
  if (!uris) return uris.error();
  return core::EditRequest::remove({}, std::move(*uris));
}

core::Result<core::EditRequest> dedupe_request(CommandContext& context, const EditTarget&) {
  return core::EditRequest::dedupe(
      *core::dedupe_keep_from_string(context.invocation().value("--keep").value_or("first")));
}

core::Result<core::EditRequest> sort_request(CommandContext& context, const EditTarget&) {
  const auto key = context.invocation().value("--by");
  if (!key) return usage("--by is required: title, artist, album, release, duration or added");
  return core::EditRequest::sort(*core::sort_key_from_string(*key),
                                 context.invocation().has("--desc"));
}

core::Result<core::EditRequest> shuffle_request(CommandContext&, const EditTarget&) {
  std::random_device random;
  return core::EditRequest::shuffle((std::uint64_t{random()} << 32) | random());
}

core::Result<core::EditRequest> restore_request(CommandContext& context, const EditTarget& target) {
  auto version = version_argument(context);
  if (!version) return version.error();
  return core::restore_request(context.services().journal(), target.account.id,
                               target.playlist.summary.id, *version,
                               core::details_of(target.playlist.summary));
}

using RequestOf = core::Result<core::EditRequest> (*)(CommandContext&, const EditTarget&);

/// Every edit command: the playlist, the request its arguments make, then run_edit.
template <RequestOf request_for>
ExitCode edit_command(CommandContext& context) {
  auto target = edit_target(context);
  if (!target) return context.fail(target.error());
  auto request = request_for(context, *target);
  if (!request) return context.fail(request.error());
  core::VersionCause cause = cause_of(context, *request);
  return run_edit(context, std::move(*target), *request, std::move(cause));
}

const Flag kDryRunFlag{.name = "--dry-run",
                       .description = "print the plan and stop: nothing is sent to Spotify",
                       .short_name = 'n'};

constexpr std::string_view kPlaylistArgument =
    "the playlist: its Spotify id, a spotify:playlist: URI or an open.spotify.com link";

// ---- plm playlist add ID --from-text FILE (issue 11 §4) ---------------------------------------

/// The whole of FILE ('-': standard input).
core::Result<std::string> read_text(const std::string& file) {
  std::ifstream opened;
  if (file != "-") {
    opened.open(file, std::ios::binary);
    if (!opened) return usage("cannot read " + file);
  }
  std::istream& in = file == "-" ? std::cin : opened;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string artists_text(const core::TrackInfo& track) {
  std::string text;
  for (const auto& artist : track.artists) text += (text.empty() ? "" : ", ") + artist;
  return text;
}

/// A line that was not added, as --json prints it (the candidates as `plm match` prints them).
Json not_added_value(const core::LineMatch& line) {
  Json candidates = Json::array();
  for (const auto& candidate : line.candidates)
    candidates.push_back(candidate_json(candidate.track, candidate.score));
  return Json{{"number", line.number},
              {"input", line.input},
              {"status", std::string(core::to_string(line.status))},
              {"reason", line.reason},
              {"candidates", std::move(candidates)}};
}

/// The lines not added, for people: each with its status and why, ambiguous ones with their
/// candidates to pick from (`plm playlist add ID URI` adds the right one).
void print_not_added(std::ostream& out, const std::vector<const core::LineMatch*>& lines,
                     std::size_t total) {
  if (lines.empty()) return;
  out << "not added: " << lines.size() << " of " << total << " line" << (total == 1 ? "" : "s")
      << "\n";
  for (const core::LineMatch* line : lines) {
    out << "  line " << line->number << "  " << core::to_string(line->status) << "  \""
        << line->input << "\"" << (line->reason.empty() ? "" : ": " + line->reason) << "\n";
    for (std::size_t i = 0; i < line->candidates.size(); ++i) {
      const core::TrackInfo& track = line->candidates[i].track;
      out << "      " << i + 1 << ". " << track.uri << "  " << track.name << " — "
          << artists_text(track) << " (" << track.album << ", "
          << minutes_and_seconds(track.duration_ms) << ")\n";
    }
  }
}

/// `plm playlist add ID --from-text FILE`: matches FILE's lines with the account's client and
/// stored tracks, adds the matched ones (in line order, at --position) like `plm playlist add`,
/// and lists the others. Blank and comment lines name no track: they are neither added nor
/// listed.
ExitCode add_from_text(CommandContext& context) {
  if (context.invocation().arguments.size() > 1)
    return context.fail(usage("give URIs or --from-text FILE, not both"));
  auto target = edit_target(context);
  if (!target) return context.fail(target.error());
  auto placement = add_placement(context, *target);  // a bad --position fails before any call
  if (!placement) return context.fail(placement.error());
  auto text = read_text(*context.invocation().value("--from-text"));
  if (!text) return context.fail(text.error());
  auto paste = core::parse_paste(*text);
  if (!paste) return context.fail(paste.error());
  const auto names_no_track = [](const core::PastedLine& line) {
    return line.kind == core::LineKind::Blank || line.kind == core::LineKind::Comment;
  };
  const auto track_lines = static_cast<std::size_t>(
      std::count_if(paste->lines.begin(), paste->lines.end(),
                    [&](const auto& line) { return !names_no_track(line); }));
  if (track_lines == 0) return context.fail(usage("the text names no track: nothing to add"));
  if (target->account.status == core::AccountStatus::NeedsReauth) {
    return context.fail(core::make_error(
        ErrorCode::NeedsReauth,
        "Spotify account " + target->account.spotify_user_id + " needs re-authorization"));
  }
  Services& services = context.services();
  auto stored = services.matches().known_tracks(target->account.id);
  if (!stored) return context.fail(stored.error());
  const core::KnownTracks known(std::move(*stored));

  // The match store: cached lookups, and the person's choices made in the web app for the same
  // lines.
  const core::SpotifyAccount account = target->account;
  const MatchLinesDeps deps = account_match_deps(services, account);
  MatchLinesOptions options;
  options.known = &known;
  options.user_id = target->user.id;
  if (!context.json()) {
    context.err() << "matching " << paste->lines.size() << " line"
                  << (paste->lines.size() == 1 ? "" : "s") << "...\n";
  }
  auto results = match_lines(deps, *paste, options, [](std::vector<core::LineMatch>) {}, {});
  if (!results) return context.fail(results.error());

  std::vector<std::string> uris;
  std::vector<core::TrackInfo> tracks;  // what matching learnt: the job need not look them up
  std::vector<const core::LineMatch*> not_added;
  Json not_added_json = Json::array();
  for (std::size_t i = 0; i < results->size(); ++i) {
    const core::LineMatch& line = (*results)[i];
    if (names_no_track(paste->lines[i])) continue;
    if (line.status == core::MatchStatus::Matched && line.uri) {
      uris.push_back(*line.uri);
      if (line.track) tracks.push_back(*line.track);
    } else {
      not_added.push_back(&line);
      not_added_json.push_back(not_added_value(line));
    }
  }
  const Json extra{{"matched_lines", uris.size()}, {"not_added", not_added_json}};
  ExitCode code = ExitCode::Ok;
  if (uris.empty()) {
    Json nothing = extra;
    nothing["playlist_id"] = target->playlist.summary.id;
    code = context.output().result(nothing, "no line matched a track: nothing added");
  } else {
    core::EditRequest request = core::EditRequest::add(std::move(uris), *placement);
    request.tracks = std::move(tracks);
    core::VersionCause cause = cause_of(context, request);
    code = run_edit(context, std::move(*target), request, std::move(cause), extra);
  }
  if (!context.output().json()) {
    std::ostringstream report;
    print_not_added(report, not_added, track_lines);
    context.output().result(nullptr, report.str());
  }
  if (code == ExitCode::Ok && !not_added.empty()) return ExitCode::Partial;
  return code;
}

/// `plm playlist add`: the URIs given, or the tracks --from-text FILE names.
ExitCode add_command(CommandContext& context) {
  if (context.invocation().value("--from-text")) return add_from_text(context);
  return edit_command<add_request>(context);
}

}  // namespace

std::vector<Command> playlist_edit_commands() {
  return {
      {.name = "edit",
       .summary = "make a playlist exactly the list of URIs in a file",
       .arguments = {{"ID", kPlaylistArgument}},
       .flags = {kAccountFlag,
                 {.name = "--to",
                  .value_name = "FILE",
                  .description = "the desired list: one Spotify URI per line, in order ('-': "
                                 "standard input)"},
                 kDryRunFlag,
                 {.name = "--allow-replace",
                  .description = "rewrite the whole playlist when that takes fewer calls (every "
                                 "kept track's added_at is reset)"}},
       .details = "FILE holds one URI per line (spotify:track:…, spotify:episode:…, or a local "
                  "file's spotify:local:… as the playlist has it); blank lines and lines starting "
                  "with # are ignored. The playlist becomes exactly that list with the fewest "
                  "calls: tracks that stay keep their added_at. Local files and unavailable "
                  "tracks can only be moved, never added or removed. Prints the plan first; "
                  "with --json, the plan's steps, the calls made and the final snapshot.\n",
       .handler = edit_command<set_list_request>,
       .examples = {{"plm playlist edit 37i9dQZF1DXcBWIGoYBM5M --to tracks.txt -n",
                     "preview making the playlist exactly the URIs in tracks.txt"}},
       .json_fields = kEditJsonFields},
      {.name = "move",
       .summary = "move tracks to another position",
       .arguments = {{"ID", kPlaylistArgument}},
       .flags = {kAccountFlag,
                 {.name = "--from",
                  .value_name = "N",
                  .description = "the position of the first track to move (1 is the top)",
                  .number = NumberRange{1, 10'000}},
                 {.name = "--count",
                  .value_name = "K",
                  .description = "how many tracks from N on (default 1)",
                  .number = NumberRange{1, 10'000}},
                 {.name = "--to",
                  .value_name = "M",
                  .description = "the position the first moved track has afterwards",
                  .number = NumberRange{1, 10'000}}},
       .details = "Positions are 1-based, as plm playlist show numbers the tracks. The K tracks "
                  "from position N move together, in their order, so that afterwards the first "
                  "of them is at position M of the playlist (M = 1: the top; M = the number of "
                  "tracks - K + 1: the bottom). One Spotify call.\n",
       .handler = edit_command<move_request>,
       .examples = {{"plm playlist move 37i9dQZF1DXcBWIGoYBM5M --from 10 --count 3 --to 1",
                     "move tracks 10 to 12 to the top"}},
       .json_fields = kEditJsonFields},
      {.name = "add",
       .summary = "add tracks at a position (default: the bottom)",
       .arguments = {{"ID", kPlaylistArgument},
                     {"[URI...]",
                      "spotify:track: or spotify:episode: URIs, in the order to add "
                      "them (none with --from-text)"}},
       .flags = {kAccountFlag,
                 {.name = "--position",
                  .value_name = "N",
                  .description = "the position of the first added track (1 is the top)",
                  .number = NumberRange{1, 10'001},
                  .short_name = 'p'},
                 {.name = "--from-text",
                  .value_name = "FILE",
                  .description = "match the lines of FILE to tracks and add the matched ones "
                                 "('-': standard input)"},
                 kDryRunFlag},
       .details =
           "Adds the tracks (spotify:track:… or spotify:episode:… URIs) in the order given, the "
           "first at position N (1-based; without --position, after the last track). ID is a "
           "playlist id, a spotify:playlist: URI or an open.spotify.com link.\n\n"
           "With --from-text FILE instead of URIs, each line of FILE is matched to a catalog "
           "track as `plm match` does (URIs, links, ISRCs, \"Artist - Title\" and the other forms "
           "of docs/matching.md; tracks of the account's stored playlists cost no call), and "
           "the matched lines are added in their order. The lines not added are listed after: "
           "ambiguous ones with their candidates, not found and invalid ones with the reason. "
           "Blank and comment lines are skipped. Exit code 5 when some lines were not added.\n",
       .handler = add_command,
       .examples =
           {{"plm playlist add 37i9dQZF1DXcBWIGoYBM5M spotify:track:4uLU6hMCjMI75M1A2tKUQC -p 1",
             "add a track at the top"},
            {"plm playlist add 37i9dQZF1DXcBWIGoYBM5M --from-text - < list.txt",
             "add the tracks named by the lines of list.txt (\"Artist - Title\", links...)"}},
       .json_fields = kEditJsonFields},
      {.name = "remove",
       .summary = "remove every copy of tracks",
       .arguments = {{"ID", kPlaylistArgument},
                     {"URI...", "the tracks to remove (spotify:track: URIs...)"}},
       .flags = {kAccountFlag},
       .details = "Removes every copy of each URI from the playlist.\n",
       .handler = edit_command<remove_request>,
       .examples =
           {{"plm playlist remove 37i9dQZF1DXcBWIGoYBM5M spotify:track:4uLU6hMCjMI75M1A2tKUQC",
             "remove every copy of a track"}},
       .json_fields = kEditJsonFields},
      {.name = "dedupe",
       .summary = "keep one copy of each track",
       .arguments = {{"ID", kPlaylistArgument}},
       .flags = {kAccountFlag,
                 {.name = "--keep",
                  .value_name = "WHICH",
                  .description = "the copy that stays: first (default) or last",
                  .choices = {"first", "last"}}},
       .details = "Spotify removes every copy of a URI, so the copy that stays is put back at its "
                  "place and gets a new added_at (the plan says so). Local files and unavailable "
                  "tracks are left alone.\n",
       .handler = edit_command<dedupe_request>,
       .examples = {{"plm playlist dedupe 37i9dQZF1DXcBWIGoYBM5M --keep last",
                     "keep the last copy of each track"}},
       .json_fields = kEditJsonFields},
      {.name = "sort",
       .summary = "sort the tracks",
       .arguments = {{"ID", kPlaylistArgument}},
       .flags = {kAccountFlag,
                 {.name = "--by",
                  .value_name = "KEY",
                  .description = "title, artist, album, release, duration or added",
                  .choices = {"title", "artist", "album", "release", "duration", "added"}},
                 {.name = "--desc", .description = "descending order"}},
       .details = "A stable sort (equal tracks keep their order; tracks without the key go last) "
                  "made of range moves: every track keeps its added_at.\n",
       .handler = edit_command<sort_request>,
       .examples = {{"plm playlist sort 37i9dQZF1DXcBWIGoYBM5M --by added --desc",
                     "the most recently added tracks first"}},
       .json_fields = kEditJsonFields},
      {.name = "shuffle",
       .summary = "shuffle the tracks",
       .arguments = {{"ID", kPlaylistArgument}},
       .flags = {kAccountFlag},
       .details = "A random order made of range moves: every track keeps its added_at.\n",
       .handler = edit_command<shuffle_request>,
       .examples = {{"plm playlist shuffle 37i9dQZF1DXcBWIGoYBM5M", "shuffle a playlist once"}},
       .json_fields = kEditJsonFields},
      {.name = "restore",
       .summary = "make a playlist what a recorded version was",
       .arguments = {{"ID", kPlaylistArgument},
                     {"VERSION", "a version number from plm playlist history"}},
       .flags = {kAccountFlag, kDryRunFlag},
       .details = "VERSION is a number from plm playlist history. The playlist gets that "
                  "version's tracks, in its order, and its name, description and visibility, with "
                  "the fewest calls; the history records the restore.\n",
       .handler = edit_command<restore_request>,
       .examples = {{"plm playlist restore 37i9dQZF1DXcBWIGoYBM5M 12 -n",
                     "preview putting the playlist back as version 12 was"}},
       .json_fields = kEditJsonFields},
  };
}

}  // namespace plm::app::cli
