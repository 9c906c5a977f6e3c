#pragma once
/// The exit codes of `plm` (documented in `plm --help`): scripts branch on them, so the numbers
/// never change.

namespace plm::app {

enum class ExitCode : int {
  Ok = 0,
  Failure = 1,      ///< anything else that went wrong (database unreachable, disk full, ...)
  Usage = 2,        ///< bad arguments, settings or input: retrying the same cannot help
  NeedsReauth = 3,  ///< an account needs re-authorization (`plm connect` again)
  RetryLater = 4,   ///< Spotify asked us to wait (rate limit or quota); the message says until when
  Partial = 5,      ///< the command finished but some items failed (e.g. playlists in a sync)
};

/// The number the process exits with.
constexpr int exit_status(ExitCode code) { return static_cast<int>(code); }

}  // namespace plm::app
