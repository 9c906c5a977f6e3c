#pragma once
/// Runs a list of tasks with a few in flight at once, so work that waits on the network (a
/// Spotify call) is bound by the rate budget rather than by latency, while everything that
/// decides and stores stays on the calling thread, one result at a time.
///
/// Tasks start in index order, at most `in_flight` at a time, each on a worker thread; what they
/// produce (progress notes and results) is handed to the calling thread, which runs `on_progress`
/// and `on_done` there, serialised, in the order the notes arrive. With `in_flight` 1 there is no
/// thread at all: each task runs on the calling thread, after the previous one's `on_done`, which
/// is exactly a plain loop.
///
/// Stopping: no task starts once `stop` is requested or an `on_done` returned false; the tasks
/// running then get a stop token that fires, end at their next check, and their results still go
/// to `on_done` (the caller decides what a result cut short means). An exception from a task stops
/// the run the same way and is thrown again on the calling thread once every worker has ended.
///
/// At most `in_flight` tasks are open at once, open meaning started and not yet given to
/// `on_done`: a worker whose result waits for the calling thread (a slow `on_done`, a big
/// transaction) does not start another task until it has been taken. So a run cut short has
/// spent work on at most `in_flight` tasks whose results were not taken, and memory holds at most
/// that many results.
///
/// The sync reads playlists' items this way (sync_service.hpp); any job made of independent,
/// call-bound steps that must be recorded in one place can too.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>
#include <utility>
#include <vector>

namespace plm::core {

/// How far a task is: `done` of `total` (units of the task's choosing: items, pages).
using TaskProgress = std::function<void(std::int64_t done, std::int64_t total)>;

template <typename Out>
struct InFlightTasks {
  std::size_t count = 0;  ///< tasks 0 .. count-1
  int in_flight = 1;      ///< at most this many at once (values below 1 count as 1)
  std::stop_token stop;   ///< no task starts once it is requested
  /// Task `index`; `stop` fires when the run stops; `progress` may be called any number of times.
  /// Runs on a worker thread when in_flight > 1: it must touch only what is safe to share.
  std::function<Out(std::size_t index, std::stop_token stop, const TaskProgress& progress)> run;
  /// On the calling thread, for every progress note of a task.
  std::function<void(std::size_t index, std::int64_t done, std::int64_t total)> on_progress;
  /// On the calling thread, once per task that started, with its result; false stops the run.
  std::function<bool(std::size_t index, Out out)> on_done;
};

/// Runs the tasks (see above). Returns how many started: fewer than `count` only after a stop.
template <typename Out>
std::size_t run_in_flight(const InFlightTasks<Out>& tasks) {
  const auto progress_of = [&tasks](std::size_t index) -> TaskProgress {
    return [&tasks, index](std::int64_t done, std::int64_t total) {
      if (tasks.on_progress) tasks.on_progress(index, done, total);
    };
  };
  const std::size_t threads =
      std::min<std::size_t>(static_cast<std::size_t>(std::max(1, tasks.in_flight)), tasks.count);
  if (threads <= 1) {
    // One at a time on this thread: a plain loop, no thread to start or to share with.
    std::stop_source stopped;
    std::stop_callback forward(tasks.stop, [&stopped] { stopped.request_stop(); });
    std::size_t index = 0;
    for (; index < tasks.count && !stopped.stop_requested(); ++index) {
      if (!tasks.on_done(index, tasks.run(index, stopped.get_token(), progress_of(index))))
        stopped.request_stop();
    }
    return index;
  }

  struct Note {
    std::size_t index = 0;
    std::int64_t done = 0, total = 0;
    std::optional<Out> out;  ///< set: the task ended with it
  };
  struct Shared {
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<Note> notes;
    std::size_t next = 0;     ///< the next task to start
    std::size_t open = 0;     ///< tasks started, results not yet given to on_done
    std::size_t running = 0;  ///< workers not ended
    std::exception_ptr failure;
    std::stop_source stopped;
  } shared;
  std::stop_callback forward(tasks.stop, [&shared] {
    shared.stopped.request_stop();
    const std::lock_guard lock(shared.mutex);
    shared.changed.notify_all();
  });
  const auto post = [&shared](Note note) {
    const std::lock_guard lock(shared.mutex);
    shared.notes.push_back(std::move(note));
    shared.changed.notify_all();
  };
  const auto work = [&] {
    try {
      while (true) {
        std::size_t index = 0;
        {
          std::unique_lock lock(shared.mutex);
          shared.changed.wait(
              lock, [&] { return shared.open < threads || shared.stopped.stop_requested(); });
          if (shared.stopped.stop_requested() || shared.next >= tasks.count) break;
          index = shared.next++;
          ++shared.open;
        }
        Out out =
            tasks.run(index, shared.stopped.get_token(), [&post, index](auto done, auto total) {
              post(Note{index, done, total, std::nullopt});
            });
        post(Note{index, 0, 0, std::move(out)});
      }
    } catch (...) {
      const std::lock_guard lock(shared.mutex);
      if (!shared.failure) shared.failure = std::current_exception();
      shared.stopped.request_stop();
    }
    const std::lock_guard lock(shared.mutex);
    --shared.running;
    shared.changed.notify_all();
  };

  shared.running = threads;
  {
    std::vector<std::jthread> workers;
    // Destroyed before the workers are joined: when on_done throws, the workers must stop (and
    // stop waiting for it to catch up) or the join would never end.
    struct StopOnExit {
      Shared& shared;
      ~StopOnExit() {
        shared.stopped.request_stop();
        const std::lock_guard lock(shared.mutex);
        shared.changed.notify_all();
      }
    };
    workers.reserve(threads);
    for (std::size_t t = 0; t < threads; ++t) workers.emplace_back(work);
    const StopOnExit stop_on_exit{shared};
    while (true) {
      std::deque<Note> notes;
      bool ended = false;
      {
        std::unique_lock lock(shared.mutex);
        shared.changed.wait(lock, [&] { return !shared.notes.empty() || shared.running == 0; });
        notes.swap(shared.notes);
        ended = shared.running == 0;
      }
      for (Note& note : notes) {
        if (!note.out) {
          if (tasks.on_progress) tasks.on_progress(note.index, note.done, note.total);
          continue;
        }
        const bool go_on = tasks.on_done(note.index, std::move(*note.out));
        const std::lock_guard lock(shared.mutex);
        --shared.open;
        if (!go_on) shared.stopped.request_stop();
        shared.changed.notify_all();
      }
      if (ended) break;
    }
  }  // every worker has ended (the jthreads join here)
  if (shared.failure) std::rethrow_exception(shared.failure);
  return shared.next;
}

}  // namespace plm::core
