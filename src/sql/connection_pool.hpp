#pragma once
// Internal to plm::sql: a fixed-size pool of connections shared by the threads of one process.

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "sql/connection.hpp"

namespace plm::sql {

/// Hands out up to `size` connections at once, opening them when first needed; a thread asking
/// for one while all are out waits until one comes back. A connection that comes back broken (the
/// server went away) is closed, and so are the idle ones, which most likely went with it (a server
/// restart): the next leases open fresh ones, so the store recovers by itself. A connection that
/// comes back inside a transaction is rolled back first. Thread-safe.
class ConnectionPool {
 public:
  using Connect = std::function<std::unique_ptr<Connection>()>;

  /// `first`, when given, is an open connection to start with (the one that ran the migrations).
  ConnectionPool(std::size_t size, Connect connect, std::unique_ptr<Connection> first = nullptr);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  /// A connection on loan; goes back to the pool when destroyed.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();
    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool& pool, std::unique_ptr<Connection> connection);
    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  /// Waits for a connection. Throws DatabaseError when a new one cannot be opened (the slot is
  /// given back, so a later call tries again).
  Lease lease();

  std::size_t size() const { return size_; }
  /// Connections open now, leased or idle.
  std::size_t open_count() const;

 private:
  void give_back(std::unique_ptr<Connection> connection);

  const std::size_t size_;
  const Connect connect_;
  mutable std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;
};

}  // namespace plm::sql
