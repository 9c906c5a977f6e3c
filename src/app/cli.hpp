#pragma once
/// The `plm` command line: subcommands over the same core services the web app uses.
///
/// Exit codes (documented in `plm --help`):
///   0 success; 1 failure; 2 usage error; 3 an account needs re-authorization;
///   4 Spotify asked us to wait (rate limit or quota; the message says until when);
///   5 partial: the command finished but some items failed (e.g. playlists in a sync).

#include <iosfwd>

namespace plm::app {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,
  kExitUsage = 2,
  kExitNeedsReauth = 3,
  kExitRetryLater = 4,
  kExitPartial = 5,
};

int run_cli(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace plm::app
