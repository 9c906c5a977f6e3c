// `plm batch …` and `plm where` end to end (issue 10 §5): the plm binary as a separate process
// against a real emulator over loopback HTTP. Every run is checked on the EMULATOR's playlists
// (what Spotify holds), dry runs by the emulator's call count (nothing sent).

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "cli_fixture.hpp"

namespace {

using namespace plm_cli_test;

std::string playlist_id(std::string name) { return padded_playlist_id(std::move(name), '1'); }

const std::string kRoadTrip = playlist_id("DjRoadTrip");
const std::string kRoadWork = playlist_id("DjRoadWork");
const std::string kChill = playlist_id("DjChill");
const std::string kDupes = playlist_id("DjDupes");
const std::string kFollowed = playlist_id("OtherFollowed");
const std::string kShared = playlist_id("OtherShared");

std::string u(std::size_t n) { return catalog_uri(n); }

/// dj owns four playlists (5, 3, 2 and 4 tracks, one with a duplicate), follows one of someone
/// else's and collaborates on another.
Seed batch_seed() {
  const auto entries = [](std::vector<std::size_t> tracks, const std::string& by = "dj") {
    std::vector<SeedEntry> result;
    for (const auto n : tracks) result.push_back({u(n), "2025-01-01T00:00:00Z", by});
    return result;
  };
  Seed seed;
  seed.users = {{"dj", "DJ Test", true}, {"other", "Other", true}};
  seed.playlists = {
      {kRoadTrip, "dj", "Road Trip", "", true, false, entries({0, 1, 2, 3, 4}), {}},
      {kRoadWork, "dj", "Road Work", "", true, false, entries({10, 0, 11}), {}},
      {kChill, "dj", "Chill", "", true, false, entries({20, 21}), {}},
      {kDupes, "dj", "Dupes", "", false, false, entries({30, 31, 30, 32}), {}},
      {kFollowed, "other", "Followed", "", true, false, entries({0}, "other"), {"dj"}},
      {kShared, "other", "Shared", "", false, true, entries({40}, "other"), {"dj"}},
  };
  return seed;
}

class CliBatchTest : public CliTest {
 protected:
  void start_synced() {
    start(batch_seed(), "dj");
    connect();
    ASSERT_EQ(plm({"sync", "--quiet"}).exit_code, 0);
  }
  /// The --json object's playlists by id.
  static std::map<std::string, Json> by_id(const Json& batch) {
    std::map<std::string, Json> result;
    for (const auto& playlist : batch["playlists"]) result[playlist["id"]] = playlist;
    return result;
  }
};

const std::vector<std::string> kRoadTripBefore{u(0), u(1), u(2), u(3), u(4)};
const std::vector<std::string> kRoadWorkBefore{u(10), u(0), u(11)};

TEST_F(CliBatchTest, AddPreviewsSendingNothingThenRunsAsOneJobThatUndoesAsOne) {
  start_synced();
  const auto calls_before = emulator_calls();

  const auto text =
      run({"batch", "add", "--playlists", "owned", "--position", "2", u(100), "--dry-run"});
  const Json dry =
      run_json({"batch", "add", "--playlists", "owned", "--position", "2", u(100), "--dry-run"});

  EXPECT_EQ(emulator_calls(), calls_before);  // nothing sent
  // In a pipe: one TSV line per playlist (STATUS, PLAYLIST, ID, CHANGE, CALLS, ERROR); what it
  // costs and that nothing was sent are for the person, on stderr.
  EXPECT_NE(text.out.find("change\tRoad Trip\t" + kRoadTrip + "\t+1 at 2\t"), std::string::npos)
      << text.out;
  EXPECT_NE(text.err.find("4 playlists to change, 0 unchanged, 0 refused"), std::string::npos)
      << text.err;
  EXPECT_NE(text.err.find("dry run: nothing sent"), std::string::npos) << text.err;
  EXPECT_TRUE(dry["job_id"].is_null());
  EXPECT_EQ(dry["dry_run"], true);
  EXPECT_TRUE(dry["state"].is_null());
  EXPECT_TRUE(dry["summary"].is_string());
  EXPECT_GT(dry["expected_seconds"].get<double>(), 0.0);
  ASSERT_EQ(dry["playlists"].size(), 4u) << dry.dump(1);  // the owned ones, in the list's order
  std::int64_t planned_calls = 0;
  for (const auto& playlist : dry["playlists"]) {
    EXPECT_EQ(playlist["status"], "change") << playlist.dump();
    EXPECT_EQ(playlist["added"], 1);
    EXPECT_EQ(playlist["removed"], 0);
    EXPECT_TRUE(playlist["error"].is_null());
    EXPECT_GE(playlist["calls"].get<int>(), 2);  // the snapshot check and the add
    planned_calls += playlist["calls"].get<std::int64_t>();
  }
  EXPECT_EQ(dry["calls"], planned_calls);
  EXPECT_EQ(dry["playlists"][0]["id"], kRoadTrip);
  EXPECT_EQ(dry["playlists"][0]["name"], "Road Trip");

  const auto before_run = emulator_calls();
  const Json done = run_json({"batch", "add", "--playlists", "owned", "--position", "2", u(100),
                              "--why", "the new single"});

  ASSERT_TRUE(done["job_id"].is_string()) << done.dump(1);
  const std::string job_id = done["job_id"];
  EXPECT_EQ(done["dry_run"], false);
  EXPECT_EQ(done["state"], "succeeded");
  // The plan's calls and one: the new track's catalog data is looked up once for the batch, not
  // once per playlist.
  EXPECT_EQ(done["calls"], emulator_calls() - before_run);
  EXPECT_EQ(done["calls"], planned_calls + 1);
  for (const auto& playlist : done["playlists"]) EXPECT_EQ(playlist["status"], "done");
  EXPECT_EQ(on_spotify(kRoadTrip), (std::vector{u(0), u(100), u(1), u(2), u(3), u(4)}));
  EXPECT_EQ(on_spotify(kRoadWork), (std::vector{u(10), u(100), u(0), u(11)}));
  EXPECT_EQ(on_spotify(kChill), (std::vector{u(20), u(100), u(21)}));
  EXPECT_EQ(on_spotify(kFollowed), (std::vector{u(0)}));  // not selected: owned only
  // Each playlist's history records the batch (origin cli, the command, the reason, the job).
  const Json history = run_json({"playlist", "history", kRoadTrip});
  EXPECT_EQ(history[0]["cause"]["origin"], "cli");
  EXPECT_EQ(history[0]["cause"]["action"], "batch add");
  EXPECT_EQ(history[0]["cause"]["why"], "the new single");
  const Json job = run_json({"jobs", "show", job_id});
  EXPECT_EQ(job["job"]["kind"], "batch_edit");
  EXPECT_EQ(job["items"].size(), 4u);

  // A track plm holds catalog data for (Road Work has it) is sent with it: no lookup at all.
  const auto before_stored_add = emulator_calls();
  const Json stored_add = run_json({"batch", "add", "--playlists", kDupes, u(11)});
  EXPECT_EQ(stored_add["playlists"][0]["status"], "done");
  EXPECT_EQ(stored_add["calls"], stored_add["playlists"][0]["calls"]);
  EXPECT_EQ(emulator_calls() - before_stored_add, stored_add["calls"].get<std::int64_t>());

  const auto undo_text = run({"batch", "undo", job_id, "--dry-run"});
  EXPECT_NE(undo_text.out.find("\tChill\t" + kChill + "\t-1"), std::string::npos) << undo_text.out;
  const Json undone = run_json({"batch", "undo", job_id});

  EXPECT_EQ(undone["state"], "succeeded");
  EXPECT_EQ(on_spotify(kRoadTrip), kRoadTripBefore);
  EXPECT_EQ(on_spotify(kRoadWork), kRoadWorkBefore);
  EXPECT_EQ(on_spotify(kChill), (std::vector{u(20), u(21)}));
  EXPECT_EQ(run_json({"playlist", "history", kChill})[0]["cause"]["kind"], "undo");
}

TEST_F(CliBatchTest, EachOperationChangesTheSelectedPlaylistsOnSpotify) {
  start_synced();

  // remove over `all`: the followed playlist is refused with why, and keeps its track.
  const auto removed = run({"batch", "remove", "--playlists", "all", u(0)});
  EXPECT_EQ(on_spotify(kRoadTrip), (std::vector{u(1), u(2), u(3), u(4)}));
  EXPECT_EQ(on_spotify(kRoadWork), (std::vector{u(10), u(11)}));
  EXPECT_EQ(on_spotify(kFollowed), (std::vector{u(0)}));
  EXPECT_NE(removed.out.find("skipped\tFollowed\t"), std::string::npos) << removed.out;
  EXPECT_NE(removed.out.find("unchanged\tChill\t"), std::string::npos) << removed.out;

  // replace over ids, a URI and a link; the track comes as an open.spotify.com link.
  const std::string link =
      "https://open.spotify.com/intl-de/track/" + catalog().tracks().at(101).id + "?si=abc";
  run({"batch", "replace", "--playlists",
       kRoadWork + ", spotify:playlist:" + kRoadTrip + ",https://open.spotify.com/playlist/" +
           kChill,
       u(2), link});
  EXPECT_EQ(on_spotify(kRoadTrip), (std::vector{u(1), u(101), u(3), u(4)}));

  run({"batch", "dedupe", "--playlists", "search:dupes", "--keep", "last"});
  EXPECT_EQ(on_spotify(kDupes), (std::vector{u(31), u(30), u(32)}));

  run({"batch", "sort", "--playlists", kRoadTrip, "--by", "title", "--descending"});
  auto by_title = std::vector{u(1), u(101), u(3), u(4)};
  sort_by_title_descending(by_title);
  EXPECT_EQ(on_spotify(kRoadTrip), by_title);

  // shuffle: a seed gives the same plan twice; the run keeps every track.
  const Json first =
      run_json({"batch", "shuffle", "--playlists", "owned", "--seed", "7", "--dry-run"});
  const Json again =
      run_json({"batch", "shuffle", "--playlists", "owned", "--seed", "7", "--dry-run"});
  EXPECT_EQ(first, again);
  run({"batch", "shuffle", "--playlists", kRoadTrip, "--seed", "7"});
  auto shuffled = on_spotify(kRoadTrip);
  std::sort(shuffled.begin(), shuffled.end());
  std::sort(by_title.begin(), by_title.end());
  EXPECT_EQ(shuffled, by_title);

  // rename and visibility over a tag; the collaborative playlist's details are refused.
  set_tags(kChill, {"evening"});
  set_tags(kShared, {"evening"});
  const Json renamed =
      run_json({"batch", "rename", "--playlists", "tag:evening", "--name", "{name} ({count})"});
  EXPECT_EQ(emulator_playlist(kChill)["name"], "Chill (2)");
  EXPECT_EQ(emulator_playlist(kShared)["name"], "Shared");
  EXPECT_EQ(by_id(renamed)[kShared]["status"], "skipped") << renamed.dump(1);
  run({"batch", "visibility", "--playlists", "tag:evening", "private"});
  EXPECT_EQ(emulator_playlist(kChill)["public"], false);
}

TEST_F(CliBatchTest, APlaylistInConflictEndsWithExitCode5AndTheOthersAreDone) {
  start_synced();
  const Json added =
      run_json({"batch", "add", "--playlists", kRoadTrip + "," + kRoadWork, "--top", u(100)});
  const std::string job_id = added["job_id"];
  EXPECT_EQ(on_spotify(kRoadTrip).front(), u(100));
  // Someone changes Road Trip on Spotify after the batch: its undo (an exact list) cannot follow.
  const auto outside = outside_plm("POST", "/playlists/" + kRoadTrip + "/items",
                                   Json{{"uris", {u(200)}}, {"position", 0}});
  ASSERT_EQ(outside.status, 201) << outside.body;

  const Json undone = run_json({"batch", "undo", job_id}, 5);
  const auto text = run({"batch", "undo", job_id, "--playlists", kRoadWork, "--dry-run"});

  ASSERT_TRUE(undone.is_object()) << undone.dump();
  EXPECT_EQ(undone["state"], "succeeded");
  const auto results = by_id(undone);
  EXPECT_EQ(results.at(kRoadTrip)["status"], "conflict") << undone.dump(1);
  EXPECT_EQ(results.at(kRoadTrip)["error"]["code"], "conflict");
  EXPECT_EQ(results.at(kRoadWork)["status"], "done");
  EXPECT_EQ(on_spotify(kRoadWork), kRoadWorkBefore);
  // Not overwritten: the outside change and the batch's track stay.
  EXPECT_EQ(on_spotify(kRoadTrip), (std::vector{u(200), u(100), u(0), u(1), u(2), u(3), u(4)}));
  // Only the playlists asked for; Road Work is undone already, so nothing is left to change.
  EXPECT_NE(text.out.find("\tRoad Work\t"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("Road Trip"), std::string::npos) << text.out;
}

TEST_F(CliBatchTest, WhereListsEveryPlaylistThatHoldsATrack) {
  start_synced();

  const auto text = run({"where", u(0)});
  const Json where =
      run_json({"where", "https://open.spotify.com/track/" + catalog().tracks().at(0).id});

  // In a pipe: one TSV line per playlist (PLAYLIST, ID, ACCOUNT, POSITIONS from 1, ADDED, ...).
  const auto line_of = [&](const std::string& id) {
    const auto start = text.out.rfind('\n', text.out.find("\t" + id + "\t")) + 1;
    return text.out.substr(start, text.out.find('\n', start) - start);
  };
  EXPECT_EQ(line_of(kRoadTrip).rfind("Road Trip\t" + kRoadTrip + "\t", 0), 0u) << text.out;
  EXPECT_NE(line_of(kRoadTrip).find("\t1\t2025-01-01\t"), std::string::npos) << text.out;
  EXPECT_NE(line_of(kRoadWork).find("\t2\t"), std::string::npos) << text.out;
  expect_schema("TrackWhere", where);
  EXPECT_EQ(where["uri"], u(0));
  std::map<std::string, Json> rows;
  for (const auto& row : where["playlists"]) rows[row["playlist_id"]] = row;
  ASSERT_TRUE(rows.contains(kRoadTrip)) << where.dump(1);
  EXPECT_EQ(rows[kRoadTrip]["positions"], (Json{0}));  // 0-based, as the web API
  EXPECT_EQ(rows[kRoadWork]["positions"], (Json{1}));
  EXPECT_TRUE(rows[kRoadTrip]["read_only_reason"].is_null());
  const auto nowhere = run({"where", u(500)});
  EXPECT_NE(nowhere.err.find("in no stored playlist"), std::string::npos) << nowhere.err;
  run({"where", "spotify:album:abc"}, 2);
}

TEST_F(CliBatchTest, UsageMistakesExit2WithAClearMessageAndSendNothing) {
  start_synced();
  const auto calls_before = emulator_calls();
  const auto expect_usage = [&](std::vector<std::string> arguments, const std::string& message) {
    const auto result = plm(arguments);
    EXPECT_EQ(result.exit_code, 2) << arguments[1] << ": " << result.err;
    EXPECT_NE(result.err.find(message), std::string::npos) << result.err;
  };

  expect_usage({"batch", "add", "--playlists", "tag:", u(1)}, "--playlists");
  expect_usage({"batch", "add", "--playlists", "owned,bogus", u(1)}, "bogus");
  expect_usage({"batch", "add", "--playlists", "owned", "--position", "0", u(1)}, "--position");
  expect_usage({"batch", "add", "--playlists", "owned"}, "missing URI...");
  expect_usage({"batch", "add", "--playlists", "owned", "not-a-uri"}, "'not-a-uri'");
  expect_usage({"batch", "add", "--playlists", "owned", "--top", "--position", "2", u(1)}, "--top");
  expect_usage({"batch", "remove", u(1)}, "--playlists SELECTOR is required");
  expect_usage({"batch", "replace", "--playlists", "owned", u(1), u(1)}, "");
  expect_usage({"batch", "sort", "--playlists", "owned"}, "--by");
  expect_usage({"batch", "rename", "--playlists", "owned"}, "--name");
  expect_usage({"batch", "rename", "--playlists", "owned", "--name", "{nope}"}, "nope");
  expect_usage({"batch", "visibility", "--playlists", "owned", "secret"}, "public or private");
  expect_usage({"batch", "undo", "abc"}, "JOB_ID");

  const auto unknown_job = run({"batch", "undo", "999"}, 1);
  EXPECT_NE(unknown_job.err.find("no job 999"), std::string::npos) << unknown_job.err;

  EXPECT_EQ(emulator_calls(), calls_before);
  EXPECT_EQ(on_spotify(kRoadTrip), kRoadTripBefore);
}

}  // namespace
