#include "http/event_stream.hpp"

#include <mutex>
#include <utility>

namespace plm::http {

struct EventStream::State {
  mutable std::mutex mutex;
  std::vector<std::string> queue;
  bool closing = false;  // close() was called: no more pushes, end after the queue
  bool done = false;     // the server is done with it (or never will be): on_finish has run
  std::function<void()> wake;
  std::function<void()> on_finish;
};

namespace {

void run_callback(std::function<void()>& callback) {
  if (!callback) return;
  try {
    callback();
  } catch (...) {
    // An unsubscribe that throws must not take the server's I/O thread down with it.
  }
}

}  // namespace

EventStream::EventStream() : state_(std::make_unique<State>()) {}

EventStream::~EventStream() { detail::EventStreamAccess::finish(*this); }

bool EventStream::push(std::string bytes) {
  std::lock_guard lock(state_->mutex);
  if (state_->closing || state_->done) return false;
  // The writer takes the whole queue at once, so only the first chunk after a take needs to wake
  // it; later ones ride along. Saves one post per chunk under bursts.
  const bool was_empty = state_->queue.empty();
  state_->queue.push_back(std::move(bytes));
  // Waking under the lock is what makes finish() a barrier: once it returns, no push() can reach
  // into the server's event loop, which may then be destroyed.
  if (was_empty && state_->wake) state_->wake();
  return true;
}

void EventStream::close() {
  std::lock_guard lock(state_->mutex);
  if (state_->closing || state_->done) return;
  state_->closing = true;
  if (state_->wake) state_->wake();
}

bool EventStream::finished() const {
  std::lock_guard lock(state_->mutex);
  return state_->closing || state_->done;
}

void EventStream::on_finish(std::function<void()> callback) {
  {
    std::lock_guard lock(state_->mutex);
    if (!state_->done) {
      state_->on_finish = std::move(callback);
      return;
    }
  }
  run_callback(callback);
}

namespace detail {

bool EventStreamAccess::attach(EventStream& stream, std::function<void()> wake) {
  std::lock_guard lock(stream.state_->mutex);
  if (stream.state_->done) return false;
  stream.state_->wake = std::move(wake);
  return true;
}

bool EventStreamAccess::take(EventStream& stream, std::vector<std::string>& out) {
  std::lock_guard lock(stream.state_->mutex);
  auto& queue = stream.state_->queue;
  if (out.empty()) {
    out.swap(queue);
  } else {
    for (auto& chunk : queue) out.push_back(std::move(chunk));
    queue.clear();
  }
  return stream.state_->closing;
}

void EventStreamAccess::finish(EventStream& stream) {
  std::function<void()> callback;
  std::function<void()> wake;  // destroyed outside the lock: it owns server objects
  std::vector<std::string> dropped;
  {
    std::lock_guard lock(stream.state_->mutex);
    if (stream.state_->done) return;
    stream.state_->done = true;
    callback = std::exchange(stream.state_->on_finish, nullptr);
    wake = std::exchange(stream.state_->wake, nullptr);
    dropped.swap(stream.state_->queue);
  }
  run_callback(callback);
}

}  // namespace detail

}  // namespace plm::http
