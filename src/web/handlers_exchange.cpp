// Export and import of spreadsheets (issue 14 §5). Export: the stored playlists as a download
// (plm::exchange::export_playlists, the same file `plm export` writes). Import: the uploaded file
// is read at once (refused with the reason when it cannot be), kept as uploaded (ImportStore) and
// read again for every preview and for the apply, so no second form of the document exists; rows
// without a URI are matched by a match_paste job whose paste takes decisions like any paste
// (handlers_pastes.cpp). The preview folds the paste's results and decisions into
// core::propose_import; the apply plans again and runs the result as one batch_edit job
// (JobControl::run_batch), so an import has the batch's journal, progress, cancel and undo.
// Imports are their uploader's own: another user's answers 404, as a missing one does.

#include <cctype>
#include <string_view>

#include "core/exchange/import_layout.hpp"
#include "core/exchange/import_plan.hpp"
#include "core/exchange/workbook.hpp"
#include "core/model/text.hpp"
#include "exchange/files.hpp"
#include "web/exchange_json.hpp"
#include "web/handlers.hpp"

namespace plm::web {

namespace {

using core::ErrorCode;

core::Error invalid_input(const std::string& message) {
  return core::make_error(ErrorCode::InvalidInput, message);
}

/// RFC 6266: an ASCII `filename` for old clients (control and non-ASCII bytes, quotes and
/// backslashes as '_') and, when that is not the name itself, `filename*` with the name's UTF-8
/// percent-encoded (RFC 8187).
std::string content_disposition(const std::string& file_name) {
  std::string ascii = file_name;
  for (char& c : ascii) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7F || c == '"' || c == '\\') c = '_';
  }
  std::string header = "attachment; filename=\"" + ascii + "\"";
  if (ascii == file_name) return header;
  static constexpr char kHex[] = "0123456789ABCDEF";
  static constexpr std::string_view kAttrChars = "!#$&+-.^_`|~";
  std::string encoded;
  for (const char c : file_name) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || kAttrChars.find(c) != std::string_view::npos) {
      encoded += c;
    } else {
      encoded += '%';
      encoded += kHex[byte >> 4];
      encoded += kHex[byte & 0x0F];
    }
  }
  return header + "; filename*=UTF-8''" + encoded;
}

/// The import the route's {import_id} names, if the signed-in user uploaded it; NotFound
/// otherwise (the same for both cases).
core::Result<core::StoredImport> owned_import(App& app, const Context& context) {
  const std::string& text = context.param("import_id");
  const auto not_found =
      core::make_error(ErrorCode::NotFound, "import " + text.substr(0, 40) + " not found");
  const auto id = whole_number(text);
  if (!id || *id <= 0) return not_found;
  auto found = app.deps.imports.find_import(*id);
  if (!found) return found.error();
  if (!*found || (*found)->owner_user_id != context.user_id()) return not_found;
  return std::move(**found);
}

/// An import read again and planned on the account's stored playlists now, with the paste's
/// matches and decisions so far.
struct PlannedImport {
  core::StoredImport stored;
  core::SpotifyAccount account;
  core::ImportDocument document;
  std::vector<core::RowMatch> matches;
  std::optional<std::int64_t> match_job_id;
  std::int64_t matched = 0;  ///< rows the matcher has answered or a person decided
  core::ImportProposal proposal;
};

