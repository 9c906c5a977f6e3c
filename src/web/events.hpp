#pragma once
/// Server-sent events per app user: each open GET /api/events is an http::EventStream; publishing
/// pushes one event to every stream of the user (never blocks).

#include <cstdint>
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
  EventHub();
  ~EventHub();

  /// A streaming response for `user_id`, registered until the client goes away.
  http::Response subscribe(std::int64_t user_id);
  /// Sends "event: <event>\ndata: <json>\n\n" to the user's streams.
  void publish(std::int64_t user_id, std::string_view event, const std::string& json);
  /// Ends every stream (server shutdown).
  void close_all();
  /// Open streams.
  std::int64_t clients() const;

 private:
  struct State;
  // Shared with the streams' on_finish callbacks (weakly), which may run on a server thread after
  // the hub is gone.
  std::shared_ptr<State> state_;
};

}  // namespace plm::web
