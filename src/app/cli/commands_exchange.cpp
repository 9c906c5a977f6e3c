// plm export and plm import (issue 14 §5; scripts rely on these exact forms). `plm export` writes
// the account's stored playlists (a SELECTOR as `plm batch` takes, default all) to an .xlsx
// workbook or CSV (exchange::export_playlists, the same bytes the web app's download gives),
// atomically: a temporary file in the target's folder renamed over it, so FILE is never half
// written. `plm import FILE` reads a workbook or CSV (exchange::read_import_file), matches the
// rows without a URI as `plm match` does (app::match_lines), plans the import (core::
// propose_import) and prints the preview; nothing changes without --apply. With --apply the
// local tags are set and the differences run as one batch_edit job, exactly as `plm batch` runs
// its batch (batch_run.hpp), so an import has its journal versions and `plm batch undo JOB_ID`.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stop_token>

#include "app/cli/batch_run.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/context.hpp"
#include "app/cli/match_output.hpp"
#include "app/cli/output.hpp"
#include "app/cli/run_job.hpp"
#include "app/match_lines.hpp"
#include "core/batch/batch_plan.hpp"
#include "core/exchange/import_plan.hpp"
#include "core/exchange/workbook.hpp"
#include "core/journal/playlist_version.hpp"
#include "exchange/files.hpp"
#include "web/exchange_json.hpp"

namespace plm::app::cli {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using core::ErrorCode;
using core::ImportPlaylistPlan;

core::Error usage(const std::string& message) {
  return core::make_error(ErrorCode::InvalidInput, message);
}

/// "1,234": counts for people.
std::string grouped(std::int64_t number) {
  std::string digits = std::to_string(number);
  for (auto at = static_cast<std::ptrdiff_t>(digits.size()) - 3; at > (number < 0 ? 1 : 0); at -= 3)
    digits.insert(static_cast<std::size_t>(at), ",");
  return digits;
}

// ---- plm export --------------------------------------------------------------------------------

/// Writes `bytes` to `path` so that `path` is either its old self or the whole new file: a
/// temporary file beside it (same folder, so the rename cannot cross file systems), flushed to
/// disk, then renamed over it. Nothing is left behind on failure.
core::Status write_file_atomically(const fs::path& path, std::string_view bytes) {
  const auto failed = [&](const std::string& why) {
    return core::make_error(ErrorCode::Internal, "cannot write " + path.string() + ": " + why);
  };
  const fs::path folder = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::error_code error;
  if (!fs::is_directory(folder, error))
    return failed("the folder " + folder.string() + " does not exist");
  if (fs::is_directory(path, error)) return failed("it is a folder");
  std::string temporary = (folder / ("." + path.filename().string() + ".plm-XXXXXX")).string();
  const int fd = ::mkstemp(temporary.data());
  if (fd < 0) return failed(std::strerror(errno));
  // mkstemp makes the file 0600; an export is an ordinary file (the umask decides).
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  std::size_t written = 0;
  int write_error = 0;
  while (written < bytes.size()) {
    const auto n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      write_error = n < 0 ? errno : EIO;
      break;
    }
    written += static_cast<std::size_t>(n);
  }
  if (write_error == 0 && ::fsync(fd) != 0) write_error = errno;
  if (::close(fd) != 0 && write_error == 0) write_error = errno;
  if (write_error == 0 && std::rename(temporary.c_str(), path.c_str()) != 0) write_error = errno;
  if (write_error != 0) {
    ::unlink(temporary.c_str());
    return failed(std::strerror(write_error));
  }
  return core::Unit{};
}

