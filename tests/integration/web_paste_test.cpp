// The pastes routes over real HTTP with the real wiring (SQLite, the worker in the process, the
// emulator serving the demo catalog): a paste of ~50 lines of the kinds people paste runs as a
// match_paste job and its lines arrive by `since`; decisions (accept, pick, skip, clear), a choice
// remembered for the next paste of the same line and forgotten when cleared; deleting a paste
// whose job is held at a Spotify call (cancelled); ownership (another user's paste or account:
// 404), roles (viewers: 403) and bad bodies (400/413/415). Every response is validated against
// api/openapi.yaml by the Browser.

#include <gmock/gmock.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "web_fixture.hpp"

namespace plm::web_test {
namespace {

using spotify_emulator::testkit::catalog_track;
using spotify_emulator::testkit::demo_catalog;
using spotify_emulator::testkit::track_uri;

std::string link_of(std::size_t n) {
  return "https://open.spotify.com/track/" + catalog_track(n).id + "?si=4f0c2a9e81b34d17";
}

std::string duration_text(int duration_ms) {
  const int seconds = duration_ms / 1000;
  const std::string rest = std::to_string(seconds % 60);
  return std::to_string(seconds / 60) + ":" + (rest.size() == 1 ? "0" : "") + rest;
}

class PasteApiTest : public PlmApiTest {
 protected:
  void start_synced() {
    start();
    alice_ = std::make_unique<Browser>(setup_admin());
    account_ = connect(*alice_);
    ASSERT_EQ(sync(*alice_, account_)["state"], "succeeded");
  }

  std::string pastes_path() const {
    return "/api/accounts/" + std::to_string(account_) + "/pastes";
  }

  struct Run {
    Reply started;               ///< the 202
    Json job;                    ///< its final state
    Json paste;                  ///< GET after the job ended
    std::vector<Json> progress;  ///< the job's `job` events, in order
  };

  /// Pastes `text` as alice, waits for the match_paste job's end and reads the paste.
  Run paste(const std::string& text) {
    EventReader events(base_url() + "/api/events", alice_->cookie());
    EXPECT_TRUE(events.wait_connected());
    Run run;
    run.started = alice_->call("POST", pastes_path(), Json{{"text", text}});
    EXPECT_EQ(run.started.status, 202) << run.started.body;
    const std::string job_id = run.started.json.value("job_id", "");
    run.job = wait_for_job(events, job_id);
    for (const auto& event : events.events()) {
      if (event.name == "job" && event.data.value("id", "") == job_id) {
        run.progress.push_back(event.data);
      }
    }
    const auto read = alice_->get("/api/pastes/" + run.started.json.value("id", ""));
    EXPECT_EQ(read.status, 200) << read.body;
    run.paste = read.json;
    return run;
  }

  Reply decide(const std::string& paste_id, int line, const Json& body) {
    return alice_->call("PUT", "/api/pastes/" + paste_id + "/lines/" + std::to_string(line), body);
  }

  std::unique_ptr<Browser> alice_;
  std::int64_t account_ = 0;
};

TEST_F(PasteApiTest, APasteRunsAsAJobAndItsLinesArriveBySince) {
  start_synced();
  // 30 text lines in four shapes, 10 URIs, 5 links, a blank line, a comment and an album link.
  std::vector<std::string> lines;
  std::map<std::size_t, std::string> expected;  // line number -> the URI it names
  std::set<std::size_t> text_lines;
  const auto texts = unmistakable_tracks(1000, 30);
  ASSERT_EQ(texts.size(), 30u);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto& track = catalog_track(texts[i]);
    const std::string& artist = track.artists[0].name;
    switch (i % 4) {
      case 0:
        lines.push_back(artist + " - " + track.name);
        break;
      case 1:
        lines.push_back(track.name + " by " + artist);
        break;
      case 2:
        lines.push_back(artist + ": " + track.name);
        break;
      default:
        lines.push_back(std::to_string(i + 1) + ". " + artist + " \u2013 " + track.name + " (" +
                        duration_text(track.duration_ms) + ")");
    }
    expected[lines.size()] = track_uri(texts[i]);
    text_lines.insert(lines.size());
  }
  for (std::size_t n = 2000; n < 2010; ++n) {
    lines.push_back(track_uri(n));
    expected[lines.size()] = track_uri(n);
  }
  for (std::size_t n = 2010; n < 2015; ++n) {
    lines.push_back(link_of(n));
    expected[lines.size()] = track_uri(n);
  }
  lines.insert(lines.end(), {"", "# from the label's mail",
                             "https://open.spotify.com/album/4aawyAB9vmqN3uQ7FjRGTy"});
  std::string text;
  for (const auto& line : lines) text += line + "\r\n";

