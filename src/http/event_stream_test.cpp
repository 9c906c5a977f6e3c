#include "http/event_stream.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "http/server.hpp"
#include "support/flag.hpp"
#include "support/raw_client.hpp"

namespace plm::http {
namespace {

using namespace std::chrono_literals;

constexpr auto kDeadline = 10s;  // generous: only a broken server ever waits this long

using test_support::Flag;
using test_support::RawClient;

/// Where the handler leaves the stream it returned, for the test to publish to.
class StreamSlot {
 public:
  void put(std::shared_ptr<EventStream> stream) {
    {
      std::lock_guard lock(mutex_);
      stream_ = std::move(stream);
    }
    changed_.notify_all();
  }
  std::shared_ptr<EventStream> wait() {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, kDeadline, [&] { return stream_ != nullptr; });
    return stream_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::shared_ptr<EventStream> stream_;
};

class EventStreamServerTest : public ::testing::Test {
 protected:
  void start(ServerOptions options = {}) {
    server_ = std::make_unique<Server>(
        [this](const Request& request) {
          if (request.path != "/events") return Response::text(200, "plain");
          auto stream = std::make_shared<EventStream>();
          stream->on_finish([this] {
            ++finish_calls_;
            finished_.set();
          });
          auto response = Response::text(200, initial_body_, "text/event-stream");
          if (handler_cache_control_) response.set_header("Cache-Control", *handler_cache_control_);
          response.stream = stream;
          response.delay = delay_;
          slot_.put(std::move(stream));
          return response;
        },
        std::move(options));
    server_->start();
  }

