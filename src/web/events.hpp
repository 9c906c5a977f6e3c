#pragma once
/// Server-sent events per app user: each open GET /api/events is an http::EventStream, tagged with
/// the session that opened it; publishing pushes one event to every stream of the user (never
/// blocks). Streams end with their session (sign-out, password change or reset, user deletion),
/// after a maximum lifetime (EventSource reconnects, through authentication), and the oldest of a
/// user's streams ends when one more than the cap opens.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace plm::web {

class EventHub {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  static constexpr std::size_t kDefaultMaxPerUser = 8;

  explicit EventHub(std::size_t max_per_user = kDefaultMaxPerUser);
  ~EventHub();

  /// A streaming response for `user_id`, opened by session `session_id_hash` at `now`, registered
  /// until the client goes away or it is closed. With `max_per_user` streams open, the user's
  /// oldest one is closed.
  http::Response subscribe(std::int64_t user_id, std::string session_id_hash, TimePoint now);
  /// Sends "event: <event>\ndata: <json>\n\n" to the user's streams.
  void publish(std::int64_t user_id, std::string_view event, const std::string& json);
  /// Ends the streams of one session (signed out).
  void close_session(const std::string& session_id_hash);
  /// Ends the user's streams except those of session `except_id_hash` (empty: all of them).
  void close_user(std::int64_t user_id, const std::string& except_id_hash = {});
  /// Ends the streams opened before `opened_before` and those whose session `valid` rejects
  /// (`valid` runs without the hub's lock held, once per session).
  void expire(TimePoint opened_before, const std::function<bool(const std::string&)>& valid);
  /// Ends every stream (server shutdown).
  void close_all();
  /// Open streams.
  std::int64_t clients() const;

 private:
  struct State;
  // Shared with the streams' on_finish callbacks (weakly), which may run on a server thread after
  // the hub is gone.
  std::shared_ptr<State> state_;
  std::size_t max_per_user_;
};

}  // namespace plm::web