  const Run run = paste(text);

  ASSERT_EQ(run.started.json["line_count"], 48);
  EXPECT_EQ(run.started.json["lines"].size(), 48u);
  EXPECT_FALSE(run.started.json["job_id"].is_null());
  ASSERT_EQ(run.job["state"], "succeeded") << run.job.dump();
  EXPECT_EQ(run.job["kind"], "match_paste");
  EXPECT_EQ(run.job["unit"], "lines");
  EXPECT_EQ(run.job["done"], 48);
  EXPECT_EQ(run.job["total"], 48);
  for (std::size_t i = 1; i < run.progress.size(); ++i) {
    EXPECT_GE(run.progress[i]["done"], run.progress[i - 1]["done"]) << "progress never goes back";
  }
  const Json& paste = run.paste;
  EXPECT_EQ(paste["counts"]["pending"], 0);
  EXPECT_EQ(paste["counts"]["invalid"], 3);
  ASSERT_EQ(paste["lines"].size(), 48u);
  std::size_t text_matched = 0;
  for (const auto& line : paste["lines"]) {
    const std::size_t number = line["line"];
    EXPECT_EQ(line["input"], lines[number - 1]);
    const auto wanted = expected.find(number);
    if (wanted == expected.end()) {
      EXPECT_EQ(line["status"], "invalid") << line.dump();
      continue;
    }
    if (!text_lines.contains(number)) {
      EXPECT_EQ(line["status"], "matched") << line.dump();
      EXPECT_EQ(line["uri"], wanted->second) << line.dump();
      continue;
    }
    // A text line is matched to its track, or asks (ambiguous): never another track.
    EXPECT_THAT(line["status"].get<std::string>(), ::testing::AnyOf("matched", "ambiguous"))
        << line.dump();
    if (line["status"] == "matched") {
      EXPECT_EQ(line["uri"], wanted->second) << line.dump();
      EXPECT_EQ(line["track"]["uri"], wanted->second);
      EXPECT_GT(line["confidence"].get<double>(), 0.0);
      ++text_matched;
    }
  }
  EXPECT_GE(text_matched * 10, text_lines.size() * 9) << "most unmistakable lines are matched";