ExitCode export_command(CommandContext& context) {
  const Invocation& invocation = context.invocation();
  const auto file = invocation.value("--output");
  if (!file || file->empty())
    return context.fail(usage("-o FILE is required: where to write the export ('-': stdout)"));
  const bool to_stdout = *file == "-";
  if (to_stdout && context.json())
    return context.fail(usage("-o - writes the file to stdout: it cannot be combined with --json"));
  const auto selector = invocation.value("--playlists");
  if (selector) {
    if (auto parsed = core::parse_selector(*selector); !parsed)
      return context.fail(usage("--playlists: " + parsed.error().message));
  }
  const auto format = exchange::export_format_from_string(
      invocation.value("--format").value_or("xlsx"));  // the parser checked the choices
  auto user = context.acting_user();
  if (!user) return context.fail(user.error());
  auto account = context.chosen_account(*user);
  if (!account) return context.fail(account.error());
  auto& services = context.services();
  auto exported = exchange::export_playlists(services.playlists(), *account, selector, *format,
                                             services.clock().now());
  if (!exported) return context.fail(exported.error());
  if (to_stdout) {
    context.out().write(exported->bytes.data(),
                        static_cast<std::streamsize>(exported->bytes.size()));
    context.out().flush();
  } else if (auto written = write_file_atomically(*file, exported->bytes); !written) {
    return context.fail(written.error());
  }
  auto& output = context.output();
  const std::string where = to_stdout ? "standard output" : *file;
  const std::string text = "exported " + plural(exported->playlists, "playlist") + " (" +
                           grouped(exported->tracks) + " track" +
                           (exported->tracks == 1 ? "" : "s") + ") to " + where;
  if (!output.json()) {
    output.note(text);
    return ExitCode::Ok;
  }
  return output.result(Json{{"file", *file},
                            {"format", exchange::to_string(*format)},
                            {"playlists", exported->playlists},
                            {"tracks", exported->tracks},
                            {"bytes", exported->bytes.size()}},
                       text);
}

// ---- plm import: reading and matching ---------------------------------------------------------

/// FILE's bytes, refusing before reading one that is larger than any import may be (a 10 GB file
/// is never loaded to be refused).
core::Result<std::string> read_import_bytes(const std::string& file) {
  std::error_code error;
  if (fs::is_directory(file, error)) return usage("cannot read " + file + ": it is a folder");
  std::ifstream in(file, std::ios::binary);
  if (!in) return usage("cannot read " + file + ": " + std::strerror(errno));
  std::string bytes;
  bytes.resize(core::kMaxImportFileBytes + 1);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  if (bytes.size() > core::kMaxImportFileBytes) {
    return usage(file + " is larger than " +
                 std::to_string(core::kMaxImportFileBytes / (1024 * 1024)) +
                 " MB, the most plm imports");
  }
  if (in.bad()) return usage("cannot read " + file);
  return bytes;
}

/// The matcher's answer for every row without a URI (none: no call at all). Progress is redrawn
/// on stderr when it is a terminal.
core::Result<std::vector<core::RowMatch>> match_rows(CommandContext& context,
                                                     const core::AppUser& user,
                                                     const core::SpotifyAccount& account,
                                                     const core::ImportDocument& document) {
  const core::ParsedPaste paste = core::paste_of_rows(document);
  std::vector<core::RowMatch> matches;
  if (paste.lines.empty()) return matches;
  if (account.status == core::AccountStatus::NeedsReauth) {
    return core::make_error(ErrorCode::NeedsReauth, "Spotify account " + account.spotify_user_id +
                                                        " needs re-authorization");
  }
  Services& services = context.services();
  auto stored = services.matches().known_tracks(account.id);
  if (!stored) return stored.error();
  const core::KnownTracks known(std::move(*stored));
  const MatchLinesDeps deps = account_match_deps(services, account);
  MatchLinesOptions options;
  options.known = &known;
  options.user_id = user.id;  // the choices the person made in the web app answer their rows
  const bool show_progress = !context.json() && ::isatty(STDERR_FILENO) == 1;
  const std::size_t total = paste.lines.size();
  std::size_t done = 0;
  const auto on_results = [&](std::vector<core::LineMatch> decided) {
    done += decided.size();
    if (show_progress)
      context.err() << "\rmatching rows: " << done << " of " << total << std::flush;
  };
  auto results = match_lines(deps, paste, options, on_results, std::stop_token{});
  if (show_progress) context.err() << "\r\033[K" << std::flush;
  if (!results) return results.error();
  matches.reserve(results->size());
  for (auto& result : *results) matches.push_back(core::RowMatch{.match = std::move(result)});
  return matches;
}

