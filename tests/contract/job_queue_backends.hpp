#pragma once
/// The JobQueue implementations the contract suite runs on (job_queue_contract_test.cpp). A backend
/// opens handles on one queue with a given clock and creates the app users and Spotify accounts
/// that jobs refer to. Adding a backend is a class here and one name in the suite's type list.

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

#include "core/ports/clock.hpp"
#include "core/ports/job_queue.hpp"
#include "security/token_cipher.hpp"
#include "store_backends.hpp"
#include "support/in_memory_job_queue.hpp"

namespace plm::contract {

class InMemoryJobQueueBackend {
 public:
  std::optional<std::string> skip_reason() const { return std::nullopt; }

  /// A handle on this backend's queue. Called again, it returns another handle on the same queue,
  /// as a second process opening the same database would get (here: the same object, which is
  /// thread-safe). `clock` must outlive every handle; the first call's clock is the one used.
  std::shared_ptr<core::JobQueue> open(const core::Clock& clock) {
    if (!queue_) {
      queue_ = std::make_shared<test_support::InMemoryJobQueue>(
          clock,
          test_support::InMemoryJobQueue::References{
              .user_exists = [this](std::int64_t id) { return users_.count(id) > 0; },
              .account_exists = [this](std::int64_t id) { return accounts_.count(id) > 0; }});
    }
    return queue_;
  }

  /// Creates an app user (jobs must have an existing owner); returns its id. Call before any
  /// thread uses the queue.
  std::int64_t add_user(const std::string& /*username*/) {
    const std::int64_t id = static_cast<std::int64_t>(users_.size()) + 1;
    users_.insert(id);
    return id;
  }

  /// Creates a Spotify account of `owner` (a job naming an account needs it to exist); returns its
  /// id. Call before any thread uses the queue.
  std::int64_t add_account(std::int64_t /*owner*/) {
    const std::int64_t id = static_cast<std::int64_t>(accounts_.size()) + 1;
    accounts_.insert(id);
    return id;
  }

 private:
  std::set<std::int64_t> users_;
  std::set<std::int64_t> accounts_;
  std::shared_ptr<test_support::InMemoryJobQueue> queue_;
};

/// sql::SqlJobQueue on a fresh database of `Database` (store_backends.hpp). Every handle is a store
/// of its own, as another process opening the same database would have.
template <typename Database>
class SqlJobQueueBackend {
 public:
  std::optional<std::string> skip_reason() const { return database_.skip_reason(); }

  std::shared_ptr<core::JobQueue> open(const core::Clock& clock) {
    std::shared_ptr<sql::Store> store = database_.open(cipher_, clock);
    if (!first_) first_ = store;
    return std::shared_ptr<core::JobQueue>(store, &store->jobs());  // keeps its store alive
  }

  std::int64_t add_user(const std::string& username) {
    return created(first_->create_user(username, "hash", core::Role::Editor)).id;
  }

  std::int64_t add_account(std::int64_t owner) {
    const std::string spotify_id = "spotify-" + std::to_string(++accounts_);
    return created(first_->upsert_account(core::SpotifyAccount{.app_user_id = owner,
                                                               .spotify_user_id = spotify_id,
                                                               .display_name = spotify_id,
                                                               .client_id = "client"}));
  }

  Database& database() { return database_; }

 private:
  template <typename T>
  static T created(core::Result<T> result) {
    if (!result) throw std::runtime_error("test setup failed: " + result.error().message);
    return std::move(*result);
  }

  Database database_;
  security::TokenCipher cipher_{security::SecretKey::generate()};
  std::shared_ptr<sql::Store> first_;  ///< the first store opened: it adds users and accounts
  int accounts_ = 0;
};

using SqliteJobQueueBackend = SqlJobQueueBackend<SqliteBackend>;
using PostgresJobQueueBackend = SqlJobQueueBackend<PostgresBackend>;

}  // namespace plm::contract