  // By since: nothing after the newest seq; after a middle one, exactly the lines changed later.
  const std::string id = paste["id"];
  const std::int64_t newest = paste["seq"];
  const auto nothing_new = alice_->get("/api/pastes/" + id + "?since=" + std::to_string(newest));
  ASSERT_EQ(nothing_new.status, 200) << nothing_new.body;
  EXPECT_TRUE(nothing_new.json["lines"].empty());
  EXPECT_EQ(nothing_new.json["seq"], newest);
  EXPECT_EQ(nothing_new.json["counts"], paste["counts"]);
  std::vector<std::int64_t> seqs;
  for (const auto& line : paste["lines"]) seqs.push_back(line["seq"]);
  std::sort(seqs.begin(), seqs.end());
  const std::int64_t middle = seqs[seqs.size() / 2];
  const auto later = alice_->get("/api/pastes/" + id + "?since=" + std::to_string(middle));
  ASSERT_EQ(later.status, 200) << later.body;
  std::set<std::int64_t> later_lines;
  for (const auto& line : later.json["lines"]) later_lines.insert(line["line"].get<std::int64_t>());
  std::set<std::int64_t> wanted_lines;
  for (const auto& line : paste["lines"]) {
    if (line["seq"].get<std::int64_t>() > middle) {
      wanted_lines.insert(line["line"].get<std::int64_t>());
    }
  }
  EXPECT_EQ(later_lines, wanted_lines);
  EXPECT_FALSE(later_lines.empty());
}

TEST_F(PasteApiTest, ADecisionIsRememberedAndTheNextPasteOfTheLineIsMatchedByChoice) {
  start_synced();
  const std::string nowhere = "Zzyzx Qwv - Nothing Like This At All 9876";
  const std::string picked_uri = track_uri(3000);
  const Run first = paste(nowhere + "\n" + track_uri(3001) + "\n" + track_uri(3002));
  ASSERT_EQ(first.job["state"], "succeeded") << first.job.dump();
  const std::string first_id = first.paste["id"];
  ASSERT_NE(first.paste["lines"][0]["status"], "matched") << first.paste["lines"][0].dump();

  // Pick a track plm knows nothing of (looked up with the account), by its link.
  const auto picked = decide(first_id, 1, Json{{"decision", "pick"}, {"uri", link_of(3000)}});
  ASSERT_EQ(picked.status, 200) << picked.body;
  EXPECT_EQ(picked.json["decision"], "picked");
  EXPECT_EQ(picked.json["uri"], picked_uri);
  EXPECT_EQ(picked.json["track"]["name"], catalog_track(3000).name);
  EXPECT_GT(picked.json["seq"].get<std::int64_t>(), first.paste["seq"].get<std::int64_t>());
  // Accept the match of a matched line; skip another; accepting a track that is neither the match
  // nor a candidate is refused (pick it instead).
  const auto accepted = decide(first_id, 2, Json{{"decision", "accept"}});
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(accepted.json["decision"], "accepted");
  EXPECT_EQ(accepted.json["uri"], track_uri(3001));
  EXPECT_EQ(decide(first_id, 2, Json{{"decision", "accept"}, {"uri", track_uri(3005)}}).status,
            400);
  EXPECT_EQ(decide(first_id, 3, Json{{"decision", "skip"}}).json["decision"], "skipped");
  const auto decided = alice_->get("/api/pastes/" + first_id);
  EXPECT_EQ(decided.json["counts"]["accepted"], 2);
  EXPECT_EQ(decided.json["counts"]["skipped"], 1);

  // The same line pasted again (other case and spacing) is matched to the choice, with no call.
  const Run second = paste("  zzyzx qwv - nothing like this at all 9876 ");
  ASSERT_EQ(second.job["state"], "succeeded") << second.job.dump();
  const Json& again = second.paste["lines"][0];
  EXPECT_EQ(again["status"], "matched") << again.dump();
  EXPECT_EQ(again["source"], "choice");
  EXPECT_EQ(again["uri"], picked_uri);
  EXPECT_EQ(again["decision"], "none");

  // Cleared, the decision is undone and the choice forgotten: the next paste asks Spotify again.
  const auto cleared =
      decide(second.paste["id"].get<std::string>(), 1, Json{{"decision", "clear"}});
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_EQ(cleared.json["decision"], "none");
  const Run third = paste(nowhere);
  ASSERT_EQ(third.job["state"], "succeeded") << third.job.dump();
  EXPECT_NE(third.paste["lines"][0]["source"], "choice") << third.paste["lines"][0].dump();
}

TEST_F(PasteApiTest, DeletingAPasteWhileItIsMatchedCancelsItsJob) {
  start(Setup{.gate_spotify = true});
  alice_ = std::make_unique<Browser>(setup_admin());
  account_ = connect(*alice_);
  // The job's first Spotify call (a track plm does not know) waits at the gate.
  const auto held = hold([](const http::Request& request) {
    return request.path.find("/v1/tracks/") != std::string::npos ||
           request.path.find("/v1/search") != std::string::npos;
  });
  EventReader events(base_url() + "/api/events", alice_->cookie());
  ASSERT_TRUE(events.wait_connected());
  const auto started =
      alice_->call("POST", pastes_path(), Json{{"text", track_uri(2000) + "\n" + track_uri(2001)}});
  ASSERT_EQ(started.status, 202) << started.body;
  ASSERT_TRUE(held->wait_reached());

  const std::string path = "/api/pastes/" + started.json["id"].get<std::string>();
  EXPECT_EQ(alice_->call("DELETE", path).status, 204);
  held->release();

  const Json job = wait_for_job(events, started.json["job_id"]);
  EXPECT_EQ(job["state"], "cancelled") << job.dump();
  EXPECT_EQ(alice_->get(path).status, 404);
}

TEST_F(PasteApiTest, APasteIsItsMakersOwnAndBadRequestsAreRefused) {
  start_synced();
  Browser bob = add_user(*alice_, "bob", "editor");
  Browser viewer = add_user(*alice_, "vera", "viewer");
  const Run run = paste(track_uri(2000) + "\nSome Artist - Some Title");
  const std::string id = run.paste["id"];
  const std::string path = "/api/pastes/" + id;

  // Another user's paste or account answers as a missing one; a viewer may not paste.
  EXPECT_EQ(bob.get(path).status, 404);
  EXPECT_EQ(bob.call("PUT", path + "/lines/1", Json{{"decision", "skip"}}).status, 404);
  EXPECT_EQ(bob.call("DELETE", path).status, 404);
  EXPECT_EQ(bob.call("POST", pastes_path(), Json{{"text", "a - b"}}).status, 404);
  EXPECT_EQ(viewer.call("POST", pastes_path(), Json{{"text", "a - b"}}).status, 403);
  EXPECT_EQ(alice_->get("/api/pastes/999999").status, 404);
  EXPECT_EQ(alice_->get("/api/pastes/abc").status, 404);

  // Bad bodies and parameters.
  EXPECT_EQ(alice_->call("POST", pastes_path(), Json::object()).status, 400);
  EXPECT_EQ(alice_->call("POST", pastes_path(), Json{{"text", 5}}).status, 400);
  EXPECT_EQ(alice_->call("POST", pastes_path(), Json{{"text", "a - b"}, {"why", "x"}}).status, 400);
  EXPECT_EQ(alice_->call("POST", pastes_path(), Json{{"text", "\n\n# only a comment\n"}}).status,
            400);
  std::string too_many;
  for (int i = 0; i < 10'001; ++i) too_many += "Artist - Title " + std::to_string(i) + "\n";
  const auto over = alice_->call("POST", pastes_path(), Json{{"text", too_many}});
  EXPECT_EQ(over.status, 400) << over.body;
  EXPECT_THAT(over.json["error"]["message"].get<std::string>(), ::testing::HasSubstr("10,000"));
  const auto huge =
      alice_->call("POST", pastes_path(), Json{{"text", std::string(2 * 1024 * 1024 + 10, 'x')}});
  EXPECT_EQ(huge.status, 413) << huge.body.substr(0, 200);
  const auto not_json = alice_->call("POST", pastes_path(), nullptr,
                                     {.content_type = "text/plain", .raw_body = "a - b"});
  EXPECT_EQ(not_json.status, 415);
  EXPECT_EQ(alice_->get(path + "?since=abc").status, 400);
  EXPECT_EQ(alice_->get(path + "?since=-1").status, 400);
  EXPECT_EQ(decide(id, 0, Json{{"decision", "skip"}}).status, 404);
  EXPECT_EQ(decide(id, 3, Json{{"decision", "skip"}}).status, 404);
  EXPECT_EQ(decide(id, 1, Json{{"decision", "maybe"}}).status, 400);
  EXPECT_EQ(decide(id, 1, Json{{"decision", "pick"}}).status, 400);
  EXPECT_EQ(decide(id, 1, Json{{"decision", "pick"}, {"uri", "spotify:album:x"}}).status, 400);
  // Without the CSRF token a write is refused.
  EXPECT_EQ(
      alice_->call("PUT", path + "/lines/1", Json{{"decision", "skip"}}, {.csrf = false}).status,
      403);

  // Deleted, it is gone (its job had finished: nothing to cancel).
  EXPECT_EQ(alice_->call("DELETE", path).status, 204);
  EXPECT_EQ(alice_->get(path).status, 404);
  EXPECT_EQ(alice_->call("DELETE", path).status, 404);
}

}  // namespace
}  // namespace plm::web_test
