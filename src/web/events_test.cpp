#include "web/events.hpp"

#include <gtest/gtest.h>

#include "http/event_stream.hpp"

namespace plm::web {
namespace {

using namespace std::chrono_literals;
using TimePoint = EventHub::TimePoint;

const TimePoint kStart{std::chrono::seconds(1'700'000'000)};

TEST(EventHub, SignOutResetAndDeletionEndTheMatchingStreams) {
  EventHub hub;
  auto a1 = hub.subscribe(1, "session-a1", kStart);
  auto a2 = hub.subscribe(1, "session-a2", kStart);
  auto b = hub.subscribe(2, "session-b", kStart);

  hub.close_session("session-a1");
  EXPECT_TRUE(a1.stream->finished());
  EXPECT_FALSE(a2.stream->finished());
  EXPECT_EQ(hub.clients(), 2);

  auto a3 = hub.subscribe(1, "session-a3", kStart);
  hub.close_user(1, "session-a3");  // e.g. a reset by the user themself: the current one stays
  EXPECT_TRUE(a2.stream->finished());
  EXPECT_FALSE(a3.stream->finished());

  hub.close_user(1);
  EXPECT_TRUE(a3.stream->finished());
  EXPECT_FALSE(b.stream->finished());
  EXPECT_EQ(hub.clients(), 1);
}

TEST(EventHub, OpeningOneMoreThanTheCapEndsTheUsersOldestStream) {
  EventHub hub(8);
  std::vector<http::Response> open;
  for (int i = 0; i < 8; ++i) open.push_back(hub.subscribe(1, "s", kStart + i * 1s));
  auto other = hub.subscribe(2, "t", kStart);
  EXPECT_EQ(hub.clients(), 9);
  for (const auto& response : open) EXPECT_FALSE(response.stream->finished());

  auto ninth = hub.subscribe(1, "s", kStart + 10s);

  EXPECT_TRUE(open[0].stream->finished());
  std::vector<std::string> last_words;
  http::detail::EventStreamAccess::take(*open[0].stream, last_words);
  ASSERT_FALSE(last_words.empty());
  EXPECT_EQ(last_words.back(), "event: evicted\ndata: {}\n\n");  // so the tab does not reconnect
  for (std::size_t i = 1; i < open.size(); ++i) EXPECT_FALSE(open[i].stream->finished());
  EXPECT_FALSE(ninth.stream->finished());
  EXPECT_FALSE(other.stream->finished());
  EXPECT_EQ(hub.clients(), 9);  // 8 of user 1, 1 of user 2
}

TEST(EventHub, ExpireEndsOldStreamsAndThoseOfEndedSessions) {
  EventHub hub;
  auto old_one = hub.subscribe(1, "live", kStart);
  auto young = hub.subscribe(1, "live", kStart + 50min);
  auto ended = hub.subscribe(2, "gone", kStart + 50min);
  int checks = 0;

  hub.expire(kStart + 1min, [&](const std::string& session) {
    ++checks;
    return session == "live";
  });

  EXPECT_TRUE(old_one.stream->finished());
  EXPECT_FALSE(young.stream->finished());
  EXPECT_TRUE(ended.stream->finished());
  EXPECT_EQ(checks, 2);  // once per session
  EXPECT_EQ(hub.clients(), 1);
}

TEST(EventHub, PublishReachesOnlyTheUsersOpenStreams) {
  EventHub hub;
  auto mine = hub.subscribe(1, "s", kStart);
  auto theirs = hub.subscribe(2, "t", kStart);
  hub.close_user(2);
  hub.publish(1, "job", "{}");
  hub.publish(2, "job", "{}");
  std::vector<std::string> chunks;
  http::detail::EventStreamAccess::take(*mine.stream, chunks);
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0], "event: job\ndata: {}\n\n");
  chunks.clear();
  http::detail::EventStreamAccess::take(*theirs.stream, chunks);
  EXPECT_TRUE(chunks.empty());
}

}  // namespace
}  // namespace plm::web