/// The paste's lines as the plan takes them, one per rows_to_match() row (line k + 2 is row k):
/// an accepted or picked line is Matched with the chosen track, a skipped one skipped, the rest
/// as the matcher left them (Pending while it has not reached the line). Without a paste (it was
/// deleted) every row stays Pending: it cannot be decided.
core::Status read_matches(App& app, PlannedImport& planned) {
  const std::size_t rows = planned.document.rows_to_match().size();
  planned.matches.assign(rows, core::RowMatch{});
  for (std::size_t index = 0; index < rows; ++index) {
    planned.matches[index].match.number = index + 2;
  }
  if (!planned.stored.paste_id || rows == 0) return core::ok();
  auto paste = app.deps.matches.find_paste(*planned.stored.paste_id);
  if (!paste) return paste.error();
  if (*paste) planned.match_job_id = (*paste)->job_id;
  auto lines = app.deps.matches.paste_lines(*planned.stored.paste_id, 0);
  if (!lines) {
    // Deleted meanwhile: the rows stay Pending, as without a paste.
    return lines.error().code == ErrorCode::NotFound ? core::ok() : core::Status(lines.error());
  }
  for (const auto& line : *lines) {
    const std::size_t number = line.match.number;
    if (number < 2 || number - 2 >= rows) continue;  // the header line
    core::RowMatch& row = planned.matches[number - 2];
    row.match = line.match;
    switch (line.decision) {
      case core::LineDecision::Accepted:
      case core::LineDecision::Picked:
        row.match.status = core::MatchStatus::Matched;
        break;
      case core::LineDecision::Skipped:
        row.skipped = true;
        break;
      case core::LineDecision::None:
        break;
    }
    if (row.skipped || row.match.status != core::MatchStatus::Pending) ++planned.matched;
  }
  return core::ok();
}

core::Result<PlannedImport> plan_import(App& app, const Context& context) {
  PlannedImport planned;
  auto stored = owned_import(app, context);
  if (!stored) return stored.error();
  planned.stored = std::move(*stored);
  auto account = app.owned_account(context, std::to_string(planned.stored.account_id));
  if (!account) return account.error();
  planned.account = std::move(*account);
  auto bytes = app.deps.imports.import_bytes(planned.stored.id);
  if (!bytes) return bytes.error();
  auto document =
      exchange::read_import_file(*bytes, planned.stored.file_name,
                                 core::ImportOptions{.playlist_id = planned.stored.playlist_id});
  if (!document) return document.error();
  planned.document = std::move(*document);
  if (auto matches = read_matches(app, planned); !matches) return matches.error();
  auto proposal =
      core::propose_import(app.deps.playlists, planned.account, planned.document, planned.matches,
                           core::ImportPlanOptions{.file_name = planned.stored.file_name,
                                                   .batch = batch_plan_options(app)});
  if (!proposal) return proposal.error();
  planned.proposal = std::move(*proposal);
  return planned;
}

/// The upload's `file_name` query parameter: 1 to 255 bytes of clean text.
core::Result<std::string> upload_file_name(const Context& context) {
  const auto name = context.request.query_param("file_name");
  if (!name || name->empty()) {
    return invalid_input(
        "'file_name' is required: the uploaded file's name (it names a CSV's "
        "playlist)");
  }
  if (name->size() > 255 || !core::is_clean_text(*name)) {
    return invalid_input("'file_name' must be 1 to 255 bytes of text without control characters");
  }
  return std::string(*name);
}

}  // namespace

http::Response export_playlists(App& app, Context& context) {
  auto account = app.owned_account(context, context.param("account_id"));
  if (!account) return app.fail(account.error());
  auto format = exchange::ExportFormat::Xlsx;
  if (const auto text = context.request.query_param("format")) {
    const auto read = exchange::export_format_from_string(*text);
    if (!read) {
      return app.fail(invalid_input("'format' must be xlsx or csv, got '" +
                                    std::string(text->substr(0, 20)) + "'"));
    }
    format = *read;
  }
  std::optional<std::string> selector;
  if (const auto text = context.request.query_param("playlists"); text && !text->empty()) {
    selector = std::string(*text);
  }
  auto file = exchange::export_playlists(app.deps.playlists, *account, selector, format,
                                         app.deps.clock.now());
  if (!file) return app.fail(file.error());
  http::Response response;
  response.status = 200;
  response.body = std::move(file->bytes);
  response.set_header("Content-Type", file->content_type);
  response.set_header("Content-Disposition", content_disposition(file->file_name));
  response.set_header("Cache-Control", "no-store");
  return response;
}

