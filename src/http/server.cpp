#include "http/server.hpp"

#include <algorithm>
#include <array>
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <future>
#include <limits>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "http/event_stream.hpp"

namespace plm::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

/// The request line and headers of a parsed message (everything but the body).
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
  request.remote_address = remote;
  return request;
}

std::string_view trim_whitespace(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

/// The status to refuse a request with for its Transfer-Encoding, or 0 when there is none or it is
/// the one coding we understand: a single "chunked", which Beast decodes. Beast frames any other
/// list as a message without a body, so the body would be read as the next request.
int transfer_coding_refusal(const bhttp::request<bhttp::string_body>& message) {
  std::vector<std::string_view> codings;
  bool present = false;
  for (const auto& field : message) {
    if (field.name() != bhttp::field::transfer_encoding) continue;
    present = true;
    std::string_view rest = field.value();
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const auto coding = trim_whitespace(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      if (!coding.empty()) codings.push_back(coding);
    }
  }
  if (!present) return 0;
  // RFC 9112 section 6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing.
  if (message.version() < 11 || codings.empty()) return 400;
  if (codings.size() == 1 && beast::iequals(codings.front(), "chunked")) return 0;
  return 501;  // RFC 9112 section 6.1: a transfer coding the server does not understand
}

/// Read results that mean the client is gone or idle: the connection just ends, unanswered.
bool ends_connection(const beast::error_code& error) {
  return error == bhttp::error::end_of_stream || error == asio::error::eof ||
         error == beast::error::timeout || error == asio::error::operation_aborted ||
         error == asio::error::connection_reset;
}

/// How long a connection keeps reading (and dropping) what the client sends after the server
/// refused its request without reading the body, before it is closed.
constexpr std::chrono::seconds kLingerTime{2};

/// Statuses that never carry a body (RFC 9110 sections 15.2, 15.3.5, 15.4.5).
bool is_bodyless(int status) {
  return (status >= 100 && status < 200) || status == 204 || status == 304;
}

/// Moves the body out of `response` (unless nothing is sent); the status and headers stay, so the
/// response hook can still see them and get the body back afterwards.
bhttp::response<bhttp::string_body> to_message(Response& response, unsigned version,
                                               bool keep_alive, bool head_only) {
  bhttp::response<bhttp::string_body> message{static_cast<bhttp::status>(response.status), version};
  message.reason(reason_phrase(response.status));
  for (const auto& [name, value] : response.headers) message.insert(name, value);
  message.keep_alive(keep_alive);
  if (is_bodyless(response.status)) {
    // Beast knows these end after the headers; a Content-Length would be a lie for 204.
    message.erase(bhttp::field::content_length);
    return message;
  }
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

/// Completes when the client closes its side (or resets) the connection of a stream, so the
/// stream finishes at once instead of at the next failed write. Anything the client sends on a
/// stream connection is read and ignored.
asio::awaitable<void> watch_hangup(tcp::socket& socket, asio::steady_timer& wake, bool& hung_up) {
  std::array<char, 256> scratch;
  for (;;) {
    auto [error, bytes] =
        co_await socket.async_read_some(asio::buffer(scratch), asio::as_tuple(asio::use_awaitable));
    (void)bytes;
    if (error) break;  // EOF, reset, or cancelled because the writer is done
  }
  hung_up = true;
  wake.cancel();
}

}  // namespace

struct Server::Impl {
  Handler handler;
  ServerOptions options;
  std::uint16_t port = 0;

  Response refusal(int status, std::string_view message) const {
    if (options.error_response) {
      try {
        return options.error_response(status, message);
      } catch (...) {
        // Fall back to the built-in shape: a refusal must never fail.
      }
    }
    return error_response(status, message);
  }
  // Every stream a handler has returned and the server has not finished yet, so that stop() can
  // finish them while the loop is still intact: including those whose connection coroutine
  // never resumes (stopped while waiting out a delay or for the handler pool). Declared before
  // the loop, which unregisters streams as it is destroyed.
  std::mutex streams_mutex;
  std::unordered_set<std::shared_ptr<EventStream>> streams;
  // Open connections, in total and per client address (ServerOptions::max_connections*).
  // Declared before the loop, whose destruction releases the slots of the connections it frees.
  std::mutex connections_mutex;
  std::size_t open_connections = 0;
  std::unordered_map<std::string, std::size_t> connections_per_address;
  std::string busy_answer;  // the 503 for connections over a cap, serialized once by start()
  // Owned through pointers so that stop() can destroy them: that closes every connection (and
  // frees every coroutine) before stop() returns, rather than in ~Server.
  std::unique_ptr<asio::io_context> io = std::make_unique<asio::io_context>();
  std::unique_ptr<tcp::acceptor> acceptor = std::make_unique<tcp::acceptor>(*io);
  std::unique_ptr<asio::thread_pool> pool;  // handler_threads > 0
  std::vector<std::thread> threads;
  std::mutex stop_mutex;
  bool stopped = false;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  // The accept loop and stop_accepting() touch the acceptor only on this strand.
  std::optional<asio::strand<asio::io_context::executor_type>> accept_strand;

  void track(const std::shared_ptr<EventStream>& stream) {
    std::lock_guard lock(streams_mutex);
    streams.insert(stream);
  }

  /// Tracks a returned stream for as long as its connection serves it; when that ends for any
  /// reason (including the coroutine being destroyed by stop()), the stream is finished, which
  /// calls its on_finish.
  class StreamLease {
   public:
    StreamLease(Impl& impl, std::shared_ptr<EventStream> stream)
        : impl_(impl), stream_(std::move(stream)) {
      impl_.track(stream_);
    }
    ~StreamLease() {
      detail::EventStreamAccess::finish(*stream_);
      std::lock_guard lock(impl_.streams_mutex);
      impl_.streams.erase(stream_);
    }
    StreamLease(const StreamLease&) = delete;
    StreamLease& operator=(const StreamLease&) = delete;

   private:
    Impl& impl_;
    std::shared_ptr<EventStream> stream_;
  };

  /// Runs the handler on whatever executor this coroutine was spawned on (the handler pool).
  asio::awaitable<Response> call_handler(const Request& request) {
    Response response = handler(request);
    // Tracked here, on the pool thread, because stop() may drop the completion before it ever
    // reaches the connection coroutine.
    if (response.stream) track(response.stream);
    co_return response;
  }

  void report(const Request& request, const Response& response, Clock::time_point received) {
    try {
      options.on_response(request, response, Clock::now() - received);
    } catch (...) {
      // A metrics or logging hook must not take the connection down.
    }
  }

  /// One admitted connection's place in the counts, given back when released or destroyed (also
  /// when stop() frees the connection's coroutine).
  class ConnectionSlot {
   public:
    ConnectionSlot(Impl& impl, std::string address, std::string group)
        : impl_(&impl), address_(std::move(address)), group_(std::move(group)) {}
    ConnectionSlot(ConnectionSlot&& other) noexcept
        : impl_(std::exchange(other.impl_, nullptr)),
          address_(std::move(other.address_)),
          group_(std::move(other.group_)) {}
    ConnectionSlot& operator=(ConnectionSlot&&) = delete;
    ~ConnectionSlot() { release(); }

    const std::string& address() const { return address_; }
    void release() {
      if (impl_ != nullptr) std::exchange(impl_, nullptr)->release_connection(group_);
    }

   private:
    Impl* impl_;
    std::string address_;  ///< the client's, as requests report it
    std::string group_;    ///< what it is counted under (connection_group)
  };

  /// A slot for a new connection from `address`, or nullopt when it would go over a cap.
  std::optional<ConnectionSlot> admit(const std::string& address) {
    std::string group = connection_group(address);
    std::lock_guard lock(connections_mutex);
    const auto found = connections_per_address.find(group);
    const std::size_t from_address = found == connections_per_address.end() ? 0 : found->second;
    if (open_connections >= options.max_connections ||
        from_address >= options.max_connections_per_address) {
      return std::nullopt;
    }
    ++open_connections;
    ++connections_per_address[group];
    return ConnectionSlot(*this, address, std::move(group));
  }

  void release_connection(const std::string& group) {
    std::lock_guard lock(connections_mutex);
    --open_connections;
    const auto found = connections_per_address.find(group);
    if (found != connections_per_address.end() && --found->second == 0) {
      connections_per_address.erase(found);
    }
  }

  /// Answers a connection over a cap without serving it: one non-blocking write of the prepared
  /// 503 (a fresh connection's send buffer always has room for it), a read of what the client
  /// already sent (closing with unread data would reset the connection, which can destroy the
  /// answer before the client reads it), and close. Deliberately no coroutine, timer or buffer,
  /// unlike the refusals of a served connection: a flood over the cap costs a few system calls
  /// per connection and holds nothing. A client whose request arrives after this may see the
  /// connection reset instead of the 503.
  void turn_away(tcp::socket& socket) const {
    beast::error_code ignored;
    socket.non_blocking(true, ignored);
    socket.write_some(asio::buffer(busy_answer), ignored);
    std::array<char, 4096> scratch;
    for (int reads = 0; reads < 16; ++reads) {
      beast::error_code error;
      socket.read_some(asio::buffer(scratch), error);
      if (error) break;  // would_block: nothing more has arrived
    }
    socket.shutdown(tcp::socket::shutdown_send, ignored);
    socket.close(ignored);
  }

  void report_accept_error(const beast::error_code& error, std::chrono::milliseconds retry_in) {
    if (!options.on_accept_error) return;
    try {
      options.on_accept_error(error.message(), retry_in);
    } catch (...) {
      // A logging hook must not stop the server from accepting.
    }
  }

  /// Runs on accept_strand.
  asio::awaitable<void> accept_loop() {
    const auto shortest = std::max(options.accept_retry_min, std::chrono::milliseconds(1));
    const auto longest = std::max(options.accept_retry_max, shortest);
    std::chrono::milliseconds retry_in{0};
    asio::steady_timer retry_timer(co_await asio::this_coro::executor);
    for (;;) {
      auto [error, socket] = co_await acceptor->async_accept(asio::as_tuple(asio::use_awaitable));
      if (error) {
        if (error == asio::error::operation_aborted || !acceptor->is_open()) co_return;
        // E.g. EMFILE. The connection stays queued, so accepting again at once fails at once: a
        // busy loop at full CPU. Wait, longer after each failure; keep serving the open ones.
        retry_in = retry_in.count() == 0 ? shortest : std::min(retry_in * 2, longest);
        report_accept_error(error, retry_in);
        retry_timer.expires_after(retry_in);
        co_await retry_timer.async_wait(asio::as_tuple(asio::use_awaitable));
        continue;
      }
      retry_in = std::chrono::milliseconds(0);
      std::string remote;
      {
        beast::error_code ignored;
        const auto endpoint = socket.remote_endpoint(ignored);
        if (!ignored) remote = endpoint.address().to_string();
      }
      auto slot = admit(remote);
      if (!slot) {
        turn_away(socket);
        continue;
      }
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      asio::co_spawn(*io, serve_connection(std::move(socket), std::move(*slot)), asio::detached);
    }
  }

  /// One request read from a connection: whole, or refused before the handler (then `request`
  /// holds what could be parsed and the connection closes after the refusal).
  struct Incoming {
    Request request;
    std::optional<Response> refusal;
    unsigned version = 11;
    bool keep_alive = false;
    bool head_only = false;
  };

  /// The body limit for this request: the application's choice, never above max_body_bytes.
  std::size_t body_limit(const RequestHead& head) const {
    if (!options.body_limit_for) return options.max_body_bytes;
    try {
      return std::min(options.body_limit_for(head), options.max_body_bytes);
    } catch (...) {
      return 0;  // a failing hook must not let a body through unchecked
    }
  }

  /// Reads the head, asks for the body limit, then reads the body: so a request only gets to
  /// send (and the server only buffers) what the application allows this request. nullopt: the
  /// client closed or went idle.
  asio::awaitable<std::optional<Incoming>> read_request(beast::tcp_stream& stream,
                                                        beast::flat_buffer& buffer,
                                                        const std::string& remote) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(
        options.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
    parser.body_limit(options.max_body_bytes);
    stream.expires_after(options.read_timeout);  // for the head and the body together
    auto [head_error, head_bytes] = co_await bhttp::async_read_header(
        stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
    (void)head_bytes;
    if (ends_connection(head_error)) co_return std::nullopt;
    Incoming incoming;
    auto refuse = [&](int status, std::string_view message) {
      incoming.refusal = refusal(status, message);
      return std::optional<Incoming>(std::move(incoming));
    };
    if (head_error == bhttp::error::body_limit) {
      // Beast refuses a Content-Length above max_body_bytes before it marks the header done, but
      // the request line and fields are in the message by then.
      incoming.request = to_request(parser.get(), remote);
      co_return refuse(413, "Request entity too large");
    }
    incoming.request.remote_address = remote;
    if (head_error == bhttp::error::header_limit) {
      co_return refuse(431, "Request header fields too large");
    }
    if (head_error) co_return refuse(400, "Malformed HTTP request");

    auto& message = parser.get();
    incoming.request = to_request(message, remote);
    if (const int status = transfer_coding_refusal(message); status != 0) {
      co_return refuse(
          status, status == 501 ? "Transfer coding not implemented" : "Malformed HTTP request");
    }
    const std::size_t limit = body_limit(incoming.request);
    if (const auto length = parser.content_length(); length && *length > limit) {
      co_return refuse(413, "Request entity too large");
    }
    parser.body_limit(limit);  // a chunked body is counted as it arrives
    if (!parser.is_done()) {
      auto [body_error, body_bytes] =
          co_await bhttp::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
      (void)body_bytes;
      if (ends_connection(body_error)) co_return std::nullopt;
      if (body_error == bhttp::error::body_limit) co_return refuse(413, "Request entity too large");
      if (body_error) co_return refuse(400, "Malformed HTTP request");
    }
    incoming.version = message.version();
    incoming.keep_alive = message.keep_alive();
    incoming.head_only = message.method() == bhttp::verb::head;
    incoming.request.body = std::move(message.body());
    co_return incoming;
  }

  /// After a refusal that left the body unread, reads and drops what the client still sends, for
  /// at most kLingerTime: closing a socket with unread data makes the kernel reset the
  /// connection, and the reset can destroy the refusal before the client has read it.
  static asio::awaitable<void> discard_until_closed(beast::tcp_stream& stream) {
    stream.expires_after(kLingerTime);
    std::array<char, 4096> scratch;
    for (;;) {
      auto [error, bytes] = co_await stream.async_read_some(asio::buffer(scratch),
                                                            asio::as_tuple(asio::use_awaitable));
      (void)bytes;
      if (error) co_return;
    }
  }

  asio::awaitable<void> serve_connection(tcp::socket socket, ConnectionSlot slot) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    const std::string& remote = slot.address();
    bool refused = false;
    for (;;) {
      auto incoming = co_await read_request(stream, buffer, remote);
      if (!incoming) break;
      const Clock::time_point received = options.on_response ? Clock::now() : Clock::time_point{};
      const Request& request = incoming->request;
      const unsigned version = incoming->version;
      const bool head_only = incoming->head_only;
      Response response;
      if (incoming->refusal) {
        refused = true;
        response = std::move(*incoming->refusal);
      } else {
        try {
          std::optional<Response> fast;
          if (pool && options.fast_handler) fast = options.fast_handler(request);
          if (fast) {
            response = std::move(*fast);
          } else if (pool) {
            // Blocking handlers wait on the pool, not on an I/O thread; co_spawn resumes this
            // coroutine on the I/O threads afterwards.
            response = co_await asio::co_spawn(pool->get_executor(), call_handler(request),
                                               asio::use_awaitable);
          } else {
            response = handler(request);
          }
        } catch (...) {
          // The handler's own edge logs with context; the client gets no internals.
          response = refusal(500, "Server error");
        }
      }
      std::optional<StreamLease> lease;
      if (response.stream) lease.emplace(*this, response.stream);
      if (response.delay.count() > 0) {
        asio::steady_timer timer(stream.get_executor(), response.delay);
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
      }
      if (response.stream) {
        // A stream runs on a strand of its own: EventStream::push() wakes it from other threads,
        // and its writer and hang-up watcher share state. Ordinary requests (one coroutine,
        // one operation at a time) need no strand and skip its cost.
        co_await asio::co_spawn(
            asio::make_strand(io->get_executor()),
            serve_stream(stream, request, response, version, head_only, received),
            asio::use_awaitable);
        break;  // the body ended with the connection
      }
      auto message = to_message(response, version, incoming->keep_alive, head_only);
      stream.expires_after(options.read_timeout);
      auto [write_error, written] =
          co_await bhttp::async_write(stream, message, asio::as_tuple(asio::use_awaitable));
      (void)written;
      if (options.on_response) {
        if (!head_only && !is_bodyless(response.status)) response.body = std::move(message.body());
        report(request, response, received);
      }
      if (write_error || !incoming->keep_alive) break;
    }
    // A client that sees the connection end may connect again at once: its slot must be free by
    // then. After a refusal the slot is kept while the client's rest is dropped.
    if (!refused) slot.release();
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    if (refused) co_await discard_until_closed(stream);
  }

  asio::awaitable<void> serve_stream(beast::tcp_stream& stream, const Request& request,
                                     Response& response, unsigned version, bool head_only,
                                     Clock::time_point received) {
    EventStream& events = *response.stream;
    bhttp::response<bhttp::empty_body> header{static_cast<bhttp::status>(response.status), version};
    header.reason(reason_phrase(response.status));
    for (const auto& [name, value] : response.headers) header.insert(name, value);
    // The body runs until the connection closes, so no length, and nothing may cache or buffer
    // it: nginx would otherwise hold events back until its buffer fills.
    header.erase(bhttp::field::content_length);
    header.erase(bhttp::field::transfer_encoding);
    if (!response.header("Cache-Control")) header.set(bhttp::field::cache_control, "no-cache");
    if (!response.header("X-Accel-Buffering")) header.set("X-Accel-Buffering", "no");
    header.keep_alive(false);
    bhttp::response_serializer<bhttp::empty_body> serializer(header);
    stream.expires_after(options.read_timeout);
    auto [error, bytes] =
        co_await bhttp::async_write_header(stream, serializer, asio::as_tuple(asio::use_awaitable));
    (void)bytes;
    if (options.on_response) report(request, response, received);
    if (error || head_only) co_return;

    // push() and close() arrive on any thread: they post a cancel of this timer to the strand,
    // which ends the writer's wait. The timer is shared because a posted cancel may outlive us.
    auto wake = std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor);
    if (!detail::EventStreamAccess::attach(
            events, [wake] { asio::post(wake->get_executor(), [wake] { wake->cancel(); }); })) {
      co_return;
    }
    bool hung_up = false;
    using namespace asio::experimental::awaitable_operators;
    // Whichever ends first cancels the other; both run on this strand, so `hung_up` needs no lock.
    (void)co_await (write_events(stream, events, *wake, hung_up, std::move(response.body)) ||
                    watch_hangup(stream.socket(), *wake, hung_up));
  }

  /// Writes the stream's chunks as they come, and keep-alive bytes when it is idle, until it is
  /// closed and drained, a write fails, or the client hangs up.
  asio::awaitable<void> write_events(beast::tcp_stream& stream, EventStream& events,
                                     asio::steady_timer& wake, const bool& hung_up,
                                     std::string first) {
    std::vector<std::string> chunks;
    if (!first.empty()) chunks.push_back(std::move(first));
    std::vector<asio::const_buffer> buffers;
    for (;;) {
      const bool closing = detail::EventStreamAccess::take(events, chunks);
      if (hung_up) co_return;
      if (!chunks.empty()) {
        buffers.clear();
        for (const auto& chunk : chunks) buffers.push_back(asio::buffer(chunk));
        stream.expires_after(options.read_timeout);
        auto [error, bytes] =
            co_await asio::async_write(stream, buffers, asio::as_tuple(asio::use_awaitable));
        (void)bytes;
        chunks.clear();
        if (error) co_return;
        continue;  // more may have been pushed while we wrote
      }
      if (closing) co_return;
      // Checking the queue and starting the wait happen in one step on the strand, so a wake-up
      // posted by push() either finds the wait running or comes after the take above saw its
      // chunk: none is lost.
      if (options.stream_keepalive.count() > 0) {
        wake.expires_after(options.stream_keepalive);
      } else {
        wake.expires_at(asio::steady_timer::time_point::max());
      }
      auto [wait_error] = co_await wake.async_wait(asio::as_tuple(asio::use_awaitable));
      if (hung_up) co_return;
      if (!wait_error) {
        stream.expires_after(options.read_timeout);
        auto [error, bytes] =
            co_await asio::async_write(stream, asio::buffer(options.stream_keepalive_bytes),
                                       asio::as_tuple(asio::use_awaitable));
        (void)bytes;
        if (error) co_return;  // the client is gone: the lease finishes the stream
      }
      // operation_aborted: push() or close() woke us; take what is new.
    }
  }
};

