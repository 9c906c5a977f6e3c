#include "sql/connection_pool.hpp"

#include <stdexcept>

namespace plm::sql {

ConnectionPool::ConnectionPool(std::size_t size, Connect connect, std::unique_ptr<Connection> first)
    : size_(size), connect_(std::move(connect)) {
  if (size_ == 0) throw std::invalid_argument("a connection pool needs at least one connection");
  if (first) {
    idle_.push_back(std::move(first));
    open_ = 1;
  }
}

ConnectionPool::Lease::Lease(ConnectionPool& pool, std::unique_ptr<Connection> connection)
    : pool_(&pool), connection_(std::move(connection)) {}

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), connection_(std::move(other.connection_)) {}

ConnectionPool::Lease::~Lease() {
  if (connection_) pool_->give_back(std::move(connection_));
}

ConnectionPool::Lease ConnectionPool::lease() {
  std::unique_lock lock(mutex_);
  returned_.wait(lock, [&] { return !idle_.empty() || open_ < size_; });
  if (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(connection));
  }
  // Open a new one outside the lock (a connection to a server takes a round trip or more), with
  // its slot counted so no other thread opens one too many meanwhile.
  ++open_;
  lock.unlock();
  try {
    return Lease(*this, connect_());
  } catch (...) {
    lock.lock();
    --open_;
    lock.unlock();
    returned_.notify_one();
    throw;
  }
}

std::size_t ConnectionPool::open_count() const {
  std::lock_guard lock(mutex_);
  return open_;
}

void ConnectionPool::give_back(std::unique_ptr<Connection> connection) {
  if (connection->in_transaction()) connection->rollback();
  std::vector<std::unique_ptr<Connection>> closing;
  {
    std::lock_guard lock(mutex_);
    if (connection->is_broken()) {
      closing.push_back(std::move(connection));
      for (auto& idle : idle_) closing.push_back(std::move(idle));
      open_ -= closing.size();
      idle_.clear();
    } else {
      idle_.push_back(std::move(connection));
    }
  }
  returned_.notify_all();
  // `closing` is destroyed here, outside the lock: closing a connection to a server can take a
  // round trip.
}

}  // namespace plm::sql