http::Response start_import(App& app, Context& context) {
  auto account = app.owned_account(context, context.param("account_id"));
  if (!account) return app.fail(account.error());
  auto file_name = upload_file_name(context);
  if (!file_name) return app.fail(file_name.error());
  core::ImportOptions options;
  if (const auto playlist = context.request.query_param("playlist_id")) {
    if (playlist->empty() || playlist->size() > 1000 || !core::is_clean_text(*playlist)) {
      return app.fail(invalid_input("'playlist_id' must be a playlist's id, URI or link"));
    }
    options.playlist_id = std::string(*playlist);
  }
  // Read first: a file that cannot be read is refused with the reason, and nothing is stored.
  const std::string bytes(context.upload->bytes);
  auto document = exchange::read_import_file(bytes, *file_name, options);
  if (!document) return app.fail(document.error());
  std::optional<std::int64_t> paste_id;
  std::optional<std::int64_t> job_id;
  if (!document->rows_to_match().empty()) {
    if (auto refused = refuse_job_start(app, *account, "match tracks")) return std::move(*refused);
    auto started = app.deps.job_control.start_paste(context.user_id(), account->id,
                                                    core::paste_inputs_of_rows(*document));
    if (!started) return app.fail(started.error());
    if (started->enqueued.created) publish_job(app, started->enqueued.job);
    paste_id = started->paste.id;
    job_id = started->paste.job_id;
  }
  auto stored = app.deps.imports.create_import(context.user_id(), account->id, *file_name, bytes,
                                               paste_id, options.playlist_id, app.deps.clock.now());
  if (!stored) return app.fail(stored.error());
  return http::Response::json(201, dump(import_json(*stored, *document, job_id)));
}

http::Response preview_import(App& app, Context& context) {
  auto planned = plan_import(app, context);
  if (!planned) return app.fail(planned.error());
  auto playlists = app.deps.playlists.playlists_of(planned->account.id);
  if (!playlists) return app.fail(playlists.error());
  Json preview = import_proposal_json(planned->document, planned->matches, planned->proposal,
                                      *playlists, app.options.rate_budget);
  preview["import"] = import_json(planned->stored, planned->document, planned->match_job_id);
  preview["matching"] =
      Json{{"done", planned->matched}, {"total", planned->document.rows_to_match().size()}};
  return http::Response::json(200, dump(preview));
}

http::Response apply_import(App& app, Context& context) {
  auto body = parse_import_apply_body(context.body);
  if (!body) return app.fail(body.error());
  auto planned = plan_import(app, context);
  if (!planned) return app.fail(planned.error());
  auto application = core::import_to_apply(planned->proposal, body->playlist_ids);
  if (!application) return app.fail(application.error());
  // Refused before anything changes: the tags are set only when the batch can start.
  if (application->batch_changes()) {
    if (auto refused = refuse_job_start(app, planned->account, "change playlists")) {
      return std::move(*refused);
    }
  }
  const std::int64_t user_id = context.user_id();
  const std::int64_t account_id = planned->account.id;
  Json changed_ids = Json::array();
  for (const auto& [playlist_id, tags] : application->tags) {
    if (auto set = app.deps.playlists.set_playlist_tags(account_id, playlist_id, tags); !set) {
      return app.fail(set.error());
    }
    changed_ids.push_back(playlist_id);
  }
  if (!changed_ids.empty()) {
    app.invalidate(user_id);
    app.events.publish(user_id, "playlists",
                       dump(Json{{"account_id", account_id}, {"playlist_ids", changed_ids}}));
  }
  Json job = nullptr;
  if (application->batch_changes()) {
    const auto cause =
        batch_cause(core::VersionCauseKind::Edit, "import", user_id, std::move(body->why));
    auto enqueued = app.deps.job_control.run_batch(user_id, account_id, application->batch, cause,
                                                   std::nullopt);
    if (!enqueued) return app.fail(enqueued.error());
    if (enqueued->created) publish_job(app, enqueued->job);
    job = job_value(enqueued->job);
  }
  return http::Response::json(
      202, dump(Json{{"job", std::move(job)}, {"tags_changed", application->tags.size()}}));
}

}  // namespace plm::web