std::string connection_group(const std::string& address) {
  beast::error_code invalid;
  const auto parsed = asio::ip::make_address(address, invalid);
  if (invalid || parsed.is_v4()) return address;
  const auto v6 = parsed.to_v6();
  if (v6.is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_string();
  auto bytes = v6.to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return asio::ip::address_v6(bytes).to_string() + "/64";
}

Server::Server(Handler handler, ServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  impl_->options = std::move(options);
  const tcp::endpoint endpoint(asio::ip::make_address(impl_->options.host), impl_->options.port);
  auto& acceptor = *impl_->acceptor;
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  impl_->port = acceptor.local_endpoint().port();
}

Server::~Server() { stop(); }

std::uint16_t Server::port() const { return impl_->port; }

void Server::start() {
  {
    std::lock_guard lock(impl_->stop_mutex);
    if (impl_->stopped || !impl_->threads.empty()) return;
  }
  if (impl_->options.handler_threads > 0) {
    impl_->pool = std::make_unique<asio::thread_pool>(
        static_cast<std::size_t>(impl_->options.handler_threads));
  }
  {
    Response busy = impl_->refusal(503, "Too many connections");
    std::ostringstream serialized;
    serialized << to_message(busy, 11, /*keep_alive=*/false, /*head_only=*/false);
    impl_->busy_answer = serialized.str();
  }
  impl_->work.emplace(impl_->io->get_executor());
  impl_->accept_strand.emplace(asio::make_strand(*impl_->io));
  asio::co_spawn(*impl_->accept_strand, impl_->accept_loop(), asio::detached);
  const int count = std::max(1, impl_->options.threads);
  for (int i = 0; i < count; ++i) impl_->threads.emplace_back([this] { impl_->io->run(); });
}

void Server::stop_accepting() {
  std::lock_guard lock(impl_->stop_mutex);
  if (impl_->stopped || !impl_->acceptor) return;
  if (impl_->threads.empty()) {
    beast::error_code ignored;
    impl_->acceptor->close(ignored);
    return;
  }
  // The acceptor belongs to the accept loop's strand: close it there, and wait until it is closed.
  std::promise<void> closed;
  auto done = closed.get_future();
  asio::post(*impl_->accept_strand, [this, &closed] {
    beast::error_code ignored;
    impl_->acceptor->close(ignored);
    closed.set_value();
  });
  done.wait();
}

void Server::stop() {
  {
    std::lock_guard lock(impl_->stop_mutex);
    if (impl_->stopped) return;
    impl_->stopped = true;
  }
  impl_->work.reset();
  impl_->io->stop();
  bool joined_all = true;
  for (auto& thread : impl_->threads) {
    if (thread.get_id() == std::this_thread::get_id()) {
      joined_all = false;
    } else if (thread.joinable()) {
      thread.join();
    }
  }
  if (impl_->pool) {
    impl_->pool->stop();  // handlers still running are waited for; queued ones are dropped
    impl_->pool->join();
  }
  // No server thread runs now, so no new stream can appear. Finish them all while the loop still
  // exists: afterwards no push() from a publisher's thread posts into it, and subscribers hear of
  // it before stop() returns.
  std::vector<std::shared_ptr<EventStream>> streams;
  {
    std::lock_guard lock(impl_->streams_mutex);
    streams.assign(impl_->streams.begin(), impl_->streams.end());
    impl_->streams.clear();
  }
  for (const auto& stream : streams) detail::EventStreamAccess::finish(*stream);
  if (!joined_all) return;  // called from a handler: the loop cannot be destroyed under itself
  // Destroying the loop frees every suspended coroutine, which closes its socket: clients see
  // the connection end now rather than when the Server object goes.
  impl_->pool.reset();
  impl_->acceptor.reset();
  impl_->accept_strand.reset();
  impl_->io.reset();
}

}  // namespace plm::http