// ---- plm import: the preview for people -------------------------------------------------------

std::string in_quotes(std::string_view text) { return "\u201c" + std::string(text) + "\u201d"; }

std::string yes_no(bool value) { return value ? "yes" : "no"; }

std::string tags_text(const std::vector<std::string>& tags) {
  if (tags.empty()) return "(none)";
  std::string text;
  for (const auto& tag : tags) text += (text.empty() ? "" : ", ") + tag;
  return text;
}

std::string status_label(ImportPlaylistPlan::Status status) {
  std::string text(core::to_string(status));
  std::replace(text.begin(), text.end(), '_', ' ');
  return text;
}

/// "+2 -1 ~3": the items an entry adds, removes and moves.
std::string counts_text(const core::BatchEntryPlan& entry) {
  const core::EditPreview& preview = entry.proposal.plan.preview;
  return "+" + std::to_string(preview.added.size()) + " -" +
         std::to_string(preview.removed.size()) + " ~" + std::to_string(preview.moved.size());
}

/// The lines under one playlist of the preview: details before -> after, tags, undecided rows.
void print_playlist_details(std::ostream& out, const ImportPlaylistPlan& plan,
                            const core::StoredPlaylist* stored,
                            const core::ImportDocument& document,
                            const std::vector<core::RowMatch>& matches) {
  const core::PlaylistDetailsChange& details = plan.details;
  const auto before = [&](auto field) { return stored ? field(stored->summary) : std::string(); };
  if (details.name) {
    out << "    name: " << in_quotes(before([](const core::PlaylistSummary& s) { return s.name; }))
        << " -> " << in_quotes(*details.name) << "\n";
  }
  if (details.description) {
    out << "    description: "
        << in_quotes(before([](const core::PlaylistSummary& s) { return s.description; })) << " -> "
        << in_quotes(*details.description) << "\n";
  }
  if (details.is_public) {
    out << "    public: "
        << before([](const core::PlaylistSummary& s) { return yes_no(s.is_public); }) << " -> "
        << yes_no(*details.is_public) << "\n";
  }
  if (details.collaborative) {
    out << "    collaborative: "
        << before([](const core::PlaylistSummary& s) { return yes_no(s.collaborative); }) << " -> "
        << yes_no(*details.collaborative) << "\n";
  }
  if (plan.tags) {
    out << "    tags: " << (stored ? tags_text(stored->tags) : std::string("(none)")) << " -> "
        << tags_text(*plan.tags) << " (kept in plm, never sent to Spotify)\n";
  }
  if (plan.undecided.empty()) return;
  const auto rows = document.rows_to_match();
  for (const std::size_t index : plan.undecided) {
    if (index >= rows.size() || index >= matches.size()) continue;
    const auto [playlist_index, row_index] = rows[index];
    const core::ImportRow& row = document.playlists[playlist_index].rows[row_index];
    const core::LineMatch& match = matches[index].match;
    out << "    row " << row.row + 1 << " " << in_quotes(match.input) << ": "
        << core::to_string(match.status) << (match.reason.empty() ? "" : " (" + match.reason + ")")
        << "\n";
    for (std::size_t i = 0; i < match.candidates.size(); ++i) {
      const core::TrackInfo& track = match.candidates[i].track;
      std::string artists;
      for (const auto& artist : track.artists) artists += (artists.empty() ? "" : ", ") + artist;
      out << "      " << i + 1 << ". " << track.uri << "  " << track.name << " \u2014 " << artists
          << " (" << track.album << ", " << minutes_and_seconds(track.duration_ms) << ")\n";
    }
    out << "      put the track's URI in row " << row.row + 1 << " of sheet "
        << in_quotes(plan.sheet) << " to choose\n";
  }
}

