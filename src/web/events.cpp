#include "web/events.hpp"

#include <algorithm>

#include "http/event_stream.hpp"

namespace plm::web {

struct EventHub::State {
  mutable std::mutex mutex;
  std::map<std::int64_t, std::vector<std::shared_ptr<http::EventStream>>> streams;
  std::int64_t clients = 0;

  void remove(std::int64_t user_id, const http::EventStream* stream) {
    std::lock_guard lock(mutex);
    const auto found = streams.find(user_id);
    if (found == streams.end()) return;
    auto& list = found->second;
    const auto before = list.size();
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&](const auto& entry) { return entry.get() == stream; }),
               list.end());
    clients -= static_cast<std::int64_t>(before - list.size());
    if (list.empty()) streams.erase(found);
  }
};

EventHub::EventHub() : state_(std::make_shared<State>()) {}

EventHub::~EventHub() {
  // Streams never served finish in their destructor and call back: take them out of the map
  // first, so those callbacks find nothing to remove.
  std::map<std::int64_t, std::vector<std::shared_ptr<http::EventStream>>> streams;
  {
    std::lock_guard lock(state_->mutex);
    streams.swap(state_->streams);
    state_->clients = 0;
  }
  for (const auto& [user, list] : streams) {
    for (const auto& stream : list) stream->close();
  }
}

http::Response EventHub::subscribe(std::int64_t user_id) {
  auto stream = std::make_shared<http::EventStream>();
  {
    std::lock_guard lock(state_->mutex);
    state_->streams[user_id].push_back(stream);
    ++state_->clients;
  }
  stream->on_finish([weak = std::weak_ptr<State>(state_), user_id, raw = stream.get()] {
    if (auto state = weak.lock()) state->remove(user_id, raw);
  });
  http::Response response;
  response.status = 200;
  response.set_header("Content-Type", "text/event-stream; charset=utf-8");
  response.set_header("Cache-Control", "no-cache");
  response.set_header("X-Accel-Buffering", "no");
  // How long EventSource waits before reconnecting; the comment gets the headers through proxies.
  response.body = "retry: 3000\n: connected\n\n";
  response.stream = std::move(stream);
  return response;
}

void EventHub::publish(std::int64_t user_id, std::string_view event, const std::string& json) {
  std::string bytes = "event: ";
  bytes += event;
  bytes += "\ndata: ";
  bytes += json;  // one line: our JSON never contains raw newlines
  bytes += "\n\n";
  std::vector<std::shared_ptr<http::EventStream>> targets;
  {
    std::lock_guard lock(state_->mutex);
    if (const auto found = state_->streams.find(user_id); found != state_->streams.end())
      targets = found->second;
  }
  for (const auto& stream : targets) stream->push(bytes);
}

void EventHub::close_all() {
  std::vector<std::shared_ptr<http::EventStream>> all;
  {
    std::lock_guard lock(state_->mutex);
    for (const auto& [user, list] : state_->streams)
      all.insert(all.end(), list.begin(), list.end());
  }
  for (const auto& stream : all) stream->close();
}

std::int64_t EventHub::clients() const {
  std::lock_guard lock(state_->mutex);
  return state_->clients;
}

}  // namespace plm::web
