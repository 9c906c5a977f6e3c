// Paste to add (issue 11 §3): a paste is parsed and stored at once, then matched in the background
// by a match_paste job (app/match_jobs.hpp, stored with the paste by JobControl::start_paste) that
// stores each line's result as it is decided; the app re-reads the lines changed since the `seq` it
// holds. A person's decision on a line (accept, pick, skip, clear) is stored on the line and, for
// accept and pick, remembered for the user under the line's text (core::choice_key), so the next
// paste of the same line is matched to it. Pastes are their maker's own: another user's answers
// 404, as a missing one does.

#include <algorithm>

#include "core/matching/paste_parse.hpp"
#include "core/model/text.hpp"
#include "web/handlers.hpp"
#include "web/paste_json.hpp"

namespace plm::web {

namespace {

using core::ErrorCode;
using core::MatchStatus;

constexpr std::string_view kTrackUriPrefix = "spotify:track:";

core::Error conflict(const std::string& message) {
  return core::make_error(ErrorCode::Conflict, message);
}

/// The paste the route's {paste_id} names, if the signed-in user made it; NotFound otherwise (the
/// same for both cases).
core::Result<core::StoredPaste> owned_paste(App& app, const Context& context) {
  const std::string& text = context.param("paste_id");
  const auto not_found =
      core::make_error(ErrorCode::NotFound, "paste " + text.substr(0, 40) + " not found");
  const auto id = whole_number(text);
  if (!id || *id <= 0) return not_found;
  auto found = app.deps.matches.find_paste(*id);
  if (!found) return found.error();
  if (!*found || (*found)->owner_user_id != context.user_id()) return not_found;
  return std::move(**found);
}

/// A paste with nothing a track could be (no line, or only blank and comment lines) is refused
/// before anything is stored.
std::optional<core::Error> nothing_to_match(const core::ParsedPaste& parsed) {
  for (const auto& line : parsed.lines) {
    if (line.kind != core::LineKind::Blank && line.kind != core::LineKind::Comment) {
      return std::nullopt;
    }
  }
  return core::make_error(ErrorCode::InvalidInput,
                          "nothing to match: the text has no line that could name a track");
}

/// A line as it is stored: ill-formed UTF-8 and control characters replaced by U+FFFD
/// (core::clean_text), tabs kept (spreadsheet rows): the databases refuse the rest
/// (core::check_paste_inputs). Such a line was unreadable as pasted; the job reads it cleaned.
std::string storable(std::string_view line) {
  std::string stored;
  std::size_t start = 0;
  while (true) {
    const std::size_t tab = line.find('\t', start);
    stored += core::clean_text(
        line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
    if (tab == std::string_view::npos) return stored;
    stored += '\t';
    start = tab + 1;
  }
}

/// A decision's `uri` as a track URI: a spotify:track: URI or an open.spotify.com track link,
/// read by the paste parser (the same forms a pasted line may take).
core::Result<std::string> track_uri_of(const std::string& text) {
  const core::PastedLine read = core::parse_line(text);
  if (read.kind != core::LineKind::TrackUri) {
    return core::make_error(ErrorCode::InvalidInput,
                            "'uri' must be a spotify:track: URI or an open.spotify.com track "
                            "link, got '" +
                                text.substr(0, 100) + "'");
  }
  return read.uri;
}

/// The catalog data the line already holds for `uri` (its match or a candidate), if any.
std::optional<core::TrackInfo> known_to_line(const core::LineMatch& line, const std::string& uri) {
  if (line.track && line.track->uri == uri) return line.track;
  for (const auto& candidate : line.candidates) {
    if (candidate.track.uri == uri) return candidate.track;
  }
  return std::nullopt;
}

/// One GET /tracks/{id} with the paste's account (as the search route searches with it): a URI
/// plm holds no data for.
core::Result<core::TrackInfo> look_up(App& app, const core::SpotifyAccount& account,
                                      const std::string& uri) {
  if (account.status == core::AccountStatus::NeedsReauth) {
    return core::make_error(ErrorCode::NeedsReauth,
                            "Spotify account " + account.spotify_user_id +
                                " must be connected again before plm can look tracks up with it");
  }
  auto track = app.deps.spotify.spotify_for(account)->track(uri.substr(kTrackUriPrefix.size()));
  if (!track && track.error().code == ErrorCode::NotFound) {
    return core::make_error(ErrorCode::InvalidInput, "Spotify has no track " + uri);
  }
  return track;
}

/// The track an accept or a pick chooses for `line`. Accept: the line's match (no `uri`), or
/// `uri` when it is the match or one of the candidates. Pick: any track, from the line's own data
/// when it has it, else looked up.
core::Result<core::TrackInfo> chosen_track(App& app, const core::SpotifyAccount& account,
                                           const core::LineMatch& line,
                                           const PasteDecisionBody& body) {
  const std::string where = "line " + std::to_string(line.number);
  if (line.status == MatchStatus::Invalid) {
    return conflict(where + " is not a track (" + line.reason + "): skip it");
  }
  std::optional<std::string> uri;
  if (body.uri) {
    auto read = track_uri_of(*body.uri);
    if (!read) return read.error();
    uri = std::move(*read);
  } else if (line.status == MatchStatus::Matched && line.uri) {
    uri = line.uri;
  } else {
    return conflict(where + " has no match to accept (" +
                    std::string(core::to_string(line.status)) +
                    "): send the uri of one of its candidates, or pick a track");
  }
  if (auto known = known_to_line(line, *uri)) return std::move(*known);
  if (body.kind == PasteDecisionBody::Kind::Accept && *uri != line.uri) {
    return core::make_error(
        ErrorCode::InvalidInput,
        *uri + " is neither the match nor a candidate of " + where + ": pick it instead");
  }
  return look_up(app, account, *uri);
}

core::Result<core::SpotifyAccount> account_of(App& app, const core::StoredPaste& paste) {
  auto account = app.deps.accounts.find_account(paste.account_id);
  if (!account) return account.error();
  if (!*account || (*account)->app_user_id != paste.owner_user_id) {
    return core::make_error(ErrorCode::NotFound,
                            "the account of paste " + std::to_string(paste.id) + " is gone");
  }
  return std::move(**account);
}

}  // namespace

http::Response start_paste(App& app, Context& context) {
  auto account = app.owned_account(context, context.param("account_id"));
  if (!account) return app.fail(account.error());
  auto text = parse_paste_request(context.body);
  if (!text) return app.fail(text.error());
  // Parsed first: a paste over 10,000 lines is refused with the parser's message, nothing stored.
  auto parsed = core::parse_paste(*text);
  if (!parsed) return app.fail(parsed.error());
  if (auto empty = nothing_to_match(*parsed)) return app.fail(*empty);
  if (auto refused = refuse_job_start(app, *account, "match tracks")) return std::move(*refused);
  std::vector<std::string> inputs;
  inputs.reserve(parsed->lines.size());
  for (const auto& line : parsed->lines) inputs.push_back(storable(line.input));
  // The paste and its job are stored together: no paste waits for a job that never comes.
  auto started = app.deps.job_control.start_paste(context.user_id(), account->id, inputs);
  if (!started) return app.fail(started.error());
  if (started->enqueued.created) publish_job(app, started->enqueued.job);
  // Read back: the job may have stored results already.
  auto rows = app.deps.matches.paste_lines(started->paste.id);
  if (!rows) return app.fail(rows.error());
  return http::Response::json(202, paste_json(started->paste, *rows, 0));
}

http::Response get_paste(App& app, Context& context) {
  auto paste = owned_paste(app, context);
  if (!paste) return app.fail(paste.error());
  std::int64_t since = 0;
  if (const auto text = context.request.query_param("since")) {
    const auto number = whole_number(*text);
    if (!number || *number < 0) {
      return app.fail(core::make_error(ErrorCode::InvalidInput,
                                       "'since' must be a seq this paste answered (a whole number "
                                       "of at least 0)"));
    }
    since = *number;
  }
  // Every line, for the counts; the body holds those changed after `since`.
  auto rows = app.deps.matches.paste_lines(paste->id);
  if (!rows) return app.fail(rows.error());
  return http::Response::json(200, paste_json(*paste, *rows, since));
}

http::Response delete_paste(App& app, Context& context) {
  auto paste = owned_paste(app, context);
  if (!paste) return app.fail(paste.error());
  if (paste->job_id) {
    auto job = app.deps.jobs.find_job(*paste->job_id);
    if (!job) return app.fail(job.error());
    if (*job && !core::is_finished((*job)->job.state)) {
      auto cancelled = app.deps.job_control.cancel(*paste->job_id);
      // Conflict: it finished meanwhile.
      if (cancelled) {
        publish_job(app, *cancelled);
      } else if (cancelled.error().code != ErrorCode::Conflict) {
        return app.fail(cancelled.error());
      }
    }
  }
  // A job still saving its last lines finds the paste gone and stops (it is cancelled already).
  if (auto deleted = app.deps.matches.delete_paste(paste->id); !deleted) {
    return app.fail(deleted.error());
  }
  return http::Response::empty(204);
}

http::Response decide_paste_line(App& app, Context& context) {
  auto paste = owned_paste(app, context);
  if (!paste) return app.fail(paste.error());
  const std::string& line_text = context.param("line");
  const auto number = whole_number(line_text);
  if (!number || *number < 1 || static_cast<std::size_t>(*number) > paste->line_count) {
    return app.fail(core::make_error(
        ErrorCode::NotFound,
        "paste " + std::to_string(paste->id) + " has no line " + line_text.substr(0, 40)));
  }
  const auto line_number = static_cast<std::size_t>(*number);
  auto body = parse_paste_decision(context.body);
  if (!body) return app.fail(body.error());
  auto rows = app.deps.matches.paste_lines(paste->id);
  if (!rows) return app.fail(rows.error());
  const auto row = std::find_if(rows->begin(), rows->end(), [&](const core::PasteLineRow& each) {
    return each.match.number == line_number;
  });
  if (row == rows->end()) {
    return app.fail(core::make_error(
        ErrorCode::NotFound, "paste " + std::to_string(paste->id) + " has no line " + line_text));
  }
  const core::LineMatch& line = row->match;
  const std::string key = core::choice_key(line.input);
  const std::int64_t user_id = context.user_id();
  core::Result<core::PasteLineRow> decided = core::make_error(ErrorCode::Internal, "undecided");
  switch (body->kind) {
    case PasteDecisionBody::Kind::Skip:
      decided =
          app.deps.matches.decide_line(paste->id, line_number, core::LineDecision::Skipped, {});
      break;
    case PasteDecisionBody::Kind::Clear:
      decided = app.deps.matches.decide_line(paste->id, line_number, core::LineDecision::None, {});
      if (decided) {
        if (auto forgotten = app.deps.matches.forget_choice(user_id, key); !forgotten) {
          return app.fail(forgotten.error());
        }
      }
      break;
    case PasteDecisionBody::Kind::Accept:
    case PasteDecisionBody::Kind::Pick: {
      auto account = account_of(app, *paste);
      if (!account) return app.fail(account.error());
      auto chosen = chosen_track(app, *account, line, *body);
      if (!chosen) return app.fail(chosen.error());
      const auto decision = body->kind == PasteDecisionBody::Kind::Accept
                                ? core::LineDecision::Accepted
                                : core::LineDecision::Picked;
      decided = app.deps.matches.decide_line(paste->id, line_number, decision, *chosen);
      if (decided) {
        if (auto remembered =
                app.deps.matches.remember_choice(user_id, key, *chosen, app.deps.clock.now());
            !remembered) {
          return app.fail(remembered.error());
        }
      }
      break;
    }
  }
  if (!decided) return app.fail(decided.error());
  return http::Response::json(200, dump(paste_line_value(*decided)));
}

}  // namespace plm::web
