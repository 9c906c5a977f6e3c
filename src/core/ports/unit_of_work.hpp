#pragma once
/// Several port calls in one database transaction: all of them are stored, or none. The durable
/// jobs need it ("enqueue a job in the same transaction as the change that asks for it"), and so
/// does any change that spans two calls.

#include <functional>

#include "core/ports/job_queue.hpp"
#include "core/ports/match_store.hpp"
#include "core/ports/playlist_journal.hpp"
#include "core/ports/store.hpp"
#include "core/result.hpp"

namespace plm::core {

/// The store ports bound to one unit of work: every call made through them is part of its
/// transaction and sees the unit's own changes. Valid only while the work runs. A port that joins
/// units of work is added here as one more accessor, without changing the port itself.
class TransactionPorts {
 public:
  virtual ~TransactionPorts() = default;
  virtual UserStore& users() = 0;
  virtual AccountStore& accounts() = 0;
  virtual PlaylistStore& playlists() = 0;
  virtual SessionStore& sessions() = 0;
  /// Enqueue a job in the same transaction as the change that asks for it: both are stored, or
  /// neither. (A claim made here holds its job only once the unit commits.)
  virtual JobQueue& jobs() = 0;
  /// Record a version with the change that made it (an edit's last write and its job's progress).
  virtual PlaylistJournal& journal() = 0;
  /// Store a paste with the job that matches it (create_paste, enqueue, set_paste_job).
  virtual MatchStore& matches() = 0;
};

/// Implemented by sql::Store (both databases) and test_support::InMemoryStore; the storage
/// contract suite holds all of them to the same promises.
class UnitOfWork {
 public:
  virtual ~UnitOfWork() = default;

  /// Runs `work` with ports bound to one new transaction and commits it when `work` returns a
  /// value. When `work` returns an error, that error is returned and nothing `work` did is
  /// stored; when it throws, nothing is stored and the exception propagates.
  ///
  /// Inside, each call through the ports happens entirely or not at all, as outside: a call that
  /// fails (a Conflict, a NotFound) changes nothing and `work` decides whether to go on. Only the
  /// ports handed to `work` may be used meanwhile: calling the store's own ports from inside
  /// `work` (which would escape the transaction) is refused with ErrorCode::Internal. A failure
  /// of the database itself (connection lost, commit in doubt) is returned as Unavailable.
  /// Concurrent units of work do not see each other's uncommitted changes.
  virtual Status in_transaction(const std::function<Status(TransactionPorts&)>& work) = 0;
};

}  // namespace plm::core
