#pragma once
/// A small HTTP/1.1 server on Boost.Beast with C++20 coroutines. Boost stays inside server.cpp so
/// that including this header costs nothing; callers give it a handler function.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace plm::http {

using Handler = std::function<Response(const Request&)>;

/// Called after each response: for ordinary responses once the last byte is written, for streams
/// (Response::stream) once the headers are. `elapsed` runs from the moment the whole request was
/// read. Runs on an I/O thread, so it must be quick and thread-safe; exceptions are swallowed.
/// For requests the server refused itself (400, 413, 431, 501), `request` holds what could be
/// parsed; connections turned away over a cap (503) are not reported.
using ResponseHook =
    std::function<void(const Request&, const Response&, std::chrono::nanoseconds elapsed)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  ///< 0 binds a free port; read it back with Server::port()
  int threads = 2;         ///< threads running the event loop (and the handler, see below)
  /// The most body bytes any request may send; larger bodies answer 413 and close the connection.
  std::size_t max_body_bytes = 4 * 1024 * 1024;
  /// Called with the request line and headers before any of the body is read: the most body bytes
  /// this request may send (never more than max_body_bytes). Lets an application accept large
  /// bodies only from signed-in clients, so an anonymous connection cannot make the server buffer
  /// max_body_bytes. Runs on an I/O thread: memory only, never blocking; an exception counts as
  /// 0. Unset: max_body_bytes for every request.
  std::function<std::size_t(const RequestHead&)> body_limit_for;
  /// The most bytes of request line and headers; more answer 431 and close the connection.
  std::size_t max_header_bytes = 64 * 1024;
  /// Open connections at once, in total and per client address (an IPv6 client by its /64, see
  /// connection_group). A connection beyond either is answered 503 and closed at once (see
  /// Server::Impl::turn_away); behind a reverse proxy every client has the proxy's address.
  std::size_t max_connections = 1024;
  std::size_t max_connections_per_address = 64;
  /// When accepting fails (EMFILE: too many open files), the server waits before trying again,
  /// from the shorter delay doubling up to the longer one, back to the shorter after a success:
  /// the waiting connection stays queued, so trying again at once would fail at once, forever.
  std::chrono::milliseconds accept_retry_min{10};
  std::chrono::milliseconds accept_retry_max{1000};
  /// Called on each failed accept with the error and the wait before the next try (for logs).
  /// Runs on an I/O thread; exceptions are swallowed.
  std::function<void(std::string_view error, std::chrono::milliseconds retry_in)> on_accept_error;
  /// Limit for reading a request and for writing each part of a response; idle keep-alive
  /// connections close after it.
  std::chrono::seconds read_timeout{30};
  /// 0: handlers run on the I/O threads (right for handlers that take microseconds, like the
  /// emulator's). N > 0: handlers run on a separate pool of N threads, so a handler that blocks
  /// (database, password hashing) stalls no other connection's I/O.
  int handler_threads = 0;
  /// A stream that wrote nothing for this long gets `stream_keepalive_bytes`, so proxies keep it
  /// open and a client that is gone shows up as a write error. Zero or less: never.
  std::chrono::milliseconds stream_keepalive{15'000};
  std::string stream_keepalive_bytes = ": keep-alive\n\n";  ///< an SSE comment line
  ResponseHook on_response;  ///< metrics and access logs; unset costs nothing
  /// With handler_threads > 0: tried first, on the I/O thread, for every request. It must never
  /// block (memory only); a value is the answer, nullopt hands the request to the pool. Lets a
  /// cache hit skip two thread hops.
  std::function<std::optional<Response>(const Request&)> fast_handler;
  /// Builds the answers the server gives by itself (400 malformed request, 413 body too large,
  /// 431 headers too large, 500 when the handler throws, 501 unknown transfer coding, 503 over a
  /// connection cap), so they have the application's error shape. Unset: Spotify's
  /// `{"error":{"status":N,"message":"..."}}`, which the emulator needs.
  std::function<Response(int status, std::string_view message)> error_response;
};

/// The key a client's connections are counted under: an IPv4 address as it is, an IPv6 address
/// by its /64 prefix ("2001:db8:1:2::/64": one subscriber's allocation, in which a client may pick
/// any of 2^64 addresses, so counting full addresses would cap nothing), an IPv4-mapped IPv6
/// address as its IPv4. Text that is no address is its own key.
std::string connection_group(const std::string& address);

class Server {
 public:
  Server(Handler handler, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// The bound port (resolved when port 0 was asked for). Valid after construction.
  std::uint16_t port() const;
  /// Starts the worker threads and returns at once. Call once.
  void start();
  /// Closes the listening socket: no new connection is accepted, those open are still served (a
  /// shutdown can then stop background work without new requests arriving). Call from outside
  /// the server's threads; idempotent; stop() is still needed.
  void stop_accepting();
  /// Stops accepting, closes every connection, finishes every EventStream (their on_finish runs
  /// before this returns) and joins the threads; handlers already running on the handler pool
  /// are waited for. Idempotent; call it from outside the server's threads. The server cannot
  /// be started again.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace plm::http
