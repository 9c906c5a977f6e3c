#include "web/events.hpp"

#include <algorithm>
#include <set>

#include "http/event_stream.hpp"

namespace plm::web {

namespace {

struct Entry {
  std::shared_ptr<http::EventStream> stream;
  std::string session;  ///< id hash of the session that opened it
  EventHub::TimePoint opened;
};

}  // namespace

struct EventHub::State {
  mutable std::mutex mutex;
  std::map<std::int64_t, std::vector<Entry>> streams;  ///< per user, oldest first
  std::int64_t clients = 0;

  void remove(std::int64_t user_id, const http::EventStream* stream) {
    std::lock_guard lock(mutex);
    const auto found = streams.find(user_id);
    if (found == streams.end()) return;
    auto& list = found->second;
    const auto before = list.size();
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&](const Entry& entry) { return entry.stream.get() == stream; }),
               list.end());
    clients -= static_cast<std::int64_t>(before - list.size());
    if (list.empty()) streams.erase(found);
  }

  /// Takes the entries `drop` selects out of the map (under the lock); the caller closes them.
  std::vector<std::shared_ptr<http::EventStream>> take_if(
      const std::function<bool(std::int64_t user, const Entry&)>& drop) {
    std::vector<std::shared_ptr<http::EventStream>> taken;
    std::lock_guard lock(mutex);
    for (auto it = streams.begin(); it != streams.end();) {
      auto& list = it->second;
      for (auto entry = list.begin(); entry != list.end();) {
        if (drop(it->first, *entry)) {
          taken.push_back(entry->stream);
          entry = list.erase(entry);
          --clients;
        } else {
          ++entry;
        }
      }
      it = list.empty() ? streams.erase(it) : std::next(it);
    }
    return taken;
  }
};

namespace {

void close_each(const std::vector<std::shared_ptr<http::EventStream>>& streams) {
  for (const auto& stream : streams) stream->close();
}

}  // namespace

EventHub::EventHub(std::size_t max_per_user)
    : state_(std::make_shared<State>()), max_per_user_(std::max<std::size_t>(1, max_per_user)) {}

EventHub::~EventHub() { close_all(); }

http::Response EventHub::subscribe(std::int64_t user_id, std::string session_id_hash,
                                   TimePoint now) {
  auto stream = std::make_shared<http::EventStream>();
  std::vector<std::shared_ptr<http::EventStream>> evicted;
  {
    std::lock_guard lock(state_->mutex);
    auto& list = state_->streams[user_id];
    // A user (or a stolen cookie) opening stream after stream: the oldest ones end, with an
    // `evicted` event that makes the app stop that tab's live updates instead of reconnecting.
    while (list.size() >= max_per_user_) {
      evicted.push_back(list.front().stream);
      list.erase(list.begin());
      --state_->clients;
    }
    list.push_back(Entry{stream, std::move(session_id_hash), now});
    ++state_->clients;
  }
  // Told why, so the browser's EventSource does not reconnect and push the next tab out.
  for (const auto& old : evicted) old->push("event: evicted\ndata: {}\n\n");
  close_each(evicted);
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
    if (const auto found = state_->streams.find(user_id); found != state_->streams.end()) {
      for (const auto& entry : found->second) targets.push_back(entry.stream);
    }
  }
  for (const auto& stream : targets) stream->push(bytes);
}

void EventHub::close_session(const std::string& session_id_hash) {
  close_each(state_->take_if(
      [&](std::int64_t, const Entry& entry) { return entry.session == session_id_hash; }));
}

void EventHub::close_user(std::int64_t user_id, const std::string& except_id_hash) {
  close_each(state_->take_if([&](std::int64_t user, const Entry& entry) {
    return user == user_id && (except_id_hash.empty() || entry.session != except_id_hash);
  }));
}

void EventHub::expire(TimePoint opened_before,
                      const std::function<bool(const std::string&)>& valid) {
  std::set<std::string> sessions;
  {
    std::lock_guard lock(state_->mutex);
    for (const auto& [user, list] : state_->streams) {
      for (const auto& entry : list) sessions.insert(entry.session);
    }
  }
  std::set<std::string> ended;
  for (const auto& session : sessions) {
    if (!valid(session)) ended.insert(session);
  }
  close_each(state_->take_if([&](std::int64_t, const Entry& entry) {
    return entry.opened < opened_before || ended.count(entry.session) > 0;
  }));
}

void EventHub::close_all() {
  close_each(state_->take_if([](std::int64_t, const Entry&) { return true; }));
}

std::int64_t EventHub::clients() const {
  std::lock_guard lock(state_->mutex);
  return state_->clients;
}

}  // namespace plm::web