/// The preview as a person reads it: each playlist (status, name, sheet, what changes), the
/// issues with where they are, then the totals and what applying costs.
std::string preview_text(const core::ImportDocument& document,
                         const std::vector<core::RowMatch>& matches,
                         const core::ImportProposal& proposal,
                         const std::map<std::string, const core::StoredPlaylist*>& stored,
                         std::int64_t rate_budget) {
  std::ostringstream out;
  out << proposal.batch.summary << "\n";
  for (const auto& plan : proposal.playlists) {
    const core::BatchEntryPlan* entry =
        plan.entry && *plan.entry < proposal.batch.plan.entries.size()
            ? &proposal.batch.plan.entries[*plan.entry]
            : nullptr;
    out << status_label(plan.status) << "  " << plan.name << "  (sheet " << in_quotes(plan.sheet);
    if (plan.playlist_id) out << ", " << *plan.playlist_id;
    out << ")";
    if (entry && entry->status == core::BatchEntryPlan::Status::Change)
      out << "  " << counts_text(*entry);
    if (!plan.reason.empty()) out << ": " << plan.reason;
    if (plan.status == ImportPlaylistPlan::Status::NeedsDecision && plan.reason.empty())
      out << ": " << plural(static_cast<std::int64_t>(plan.undecided.size()), "row")
          << " to decide";
    if (plan.left_out > 0) out << " (" << plural(plan.left_out, "row") << " left out)";
    out << "\n";
    const auto found = plan.playlist_id ? stored.find(*plan.playlist_id) : stored.end();
    print_playlist_details(out, plan, found == stored.end() ? nullptr : found->second, document,
                           matches);
  }
  if (!proposal.issues.empty()) {
    out << "issues:\n";
    for (const auto& issue : proposal.issues)
      out << "  " << core::to_string(issue.severity) << ": " << core::describe(issue) << "\n";
  }
  out << proposal.changed << " to change, " << proposal.unchanged << " unchanged, "
      << proposal.needs_decision << " to decide, " << proposal.refused << " refused, "
      << proposal.unknown << " unknown";
  if (proposal.tag_changes > 0) out << "; tags of " << plural(proposal.tag_changes, "playlist");
  out << "\n" << cost_text(proposal.batch, rate_budget) << "\n";
  return out.str();
}

// ---- plm import: applying ---------------------------------------------------------------------

/// What --apply did, for people: each playlist of the job as it ended.
std::string applied_text(const core::JobDetails& run) {
  std::ostringstream out;
  for (const auto& item : run.items) {
    out << core::to_string(item.outcome) << "  " << item.label << "  (" << item.key << ")";
    if (!item.detail.empty()) out << ": " << item.detail;
    if (item.error) out << ": " << item.error->message;
    out << "\n";
  }
  return out.str();
}

