#pragma once
/// What a command's handler works with: its parsed command line, the output streams, the
/// configuration and services the dispatcher loaded for it, and the helpers every command shares
/// (the acting user, the chosen account, one way to report an error).

#include <iosfwd>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string_view>

#include "app/cli/command_line.hpp"
#include "app/config.hpp"
#include "app/services.hpp"
#include "core/model/account.hpp"

namespace plm::app::cli {

/// The exit code of a failed command: NeedsReauth 3, RateLimited and QuotaExceeded 4 (retry
/// later), InvalidInput 2 (usage), anything else 1.
ExitCode exit_code_for(const core::Error& error);

/// The message of `error` for a person: with the retry time, and what to do about NeedsReauth.
/// The error's technical detail (a database's text) only with PLM_DEBUG=1 in the environment;
/// without it an Internal error says how to see it ("run again with PLM_DEBUG=1 for details").
std::string describe_error(const core::Error& error);

/// {"error": {"code", "message", "retry_at"?, "detail"? (PLM_DEBUG=1)}}: what --json prints on
/// stdout for a failure.
nlohmann::json error_json(const core::Error& error);

/// PLM_DEBUG is set (and not "0") in the environment: errors show their technical detail.
bool debug_requested();

/// The playlist id a command's argument names: a bare id, a `spotify:playlist:` URI or an
/// open.spotify.com playlist link (core::playlist_id_from). Another URI or link (an album, a
/// track) is a usage error saying what is wanted; any other text is taken as written (ids of
/// other services' tests and emulators need not have 22 characters), for the store to look up.
core::Result<std::string> playlist_id_argument(std::string_view text);

/// A track or episode argument: a `spotify:track:`/`spotify:episode:` URI or an open.spotify.com
/// track or episode link, as its URI (core::item_uri_from); anything else is a usage error.
core::Result<std::string> item_uri_argument(std::string_view text);

/// NotFound for a playlist the account's store does not hold, naming it and what to run.
core::Error playlist_not_found(const std::string& playlist_id, const core::SpotifyAccount& account);

/// `--account ID`: the flag of every command that works on one connected account.
extern const Flag kAccountFlag;

class Output;
struct Terminal;

class CommandContext {
 public:
  CommandContext(const Invocation& invocation, std::ostream& out, std::ostream& err);
  ~CommandContext();

  const Invocation& invocation() const { return invocation_; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }
  /// --json (or --jq): machine-readable output on stdout.
  bool json() const { return invocation_.json || invocation_.jq.has_value(); }
  /// Where results go (app/cli/output.hpp): tables on a terminal, TSV in a pipe, JSON with
  /// --json. Made by the dispatcher before the handler runs (use_terminal); without that (a test
  /// that makes a context itself), as for a pipe.
  Output& output();
  /// Makes output() write for `terminal` (cli.cpp: Terminal::detect of the process).
  void use_terminal(const Terminal& terminal);

  /// Only for commands that declared Needs::Config or Needs::Services.
  const Config& config() const;
  /// Only for commands that declared Needs::Services.
  Services& services();
  void set_config(Config config);
  void open_services();

  /// Reports `error` on stderr (and, with --json, as {"error": {...}} on stdout).
  ExitCode fail(const core::Error& error);

  /// The plm user this command acts as: --user/PLM_USER, else the only user or the first admin.
  /// On a fresh install the first command creates an "admin" user (without a password: the web
  /// app asks for one on first visit, or set it with `plm user add`).
  core::Result<core::AppUser> acting_user();

  /// The account named by --account (id or Spotify user id), or the user's only account.
  core::Result<core::SpotifyAccount> chosen_account(const core::AppUser& user);

  /// A warning on stderr when the account's authorization ends within the warning period.
  void warn_if_authorization_ends_soon(const core::SpotifyAccount& account);

 private:
  const Invocation& invocation_;
  std::ostream& out_;
  std::ostream& err_;
  std::optional<Config> config_;
  std::unique_ptr<Services> services_;
  std::unique_ptr<Output> output_;
};

}  // namespace plm::app::cli
