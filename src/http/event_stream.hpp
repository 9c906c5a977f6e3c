#pragma once
/// Responses whose body keeps coming after the handler has returned (server-sent events). The
/// handler creates an EventStream, hands it to whoever publishes (a subscriber list, a job), and
/// returns it in `Response::stream`; the server then writes whatever is pushed. Boost-free: the
/// server's side of the stream lives in server.cpp.

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace plm::http {

class EventStream;

namespace detail {
/// The server's side of an EventStream (attach a writer, take queued bytes, finish). Only
/// server.cpp and tests of the stream itself use it.
struct EventStreamAccess {
  /// Installs `wake`, which push() and close() call (under the stream's lock, so it must only
  /// schedule work, never block) when there is something new for the writer. Returns false if the
  /// stream has already finished.
  static bool attach(EventStream& stream, std::function<void()> wake);
  /// Moves every queued chunk to the end of `out`, in order. Returns true once close() was called
  /// (the chunks taken are then the last ones).
  static bool take(EventStream& stream, std::vector<std::string>& out);
  /// Marks the stream finished, drops what is still queued and `wake`, and calls the on_finish
  /// callback unless it already ran. Idempotent.
  static void finish(EventStream& stream);
};
}  // namespace detail

/// The body of a response that does not end when the handler returns (server-sent events).
/// The handler returns a Response whose `stream` is set; the server sends the status line and
/// headers (no Content-Length; `Cache-Control: no-cache` and `X-Accel-Buffering: no` are added
/// unless the handler set them), then the response's `body` if any, then writes every chunk given
/// to push(), in order, as soon as it can, until close() is called or the client goes away. The
/// connection is closed afterwards (the body ends with the connection, so it is never reused).
///
/// Formatting events ("data: ...\n\n") is the caller's business: the stream carries bytes.
class EventStream {
 public:
  EventStream();
  /// Calls the on_finish callback if the stream never finished (e.g. it was never served), so
  /// "called once" holds even for streams a handler dropped.
  ~EventStream();
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  /// Queues bytes for the client. Thread-safe and never blocks. Returns false once the stream
  /// has finished (closed, or the client disconnected), so publishers can drop it.
  bool push(std::string bytes);
  /// Ends the response once the queued bytes are written. Thread-safe, idempotent.
  void close();
  /// True after close() or after the server noticed the client is gone.
  bool finished() const;
  /// Called once (on some thread) when the stream finishes for any reason: the server wrote the
  /// last bytes after close(), the client went away, the server stopped, or the stream was
  /// destroyed without being served. Set it before returning the response (if the stream has
  /// already finished, it runs at once). Used to unsubscribe. It runs outside the stream's lock
  /// (so it may call push(), which then returns false); exceptions it throws are swallowed.
  void on_finish(std::function<void()> callback);

 private:
  friend struct detail::EventStreamAccess;
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace plm::http
