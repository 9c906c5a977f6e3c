#pragma once
/// A small HTTP/1.1 server on Boost.Beast with C++20 coroutines. Boost stays inside server.cpp so
/// that including this header costs nothing; callers give it a handler function.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/message.hpp"

namespace plm::http {

using Handler = std::function<Response(const Request&)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  ///< 0 binds a free port; read it back with Server::port()
  int threads = 2;         ///< threads running the event loop and the handler
  std::size_t max_body_bytes = 4 * 1024 * 1024;  ///< larger bodies answer 413
  std::chrono::seconds read_timeout{30};
};

class Server {
 public:
  Server(Handler handler, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// The bound port (resolved when port 0 was asked for). Valid after construction.
  std::uint16_t port() const;
  /// Starts the worker threads and returns at once.
  void start();
  /// Stops accepting, closes connections and joins the threads. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace plm::http