ExitCode import_command(CommandContext& context) {
  const Invocation& invocation = context.invocation();
  const std::string& file = invocation.arguments.front();
  const bool apply = invocation.has("--apply");
  core::ImportOptions read_options;
  if (const auto playlist = invocation.value("--playlist")) {
    auto id = playlist_id_argument(*playlist);
    if (!id) return context.fail(id.error());
    read_options.playlist_id = std::move(*id);
  }
  // The file first: one that cannot be read fails before anything else is looked at.
  auto bytes = read_import_bytes(file);
  if (!bytes) return context.fail(bytes.error());
  const std::string file_name = fs::path(file).filename().string();
  auto document = exchange::read_import_file(*bytes, file_name, read_options);
  if (!document) return context.fail(document.error());
  bytes->clear();
  bytes->shrink_to_fit();

  auto user = context.acting_user();
  if (!user) return context.fail(user.error());
  auto account = context.chosen_account(*user);
  if (!account) return context.fail(account.error());
  auto matches = match_rows(context, *user, *account, *document);
  if (!matches) return context.fail(matches.error());

  auto& services = context.services();
  const core::ImportPlanOptions plan{.file_name = file_name, .batch = plan_options(context)};
  auto proposal = core::propose_import(services.playlists(), *account, *document, *matches, plan);
  if (!proposal) return context.fail(proposal.error());
  auto stored = services.playlists().playlists_of(account->id);
  if (!stored) return context.fail(stored.error());
  std::map<std::string, const core::StoredPlaylist*> stored_by_id;
  for (const auto& playlist : *stored) stored_by_id[playlist.summary.id] = &playlist;

  auto& output = context.output();
  Json value;
  if (output.json()) {
    value =
        web::import_proposal_json(*document, *matches, *proposal, *stored, plan.batch.rate_budget);
  }
  const std::string preview =
      preview_text(*document, *matches, *proposal, stored_by_id, plan.batch.rate_budget);
  if (!apply) {
    const ExitCode written = output.result(value, preview);
    if (!output.json()) output.note("nothing was changed; run again with --apply to apply it");
    return written;
  }

  // --apply: the tags at once (local), then the batch of the changing playlists as one job.
  const bool held_back = proposal->needs_decision > 0;
  Json applied{{"job_id", nullptr}, {"tags_changed", 0}, {"results", Json::array()}};
  if (proposal->changed == 0 && proposal->tag_changes == 0) {
    value["applied"] = applied;
    const ExitCode written = output.result(value, preview);
    if (!output.json()) output.note("nothing to apply: nothing was changed");
    return written != ExitCode::Ok ? written : (held_back ? ExitCode::Partial : ExitCode::Ok);
  }
  auto application = core::import_to_apply(*proposal);
  if (!application) return context.fail(application.error());
  if (!output.json()) context.err() << preview;
  for (const auto& [playlist_id, tags] : application->tags) {
    if (auto set = services.playlists().set_playlist_tags(account->id, playlist_id, tags); !set)
      return context.fail(set.error());
  }
  applied["tags_changed"] = application->tags.size();
  if (!application->batch_changes()) {
    value["applied"] = applied;
    return output.result(
        value, "tags set on " +
                   plural(static_cast<std::int64_t>(application->tags.size()), "playlist") +
                   "; nothing to send to Spotify\n");
  }
  core::VersionCause cause;
  cause.kind = core::VersionCauseKind::Edit;
  cause.app_user_id = user->id;
  cause.origin = std::string(core::kOriginCli);
  cause.action = "import";
  cause.why = "import of " + file_name;
  if (!output.json()) {
    output.note(application->batch.summary + ": " +
                cost_text(application->batch, plan.batch.rate_budget));
  }
  auto run = run_batch_here(context, *user, *account, application->batch, cause);
  if (!run) return context.fail(run.error());
  if (core::is_finished(run->job.state)) {
    applied["job_id"] = std::to_string(run->job.id);
    for (const auto& item : run->items) {
      applied["results"].push_back(
          playlist_value(planned_entry(application->batch.plan, item.key), &item));
    }
    value["applied"] = applied;
    const ExitCode written = output.result(value, applied_text(*run));
    if (!output.json()) output.note(results_text(*run));
    if (written != ExitCode::Ok) return written;
  }
  if (const ExitCode code = job_exit(context, *run); code != ExitCode::Ok) return code;
  for (const auto& item : run->items) {
    if (item_failed(item)) return ExitCode::Partial;
  }
  if (held_back) {
    output.note("warning: " + plural(proposal->needs_decision, "playlist") +
                " left alone until their undecided rows are chosen");
    return ExitCode::Partial;
  }
  return ExitCode::Ok;
}

