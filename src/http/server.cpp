#include "http/server.hpp"

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

namespace plm::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

Request to_request(const bhttp::request<bhttp::string_body>& message, const std::string& remote) {
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  const std::string_view target = request.target;
  const auto question = target.find('?');
  request.path = percent_decode(target.substr(0, question), /*plus_is_space=*/false);
  if (question != std::string_view::npos) request.query = parse_form(target.substr(question + 1));
  for (const auto& field : message) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = message.body();
  request.remote_address = remote;
  return request;
}

bhttp::response<bhttp::string_body> to_message(Response response, unsigned version, bool keep_alive,
                                               bool head_only) {
  bhttp::response<bhttp::string_body> message{static_cast<bhttp::status>(response.status), version};
  message.reason(reason_phrase(response.status));
  for (auto& [name, value] : response.headers) message.insert(name, value);
  message.keep_alive(keep_alive);
  const auto size = response.body.size();
  if (!head_only) message.body() = std::move(response.body);
  message.content_length(size);
  return message;
}

Response error_response(int status, std::string_view message) {
  std::string body = R"({"error":{"status":)" + std::to_string(status) + R"(,"message":")";
  body += message;
  body += "\"}}";
  return Response::json(status, std::move(body));
}

}  // namespace

struct Server::Impl {
  Handler handler;
  ServerOptions options;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::vector<std::thread> threads;
  std::mutex stop_mutex;
  bool stopped = false;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [error, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
      if (error) {
        if (error == asio::error::operation_aborted || !acceptor.is_open()) co_return;
        continue;  // e.g. EMFILE: keep serving the connections we have
      }
      socket.set_option(tcp::no_delay(true));
      asio::co_spawn(io, serve_connection(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> serve_connection(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    std::string remote;
    {
      beast::error_code ignored;
      const auto endpoint = stream.socket().remote_endpoint(ignored);
      if (!ignored) remote = endpoint.address().to_string();
    }
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.body_limit(options.max_body_bytes);
      parser.header_limit(64 * 1024);
      stream.expires_after(options.read_timeout);
      auto [read_error, bytes] =
          co_await bhttp::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
      (void)bytes;
      if (read_error == bhttp::error::end_of_stream || read_error == asio::error::eof ||
          read_error == beast::error::timeout || read_error == asio::error::operation_aborted ||
          read_error == asio::error::connection_reset) {
        break;
      }
      Response response;
      unsigned version = 11;
      bool keep_alive = false;
      bool head_only = false;
      if (read_error == bhttp::error::body_limit) {
        response = error_response(413, "Request entity too large");
      } else if (read_error) {
        response = error_response(400, "Malformed HTTP request");
      } else {
        const auto& message = parser.get();
        version = message.version();
        keep_alive = message.keep_alive();
        head_only = message.method() == bhttp::verb::head;
        try {
          response = handler(to_request(message, remote));
        } catch (const std::exception&) {
          // The handler's own edge logs with context; the client gets no internals.
          response = error_response(500, "Server error");
        }
      }
      if (response.delay.count() > 0) {
        asio::steady_timer timer(stream.get_executor(), response.delay);
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
      }
      auto message = to_message(std::move(response), version, keep_alive, head_only);
      stream.expires_after(options.read_timeout);
      auto [write_error, written] =
          co_await bhttp::async_write(stream, message, asio::as_tuple(asio::use_awaitable));
      (void)written;
      if (write_error || !keep_alive) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }
};

Server::Server(Handler handler, ServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  impl_->options = std::move(options);
  const tcp::endpoint endpoint(asio::ip::make_address(impl_->options.host), impl_->options.port);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen(asio::socket_base::max_listen_connections);
}

Server::~Server() { stop(); }

std::uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

void Server::start() {
  impl_->work.emplace(impl_->io.get_executor());
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  const int count = std::max(1, impl_->options.threads);
  for (int i = 0; i < count; ++i) impl_->threads.emplace_back([this] { impl_->io.run(); });
}

void Server::stop() {
  {
    std::lock_guard lock(impl_->stop_mutex);
    if (impl_->stopped) return;
    impl_->stopped = true;
  }
  asio::post(impl_->io, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
  });
  impl_->work.reset();
  impl_->io.stop();
  for (auto& thread : impl_->threads) {
    if (thread.joinable() && thread.get_id() != std::this_thread::get_id()) thread.join();
  }
}

}  // namespace plm::http