  std::string initial_body_;
  std::chrono::milliseconds delay_{0};
  std::optional<std::string> handler_cache_control_;
  StreamSlot slot_;
  Flag finished_;
  std::atomic<int> finish_calls_{0};
  std::unique_ptr<Server> server_;
};

TEST_F(EventStreamServerTest, SendsHeadersThenEachChunkAsItIsPushedInOrderUntilClosed) {
  initial_body_ = "retry: 1000\n\n";
  start();
  RawClient client(server_->port());
  client.get("/events");
  const auto stream = slot_.wait();
  ASSERT_NE(stream, nullptr);

  // Each chunk arrives while the response is still open: nothing waits for close().
  ASSERT_TRUE(client.read_until_contains("retry: 1000\n\n"));
  ASSERT_TRUE(stream->push("data: 1\n\n"));
  ASSERT_TRUE(client.read_until_contains("data: 1\n\n"));
  ASSERT_TRUE(stream->push("data: 2\n\n"));
  ASSERT_TRUE(client.read_until_contains("data: 2\n\n"));
  // A burst from another thread keeps its order.
  std::string expected = "retry: 1000\n\ndata: 1\n\ndata: 2\n\n";
  for (int i = 3; i <= 200; ++i) expected += "data: " + std::to_string(i) + "\n\n";
  std::thread publisher([&] {
    for (int i = 3; i <= 200; ++i) stream->push("data: " + std::to_string(i) + "\n\n");
    stream->close();
  });
  publisher.join();
  EXPECT_TRUE(stream->finished());
  EXPECT_FALSE(stream->push("data: too late\n\n"));
  ASSERT_TRUE(client.read_until_closed());

  const auto head = client.head();
  EXPECT_TRUE(head.starts_with("HTTP/1.1 200 OK\r\n")) << head;
  EXPECT_NE(head.find("Content-Type: text/event-stream\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("Cache-Control: no-cache\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("X-Accel-Buffering: no\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("Connection: close\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.find("Content-Length"), std::string::npos) << head;
  EXPECT_EQ(client.body(), expected);
  EXPECT_TRUE(finished_.wait());
  EXPECT_EQ(finish_calls_, 1);
}

TEST_F(EventStreamServerTest, KeepsTheHandlersCacheControl) {
  handler_cache_control_ = "no-store";
  start();
  RawClient client(server_->port());
  client.get("/events");
  slot_.wait()->close();

  ASSERT_TRUE(client.read_until_closed());
  EXPECT_NE(client.head().find("Cache-Control: no-store\r\n"), std::string::npos);
  EXPECT_EQ(client.head().find("no-cache"), std::string::npos);
}

TEST_F(EventStreamServerTest, FinishesWhenTheClientDisconnects) {
  start();  // default 15 s keep-alive: noticing the hang-up must not wait for it
  RawClient client(server_->port());
  client.get("/events");
  const auto stream = slot_.wait();
  ASSERT_TRUE(stream->push("data: hello\n\n"));
  ASSERT_TRUE(client.read_until_contains("data: hello\n\n"));

  client.close();

  ASSERT_TRUE(finished_.wait());
  EXPECT_TRUE(stream->finished());
  EXPECT_FALSE(stream->push("data: nobody listens\n\n"));
  EXPECT_EQ(finish_calls_, 1);
}

TEST_F(EventStreamServerTest, WritesKeepaliveBytesWhenIdle) {
  start(ServerOptions{.stream_keepalive = 50ms, .stream_keepalive_bytes = ": ping\n\n"});
  RawClient client(server_->port());
  client.get("/events");
  const auto stream = slot_.wait();

  ASSERT_TRUE(client.read_until_contains(": ping\n\n: ping\n\n"));
  ASSERT_TRUE(stream->push("data: real\n\n"));
  ASSERT_TRUE(client.read_until_contains("data: real\n\n"));
  EXPECT_FALSE(stream->finished());
}

TEST_F(EventStreamServerTest, StopFinishesOpenStreamsBeforeReturning) {
  start();
  RawClient client(server_->port());
  client.get("/events");
  const auto stream = slot_.wait();
  ASSERT_TRUE(stream->push("data: 1\n\n"));
  ASSERT_TRUE(client.read_until_contains("data: 1\n\n"));
  std::atomic<bool> publishing{true};
  // A publisher racing with stop() must neither crash nor keep the stream alive.
  std::thread publisher([&] {
    while (publishing && stream->push("data: more\n\n")) {
    }
  });

  server_->stop();

  EXPECT_TRUE(finished_.is_set());  // already, not eventually
  EXPECT_TRUE(stream->finished());
  EXPECT_FALSE(stream->push("data: after stop\n\n"));
  publishing = false;
  publisher.join();
  EXPECT_TRUE(client.read_until_closed());
  EXPECT_EQ(finish_calls_, 1);
}

TEST_F(EventStreamServerTest, StopFinishesStreamsNotServedYet) {
  delay_ = std::chrono::minutes(1);
  start(ServerOptions{.handler_threads = 1});
  RawClient client(server_->port());
  client.get("/events");
  const auto stream = slot_.wait();  // held like a publisher would: it outlives the connection

  server_->stop();

  EXPECT_TRUE(finished_.is_set());
  EXPECT_FALSE(stream->push("data: after stop\n\n"));
  EXPECT_TRUE(client.read_until_closed());
}

TEST_F(EventStreamServerTest, HeadGetsTheHeadersAndFinishesTheStream) {
  start();
  RawClient client(server_->port());
  client.get("/events", "HEAD");

  ASSERT_TRUE(client.read_until_closed());
  EXPECT_TRUE(client.received().starts_with("HTTP/1.1 200 OK\r\n"));
  EXPECT_EQ(client.body(), "");
  EXPECT_TRUE(finished_.wait());
}

TEST_F(EventStreamServerTest, ResponseHookRunsWhenTheHeadersAreWritten) {
  Flag hooked;
  std::atomic<int> status{0};
  start(ServerOptions{.on_response = [&](const Request& request, const Response& response,
                                         std::chrono::nanoseconds) {
    if (request.path != "/events") return;
    status = response.status;
    EXPECT_NE(response.stream, nullptr);
    hooked.set();
  }});
  RawClient client(server_->port());
  client.get("/events");
  const auto stream = slot_.wait();

  ASSERT_TRUE(hooked.wait());  // while the stream is still open
  EXPECT_EQ(status, 200);
  EXPECT_FALSE(stream->finished());
  stream->close();
  EXPECT_TRUE(client.read_until_closed());
}

TEST(EventStream, CloseIsIdempotentAndEndsPushing) {
  EventStream stream;
  EXPECT_FALSE(stream.finished());
  EXPECT_TRUE(stream.push("a"));

  stream.close();
  stream.close();

  EXPECT_TRUE(stream.finished());
  EXPECT_FALSE(stream.push("b"));
}

TEST(EventStream, TakeHandsOverChunksInOrderAndReportsClosing) {
  EventStream stream;
  stream.push("a");
  stream.push("b");
  std::vector<std::string> taken{"first"};

  EXPECT_FALSE(detail::EventStreamAccess::take(stream, taken));
  stream.push("c");
  stream.close();
  EXPECT_TRUE(detail::EventStreamAccess::take(stream, taken));

  EXPECT_EQ(taken, (std::vector<std::string>{"first", "a", "b", "c"}));
}

TEST(EventStream, WakesTheWriterForTheFirstChunkAndForClose) {
  EventStream stream;
  int wakes = 0;
  ASSERT_TRUE(detail::EventStreamAccess::attach(stream, [&] { ++wakes; }));

  stream.push("a");
  stream.push("b");  // the writer has not taken "a" yet: one wake-up covers both
  EXPECT_EQ(wakes, 1);
  std::vector<std::string> taken;
  detail::EventStreamAccess::take(stream, taken);
  stream.push("c");
  stream.close();

  EXPECT_EQ(wakes, 3);
}

TEST(EventStream, OnFinishRunsOnceWhenFinishedAndOnceWhenNeverServed) {
  int calls = 0;
  {
    EventStream stream;
    stream.on_finish([&] { ++calls; });
    detail::EventStreamAccess::finish(stream);
    detail::EventStreamAccess::finish(stream);
    EXPECT_TRUE(stream.finished());
    EXPECT_FALSE(detail::EventStreamAccess::attach(stream, [] {}));
  }
  EXPECT_EQ(calls, 1);
  {
    EventStream dropped;
    dropped.on_finish([&] { ++calls; });
  }
  EXPECT_EQ(calls, 2);
}

TEST(EventStream, OnFinishSetAfterTheEndRunsAtOnce) {
  EventStream stream;
  detail::EventStreamAccess::finish(stream);
  bool called = false;

  stream.on_finish([&] { called = true; });

  EXPECT_TRUE(called);
}

}  // namespace
}  // namespace plm::http
