// plm match: pasted lines on standard input -> one JSON object per line on standard output, in
// input order (issue 11 §4, a stable interface: scripts rely on its fields).

#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <ostream>
#include <stdexcept>
#include <stop_token>

#include "app/cli/commands.hpp"
#include "app/cli/context.hpp"
#include "app/cli/match_output.hpp"
#include "app/match_lines.hpp"

namespace plm::app::cli {

namespace {

using Json = nlohmann::json;

/// The contract's object for one line. Never a field named `line` or `id`: the evaluation's
/// scorer requires such a field to equal its own.
Json result_json(const core::LineMatch& result) {
  Json candidates = Json::array();
  for (const auto& candidate : result.candidates)
    candidates.push_back(candidate_json(candidate.track, candidate.score));
  Json json{{"input", result.input},
            {"status", core::to_string(result.status)},
            {"uri", result.uri ? Json(*result.uri) : Json(nullptr)},
            {"confidence", result.confidence},
            {"candidates", candidates},
            {"source", core::to_string(result.source)},
            {"calls", result.calls}};
  if (!result.reason.empty()) json["reason"] = result.reason;
  return json;
}

struct MatchClients {
  std::function<std::unique_ptr<core::SpotifyApi>()> make_client;
  std::vector<core::TrackInfo> known;
};

/// Clients on the app's client-credentials token; a clear error when it needs a secret that is
/// not set (or a client ID).
core::Result<MatchClients> catalog_clients(Services& services) {
  auto probe = services.catalog_spotify();
  if (!probe) {
    return core::make_error(
        probe.error().code,
        "no Spotify account is connected (run `plm connect`), and " + probe.error().message);
  }
  return MatchClients{[&services] {
                        auto client = services.catalog_spotify();
                        // The settings were checked above; match_lines reports a throw as the
                        // run's error.
                        if (!client) throw std::runtime_error(client.error().message);
                        return std::move(*client);
                      },
                      {}};
}

/// Where `plm match` gets its Spotify clients and known tracks: the chosen connected account, or,
/// when the user has none (and no --account was given), the app's client-credentials token
/// (issue 11 §4: catalog search and track lookups only, nothing known from syncs).
core::Result<MatchClients> match_clients(CommandContext& context) {
  auto user = context.acting_user();
  if (!user) return user.error();
  if (!context.invocation().value(kAccountFlag.name)) {
    auto accounts = context.services().accounts().accounts_of(user->id);
    if (!accounts) return accounts.error();
    if (accounts->empty()) return catalog_clients(context.services());
  }
  auto account = context.chosen_account(*user);
  if (!account) return account.error();
  if (account->status == core::AccountStatus::NeedsReauth) {
    return core::make_error(
        core::ErrorCode::NeedsReauth,
        "Spotify account " + account->spotify_user_id + " needs re-authorization");
  }
  context.warn_if_authorization_ends_soon(*account);
  // Every distinct track of the account's stored playlists: matched with no call.
  auto known = context.services().matches().known_tracks(account->id);
  if (!known) return known.error();
  auto& services = context.services();
  return MatchClients{[&services, chosen = *account] { return services.spotify_for(chosen); },
                      std::move(*known)};
}

ExitCode match(CommandContext& context) {
  const std::string text{std::istreambuf_iterator<char>(std::cin),
                         std::istreambuf_iterator<char>()};
  auto paste = core::parse_paste(text);
  if (!paste) return context.fail(paste.error());
  auto source = match_clients(context);
  if (!source) return context.fail(source.error());
  const core::KnownTracks known(std::move(source->known));
  MatchLinesOptions options;
  options.known = &known;
  // The user's choices made in the web app answer their lines, as in a paste there.
  if (auto user = context.acting_user()) options.user_id = user->id;
  if (const auto in_flight = context.invocation().number("--in-flight"))
    options.in_flight = *in_flight;
  // The store's lookup cache: a line matched before costs no call while its answer is fresh.
  const MatchLinesDeps deps{.make_client = source->make_client,
                            .store = &context.services().matches(),
                            .clock = context.services().clock()};
  auto results = match_lines(deps, *paste, options, nullptr, std::stop_token{});
  if (!results) return context.fail(results.error());
  for (const auto& result : *results) context.out() << result_json(result).dump() << "\n";
  context.out().flush();
  return ExitCode::Ok;
}

}  // namespace

CommandGroup match_commands() {
  return {
      .name = "match",
      .summary = "match pasted lines (stdin) to Spotify tracks, one JSON object per line",
      .commands = {
          {.flags = {kAccountFlag,
                     {.name = "--in-flight",
                      .value_name = "N",
                      .description = "lines matched at once (default 4)",
                      .number = NumberRange{1, 16}}},
           .details = "Reads lines on standard input (track URIs and links, ISRCs, \"Artist - "
                      "Title\", \"Title by\nArtist\", spreadsheet rows, ...) and writes one JSON "
                      "object per input line, in input\norder: input, status (matched, ambiguous, "
                      "not_found, invalid), uri (or null), confidence\n(0-1), candidates (uri, "
                      "title, artists, album, duration, duration_ms). Blank and\ncomment lines get "
                      "invalid objects too. Uses the connected account (--account when\nthere are "
                      "several); with none, the app's client-credentials token (it needs\n"
                      "PLM_SPOTIFY_CLIENT_SECRET). Exit code 3 when the account needs "
                      "re-authorization, 4 when\n"
                      "Spotify asked to wait (nothing is written then).\n",
           .handler = match,
           .examples = {{"plm match < tracks.txt > matches.jsonl",
                         "match each line of tracks.txt; line N of the output is line N's match"},
                        {"plm match --in-flight 8 --jq 'select(.status != \"matched\") | .input' < "
                         "tracks.txt",
                         "the lines that did not match"}}}}};
}

}  // namespace plm::app::cli