// ---- the table ---------------------------------------------------------------------------------

const std::vector<std::string_view> kExportJsonFields{"file", "format", "playlists", "tracks",
                                                      "bytes"};

const std::vector<std::string_view> kImportJsonFields{
    "summary", "playlists", "issues", "changed",          "unchanged", "needs_decision",
    "refused", "unknown",   "calls",  "expected_seconds", "applied"};

}  // namespace

CommandGroup export_commands() {
  return {
      "export",
      "write playlists to an Excel workbook (.xlsx) or CSV",
      {{.name = "",
        .summary = "",
        .flags = {kAccountFlag,
                  {"--playlists", "SELECTOR",
                   "which playlists (as plm batch takes them; default: all)"},
                  {.name = "--format",
                   .value_name = "FORMAT",
                   .description = "xlsx (default) or csv",
                   .choices = {"xlsx", "csv"}},
                  {.name = "--output",
                   .value_name = "FILE",
                   .description = "the file to write ('-': standard output); required",
                   .short_name = 'o'}},
        .details =
            "Writes the account's stored playlists (plm sync reads them) to FILE: an .xlsx "
            "workbook with an index sheet \"Playlists\" and one sheet per playlist (its Spotify "
            "ID in its first rows, then position, title, artists, album, release date, "
            "duration, added at, added by, URI, ISRC), or with --format csv the Exportify "
            "layout: one .csv for one playlist, a .zip of them for several. SELECTOR is a "
            "comma list of playlist ids, URIs or links, tag:NAME, search:TEXT, owned, all. "
            "FILE is written whole or not at all (a temporary file beside it, renamed). Edit "
            "the workbook and `plm import` it back.\n",
        .handler = export_command,
        .examples = {{"plm export -o playlists.xlsx", "every playlist in one workbook"},
                     {"plm export --playlists tag:gigs --format csv -o gigs.zip",
                      "the playlists tagged gigs as Exportify CSV files in a zip"}},
        .json_fields = kExportJsonFields}}};
}

CommandGroup import_commands() {
  return {
      "import",
      "preview (and with --apply make) the changes a workbook or CSV asks for",
      {{.name = "",
        .summary = "",
        .arguments = {{"FILE", "an .xlsx workbook, a .csv file or a .zip of CSV files"}},
        .flags = {kAccountFlag,
                  {.name = "--apply",
                   .description = "apply the differences (without it: only the preview)"},
                  {.name = "--playlist",
                   .value_name = "ID",
                   .description = "the playlist a one-sheet file or CSV is (default: by its "
                                  "Spotify ID, else by its name)"}},
        .details =
            "Reads FILE (plm's export, or any sheet with a header row naming a title and an "
            "artist column, or a URI column; Exportify's CSV too): each sheet is a playlist, "
            "its rows in order are the playlist's tracks. Rows without a URI are matched like "
            "plm match does; an ambiguous row is never guessed: its playlist waits for a "
            "decision (put the track's URI in the row). Prints, for each playlist, what would "
            "change on Spotify (+added -removed ~moved, details and tags before -> after), the "
            "rows it could not read (sheet, row, column) and what applying costs. Nothing is "
            "changed without --apply; with it, only the differences are sent, as one batch job "
            "(every track that stays keeps its added date; plm batch undo JOB_ID undoes it). "
            "Exit code 2 when FILE cannot be read (nothing changed), 5 when some playlists "
            "failed or wait for a decision.\n",
        .handler = import_command,
        .examples = {{"plm import playlists.xlsx", "preview what importing the workbook changes"},
                     {"plm import playlists.xlsx --apply", "make Spotify look like the workbook"},
                     {"plm import road-trip.csv --playlist 37i9dQZF1DXcBWIGoYBM5M --json",
                      "the preview of a CSV for one playlist, as JSON"}},
        .json_fields = kImportJsonFields}}};
}

}  // namespace plm::app::cli
