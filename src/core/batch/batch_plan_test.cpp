#include "core/batch/batch_plan.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <random>

#include "core/write/playlist_edits.hpp"

namespace plm::core {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Kind = BatchOperation::Kind;
using Status = BatchEntryPlan::Status;
using TermKind = PlaylistSelector::Term::Kind;

/// A valid track URI: "spotify:track:" and a 22-character id ending in `name`.
std::string track(const std::string& name) {
  return "spotify:track:" + std::string(22 - name.size(), 'x') + name;
}

/// A valid playlist id ending in `name`.
std::string pid(const std::string& name) { return std::string(22 - name.size(), 'P') + name; }

std::vector<PlaylistItem> items_of(const std::vector<std::string>& uris) {
  std::vector<PlaylistItem> items;
  for (const auto& uri : uris) items.push_back({.uri = uri});
  return items;
}

StoredPlaylist stored(const std::string& id, std::string name, std::string owner = "me") {
  StoredPlaylist playlist;
  playlist.summary.id = id;
  playlist.summary.name = std::move(name);
  playlist.summary.owner_id = owner;
  playlist.summary.owner_name = owner == "me" ? "Me Myself" : "Someone Else";
  playlist.summary.snapshot_id = "snap-" + id;
  playlist.items_snapshot_id = playlist.summary.snapshot_id;
  return playlist;
}

/// Playlists and their items, kept alive for the targets that point at them.
struct Library {
  std::vector<StoredPlaylist> playlists;
  std::vector<std::vector<PlaylistItem>> items;

  void add(StoredPlaylist playlist, const std::vector<std::string>& uris) {
    playlist.summary.item_count = static_cast<std::int64_t>(uris.size());
    playlist.stored_item_count = playlist.summary.item_count;
    playlists.push_back(std::move(playlist));
    items.push_back(items_of(uris));
  }
  std::vector<BatchTarget> targets() const {
    std::vector<BatchTarget> all;
    for (std::size_t i = 0; i < playlists.size(); ++i) all.push_back({&playlists[i], &items[i]});
    return all;
  }
};

const BatchPlanOptions kOptions{.today = from_unix_seconds(1'796'601'600)};  // 2026-12-07

BatchPlan plan(const BatchOperation& operation, const Library& library) {
  auto planned = plan_batch(operation, library.targets(), "me", kOptions);
  EXPECT_TRUE(planned) << planned.error().message;
  return planned ? *planned : BatchPlan{};
}

BatchOperation add_op(std::vector<std::string> uris, BatchOperation::At at,
                      std::int64_t position = 0) {
  BatchOperation operation;
  operation.kind = Kind::Add;
  operation.uris = std::move(uris);
  operation.at = at;
  operation.position = position;
  return operation;
}

// ---- the selector ----------------------------------------------------------------------------

TEST(Selector, ReadsIdsUrisAndLinks) {
  const std::string id = "37i9dQZF1DXcBWIGoYBM5M";
  auto selector =
      parse_selector(id + ", spotify:playlist:" + id + ",https://open.spotify.com/playlist/" + id +
                     "?si=abc, https://open.spotify.com/intl-de/playlist/" + id + "?si=x&pt=1");

  ASSERT_TRUE(selector) << selector.error().message;
  ASSERT_EQ(selector->terms.size(), 4u);
  for (const auto& term : selector->terms) {
    EXPECT_EQ(term, (PlaylistSelector::Term{TermKind::Id, id}));
  }
}

TEST(Selector, ReadsTagsSearchesOwnedAndAllAndWritesThemBack) {
  auto selector = parse_selector(" tag:road trip , search: Café del ,owned,all");

  ASSERT_TRUE(selector) << selector.error().message;
  EXPECT_THAT(selector->terms, ElementsAre(PlaylistSelector::Term{TermKind::Tag, "road trip"},
                                           PlaylistSelector::Term{TermKind::Search, "Café del"},
                                           PlaylistSelector::Term{TermKind::Owned, ""},
                                           PlaylistSelector::Term{TermKind::All, ""}));
  EXPECT_EQ(to_string(*selector), "tag:road trip,search:Café del,owned,all");
  EXPECT_EQ(parse_selector(to_string(*selector)).value(), *selector);
}

TEST(Selector, RefusesWhatIsNoTerm) {
  for (const std::string text :
       {"", "  ", "owned,,all", "tag:", "search: ", "colour:red",
        "spotify:album:37i9dQZF1DXcBWIGoYBM5M",
        "https://open.spotify.com/album/37i9dQZF1DXcBWIGoYBM5M", "short", "owned, nope"}) {
    auto selector = parse_selector(text);
    ASSERT_FALSE(selector) << text;
    EXPECT_EQ(selector.error().code, ErrorCode::InvalidInput) << text;
  }
  EXPECT_THAT(parse_selector("colour:red").error().message, HasSubstr("unknown \"colour:\""));
  EXPECT_THAT(parse_selector("short").error().message, HasSubstr("\"short\""));
}

TEST(Selector, SelectsTheUnionInListOrderOnce) {
  Library library;
  auto tagged = stored(pid("a"), "Road Trip", "someone");
  tagged.tags = {"car"};
  library.add(tagged, {});
  library.add(stored(pid("b"), "Café del Mar"), {});
  auto described = stored(pid("c"), "Evening");
  described.summary.description = "ÉTÉ chill";
  library.add(described, {});
  library.add(stored(pid("d"), "Other", "someone"), {});

  const auto select = [&](const std::string& text) {
    auto selector = parse_selector(text);
    EXPECT_TRUE(selector) << selector.error().message;
    auto ids = select_playlists(*selector, library.playlists, "me");
    EXPECT_TRUE(ids) << ids.error().message;
    return ids ? *ids : std::vector<std::string>{};
  };

  EXPECT_THAT(select("tag:car"), ElementsAre(pid("a")));
  EXPECT_THAT(select("search:cafe DEL"), ElementsAre(pid("b")));
  EXPECT_THAT(select("search:été"), ElementsAre(pid("c")));
  EXPECT_THAT(select("search:myself"), ElementsAre(pid("b"), pid("c")));  // owner name
  EXPECT_THAT(select("search:someone road"), ElementsAre(pid("a")));      // owner id + name
  EXPECT_THAT(select("owned"), ElementsAre(pid("b"), pid("c")));
  EXPECT_THAT(select(pid("d") + ",owned," + pid("b")), ElementsAre(pid("b"), pid("c"), pid("d")));
  EXPECT_EQ(select("all").size(), 4u);
  EXPECT_TRUE(select("tag:nothing").empty());

  auto missing = select_playlists(*parse_selector(pid("z")), library.playlists, "me");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
  EXPECT_THAT(missing.error().message, HasSubstr("not stored for this account"));
}

// ---- the operation ---------------------------------------------------------------------------

TEST(BatchOperationNames, RoundTrip) {
  for (auto kind : {Kind::Add, Kind::Remove, Kind::Replace, Kind::Dedupe, Kind::Sort, Kind::Shuffle,
                    Kind::Rename, Kind::Visibility}) {
    EXPECT_EQ(batch_kind_from_string(to_string(kind)), kind);
  }
  for (auto at :
       {BatchOperation::At::Top, BatchOperation::At::Bottom, BatchOperation::At::Position}) {
    EXPECT_EQ(batch_at_from_string(to_string(at)), at);
  }
  EXPECT_EQ(to_string(Status::Refused), "refused");
  EXPECT_FALSE(batch_kind_from_string("nope"));
}

TEST(CheckBatchOperation, RefusesWhatNoPlaylistCouldSatisfy) {
  const auto refused = [](const BatchOperation& operation) {
    auto checked = check_batch_operation(operation);
    return !checked && checked.error().code == ErrorCode::InvalidInput;
  };
  EXPECT_TRUE(refused(add_op({}, BatchOperation::At::Top)));
  EXPECT_TRUE(refused(add_op({"spotify:album:xxxxxxxxxxxxxxxxxxxxxx"}, BatchOperation::At::Top)));
  EXPECT_TRUE(refused(add_op({"spotify:local:a:b:c:1"}, BatchOperation::At::Top)));
  EXPECT_TRUE(refused(add_op({track("a")}, BatchOperation::At::Position, -1)));
  EXPECT_TRUE(refused(add_op(std::vector<std::string>(101, track("a")), BatchOperation::At::Top)));
  EXPECT_FALSE(refused(add_op({track("a")}, BatchOperation::At::Position, 5)));

  BatchOperation replace{.kind = Kind::Replace, .old_uri = track("a"), .new_uri = track("a")};
  EXPECT_TRUE(refused(replace));
  replace.new_uri = "";
  EXPECT_TRUE(refused(replace));
  EXPECT_TRUE(refused(BatchOperation{.kind = Kind::Remove}));
  EXPECT_TRUE(refused(BatchOperation{.kind = Kind::Rename}));
  EXPECT_TRUE(refused(BatchOperation{.kind = Kind::Rename, .name_template = "{nope}"}));
  EXPECT_FALSE(refused(BatchOperation{.kind = Kind::Rename, .description_template = "x"}));
}

TEST(Templates, ExpandEveryPlaceholderAndBraces) {
  PlaylistSummary summary{.name = "Mix", .description = "Songs"};
  auto expanded = expand_template(
      "{name} ({count}) {description} {date} {year}/{month}/{day} "
      "{{literal}} }}",
      summary, 42, from_unix_seconds(1'780'358'400));  // 2026-06-02

  ASSERT_TRUE(expanded) << expanded.error().message;
  EXPECT_EQ(*expanded, "Mix (42) Songs 2026-06-02 2026/06/02 {literal} }");
}

TEST(Templates, RefuseUnknownPlaceholdersAndUnmatchedBraces) {
  EXPECT_THAT(check_template("{names}").error().message, HasSubstr("unknown placeholder {names}"));
  EXPECT_THAT(check_template("a { b").error().message, HasSubstr("without its \"}\""));
  EXPECT_THAT(check_template("a } b").error().message, HasSubstr("without its \"{\""));
  EXPECT_TRUE(check_template("plain {{ and }}"));
  EXPECT_FALSE(expand_template("{x}", {}, 0, {}));
}

TEST(SeedFor, DiffersPerPlaylistAndIsStable) {
  EXPECT_EQ(seed_for(7, pid("a")), seed_for(7, pid("a")));
  EXPECT_NE(seed_for(7, pid("a")), seed_for(7, pid("b")));
  EXPECT_NE(seed_for(7, pid("a")), seed_for(8, pid("a")));
  EXPECT_EQ(seed_for(0, ""), 0xc3817c016ba4ff30ULL);  // FNV-1a, splitmix64: fixed
}

// ---- planning --------------------------------------------------------------------------------

TEST(PlanBatch, AddsAtAPositionOnlyWhereTheTrackIsMissing) {
  Library library;
  library.add(stored(pid("a"), "A"), {track("1"), track("2"), track("3"), track("4")});
  library.add(stored(pid("b"), "B"), {track("1"), track("n")});
  library.add(stored(pid("c"), "Short"), {track("1")});

  auto operation = add_op({track("n")}, BatchOperation::At::Position, 2);
  operation.tracks = {TrackInfo{.uri = track("n"), .name = "New"}};
  const auto planned = plan(operation, library);

  ASSERT_EQ(planned.entries.size(), 3u);
  const auto& a = planned.entries[0];
  EXPECT_EQ(a.status, Status::Change);
  EXPECT_EQ(a.request.kind, EditRequest::Kind::Add);
  EXPECT_EQ(a.request.placement, Placement::before_item({track("3"), 2}));
  EXPECT_EQ(a.request.tracks.size(), 1u);
  EXPECT_EQ(a.planned_snapshot, "snap-" + pid("a"));
  EXPECT_EQ(a.proposal.desired,
            (std::vector<std::string>{track("1"), track("2"), track("n"), track("3"), track("4")}));
  EXPECT_EQ(a.calls, 2);  // one add, one confirming read
  EXPECT_EQ(planned.entries[1].status, Status::Unchanged);
  EXPECT_EQ(planned.entries[1].reason, "already holds it");
  // Shorter than the position: appended.
  EXPECT_EQ(planned.entries[2].request.placement, Placement::bottom());
  EXPECT_EQ(planned.entries[2].proposal.desired,
            (std::vector<std::string>{track("1"), track("n")}));
  EXPECT_EQ(planned.changed, 2);
  EXPECT_EQ(planned.unchanged, 1);
  EXPECT_EQ(planned.write_calls, 2);
  EXPECT_EQ(planned.check_reads, 2);
  EXPECT_EQ(planned.calls, 4);
}

TEST(PlanBatch, AddsOnlyTheMissingUrisUnlessAskedToAddThemAnyway) {
  Library library;
  library.add(stored(pid("a"), "A"), {track("1"), track("2")});
  library.add(stored(pid("b"), "B"), {track("1"), track("2"), track("3")});

  auto operation = add_op({track("1"), track("2"), track("3")}, BatchOperation::At::Top);
  const auto planned = plan(operation, library);
  operation.add_existing = true;
  const auto anyway = plan(operation, library);

  EXPECT_EQ(planned.entries[0].request.uris, (std::vector<std::string>{track("3")}));
  EXPECT_EQ(planned.entries[1].status, Status::Unchanged);
  EXPECT_EQ(planned.entries[1].reason, "already holds all 3");
  EXPECT_EQ(anyway.entries[1].status, Status::Change);
  EXPECT_EQ(anyway.entries[1].proposal.desired.size(), 6u);
}

TEST(PlanBatch, RefusesPlaylistsItMayNotChangeOrHasNotSynced) {
  Library library;
  library.add(stored(pid("a"), "Followed", "someone"), {track("1")});
  auto stale = stored(pid("b"), "Stale");
  stale.summary.snapshot_id = "newer";
  library.add(stale, {track("1")});
  auto never = stored(pid("c"), "Never read");
  never.items_snapshot_id = "";
  library.add(never, {});
  auto collaborative = stored(pid("d"), "Collab", "someone");
  collaborative.summary.collaborative = true;
  library.add(collaborative, {track("1")});

  const auto planned = plan(add_op({track("n")}, BatchOperation::At::Bottom), library);
  BatchOperation rename{.kind = Kind::Rename, .name_template = "{name}!"};
  const auto renamed = plan(rename, library);

  EXPECT_EQ(planned.entries[0].status, Status::Refused);
  EXPECT_THAT(planned.entries[0].reason, HasSubstr("followed"));
  EXPECT_EQ(planned.entries[1].reason, "not synced since it changed: sync it first");
  EXPECT_EQ(planned.entries[2].reason, "not synced since it changed: sync it first");
  EXPECT_EQ(planned.entries[3].status, Status::Change);  // collaborators may add
  EXPECT_EQ(planned.refused, 3);
  EXPECT_EQ(renamed.entries[3].status, Status::Refused);
  EXPECT_THAT(renamed.entries[3].reason, HasSubstr("only its owner"));
  EXPECT_EQ(renamed.entries[1].status, Status::Change);  // details need no synced items
}

TEST(PlanBatch, RemovesEveryCopyOfTheHeldUris) {
  Library library;
  library.add(stored(pid("a"), "A"), {track("1"), track("2"), track("1")});
  library.add(stored(pid("b"), "B"), {track("2")});

  const auto planned =
      plan(BatchOperation{.kind = Kind::Remove, .uris = {track("1"), track("9")}}, library);

  EXPECT_EQ(planned.entries[0].request.uris, (std::vector<std::string>{track("1")}));
  EXPECT_EQ(planned.entries[0].proposal.desired, (std::vector<std::string>{track("2")}));
  EXPECT_EQ(planned.entries[1].status, Status::Unchanged);
  EXPECT_EQ(planned.entries[1].reason, "does not hold any of the 2");
}

TEST(PlanBatch, ReplacesInPlaceOrOnlyRemovesWhenTheNewTrackIsThere) {
  Library library;
  library.add(stored(pid("a"), "A"), {track("o"), track("1"), track("o")});
  library.add(stored(pid("b"), "B"), {track("n"), track("o")});
  library.add(stored(pid("c"), "C"), {track("1")});

  const auto planned = plan(
      BatchOperation{.kind = Kind::Replace, .old_uri = track("o"), .new_uri = track("n")}, library);

  EXPECT_EQ(planned.entries[0].proposal.desired,
            (std::vector<std::string>{track("n"), track("1"), track("n")}));
  EXPECT_EQ(planned.entries[1].proposal.desired, (std::vector<std::string>{track("n")}));
  EXPECT_EQ(planned.entries[2].status, Status::Unchanged);
  EXPECT_EQ(planned.entries[2].reason, "does not hold it");
}

TEST(PlanBatch, DedupesSortsAndShufflesWithAReasonWhenNothingChanges) {
  Library library;
  library.add(stored(pid("a"), "A"), {track("1"), track("2"), track("1")});
  library.add(stored(pid("b"), "B"), {track("1"), track("2")});

  const auto deduped = plan(BatchOperation{.kind = Kind::Dedupe}, library);
  EXPECT_EQ(deduped.entries[0].proposal.desired,
            (std::vector<std::string>{track("1"), track("2")}));
  EXPECT_EQ(deduped.entries[1].reason, "no duplicates");

  Library sortable;
  auto items = items_of({track("b"), track("a")});
  sortable.add(stored(pid("a"), "A"), {});
  sortable.items[0] = items;
  sortable.items[0][0].track = TrackInfo{.uri = track("b"), .name = "Beta"};
  sortable.items[0][1].track = TrackInfo{.uri = track("a"), .name = "Alpha"};
  sortable.add(stored(pid("b"), "B"), {track("1")});
  const auto sorted = plan(BatchOperation{.kind = Kind::Sort}, sortable);
  EXPECT_EQ(sorted.entries[0].proposal.desired, (std::vector<std::string>{track("a"), track("b")}));
  EXPECT_EQ(sorted.entries[1].reason, "already in that order");

  Library shuffled;
  std::vector<std::string> many;
  for (int i = 0; i < 30; ++i) many.push_back(track(std::to_string(i)));
  shuffled.add(stored(pid("a"), "A"), many);
  shuffled.add(stored(pid("b"), "B"), many);
  const auto once = plan(BatchOperation{.kind = Kind::Shuffle, .shuffle_seed = 5}, shuffled);
  const auto again = plan(BatchOperation{.kind = Kind::Shuffle, .shuffle_seed = 5}, shuffled);
  EXPECT_EQ(once.entries[0].request.shuffle_seed, seed_for(5, pid("a")));
  EXPECT_NE(once.entries[0].proposal.desired, once.entries[1].proposal.desired);
  EXPECT_EQ(once.entries[0].proposal.desired, again.entries[0].proposal.desired);
}

TEST(PlanBatch, RenamesFromTemplatesAndRefusesWhatSpotifyWould) {
  Library library;
  library.add(stored(pid("a"), "Mix"), {track("1"), track("2")});
  library.add(stored(pid("b"), "Mix 2026"), {});
  library.add(stored(pid("c"), std::string(197, 'n')), {});

  const auto planned =
      plan(BatchOperation{.kind = Kind::Rename, .name_template = "{name} {year}"}, library);
  const auto counted =
      plan(BatchOperation{.kind = Kind::Rename, .description_template = "{count} tracks"}, library);

  ASSERT_EQ(planned.entries[0].status, Status::Change);
  EXPECT_EQ(planned.entries[0].request.kind, EditRequest::Kind::Details);
  EXPECT_EQ(planned.entries[0].request.details.name, "Mix 2026");
  EXPECT_FALSE(planned.entries[0].request.details.description);
  EXPECT_EQ(planned.entries[0].calls, 3);  // the details, a confirming read, a read after
  EXPECT_EQ(planned.entries[1].status, Status::Change);  // "Mix 2026 2026"
  EXPECT_EQ(planned.entries[2].status, Status::Refused);
  EXPECT_THAT(planned.entries[2].reason, HasSubstr("more than Spotify's 200"));
  EXPECT_EQ(counted.entries[0].request.details.description, "2 tracks");

  Library same;
  same.add(stored(pid("a"), "Mix"), {});
  EXPECT_EQ(
      plan(BatchOperation{.kind = Kind::Rename, .name_template = "{name}"}, same).entries[0].reason,
      "already has that name");
}

TEST(PlanBatch, ChangesVisibilityExceptOfCollaborativePlaylists) {
  Library library;
  library.add(stored(pid("a"), "Private"), {});
  auto open = stored(pid("b"), "Public");
  open.summary.is_public = true;
  library.add(open, {});
  auto collaborative = stored(pid("c"), "Collab");
  collaborative.summary.collaborative = true;
  library.add(collaborative, {});

  const auto planned = plan(BatchOperation{.kind = Kind::Visibility, .make_public = true}, library);

  EXPECT_EQ(planned.entries[0].status, Status::Change);
  EXPECT_EQ(planned.entries[0].request.details.is_public, true);
  EXPECT_EQ(planned.entries[1].reason, "already public");
  EXPECT_EQ(planned.entries[2].status, Status::Refused);
  EXPECT_THAT(planned.entries[2].reason, HasSubstr("collaborative"));
}

TEST(PlanBatch, RefusesAPlaylistThatWouldGrowPastTheLimit) {
  Library library;
  std::vector<std::string> full;
  for (std::size_t i = 0; i < kMaxPlaylistItems; ++i) full.push_back(track(std::to_string(i)));
  library.add(stored(pid("a"), "Full"), full);
  library.add(stored(pid("b"), "Room"), {});

  const auto planned = plan(add_op({track("n")}, BatchOperation::At::Bottom), library);

  EXPECT_EQ(planned.entries[0].status, Status::Refused);
  EXPECT_THAT(planned.entries[0].reason, HasSubstr("10000"));
  EXPECT_EQ(planned.entries[1].status, Status::Change);
}

TEST(PlanBatch, FailsOnlyForAnOperationNoPlaylistCouldSatisfy) {
  Library library;
  library.add(stored(pid("a"), "A"), {});
  auto planned =
      plan_batch(BatchOperation{.kind = Kind::Remove}, library.targets(), "me", kOptions);
  ASSERT_FALSE(planned);
  EXPECT_EQ(planned.error().code, ErrorCode::InvalidInput);
}

/// For random playlists, the desired list of every Change entry is what the operation means.
TEST(PlanBatch, PropertyEveryChangeMeansWhatTheOperationSays) {
  std::mt19937_64 random(20261207);
  for (int round = 0; round < 300; ++round) {
    Library library;
    const auto pool = [&] { return track(std::to_string(random() % 12)); };
    for (int p = 0; p < 4; ++p) {
      std::vector<std::string> uris(random() % 9);
      for (auto& uri : uris) uri = pool();
      library.add(stored(pid(std::to_string(p)), "P"), uris);
    }
    const std::string added = pool();
    const auto position = static_cast<std::int64_t>(random() % 10);
    const auto at_position = plan(add_op({added}, BatchOperation::At::Position, position), library);
    const std::string old_uri = pool();
    std::string new_uri = pool();
    if (new_uri == old_uri) new_uri = track("other");
    const auto replaced = plan(
        BatchOperation{.kind = Kind::Replace, .old_uri = old_uri, .new_uri = new_uri}, library);
    const std::vector<std::string> removed_uris{pool(), pool()};
    const auto removed = plan(BatchOperation{.kind = Kind::Remove, .uris = removed_uris}, library);
    const std::vector<std::string> top_uris{added, pool()};
    const auto on_top = plan(add_op(top_uris, BatchOperation::At::Top), library);

    for (std::size_t p = 0; p < library.items.size(); ++p) {
      const auto before = uris_of(library.items[p]);
      const bool held = std::find(before.begin(), before.end(), added) != before.end();
      const auto& add = at_position.entries[p];
      ASSERT_EQ(add.status, held ? Status::Unchanged : Status::Change) << round;
      if (!held) {
        const auto index =
            std::min<std::int64_t>(position, static_cast<std::int64_t>(before.size()));
        auto expected = before;
        expected.insert(expected.begin() + index, added);
        ASSERT_EQ(add.proposal.desired, expected) << round;
        ASSERT_EQ(apply_steps(before, add.proposal.plan.steps).value(), expected) << round;
      }
      const auto& replace = replaced.entries[p];
      const bool holds_old = std::find(before.begin(), before.end(), old_uri) != before.end();
      const bool holds_new = std::find(before.begin(), before.end(), new_uri) != before.end();
      ASSERT_EQ(replace.status, holds_old ? Status::Change : Status::Unchanged) << round;
      if (!holds_old) continue;
      std::vector<std::string> expected;
      for (const auto& uri : before) {
        if (uri != old_uri)
          expected.push_back(uri);
        else if (!holds_new)
          expected.push_back(new_uri);
      }
      ASSERT_EQ(replace.proposal.desired, expected) << round;
      ASSERT_EQ(apply_steps(before, replace.proposal.plan.steps).value(), expected) << round;
    }
    for (std::size_t p = 0; p < library.items.size(); ++p) {
      const auto before = uris_of(library.items[p]);
      const auto held = [&](const std::string& uri) {
        return std::find(before.begin(), before.end(), uri) != before.end();
      };
      // Remove: every copy of the held URIs goes, the rest keeps its order.
      std::vector<std::string> kept;
      std::copy_if(before.begin(), before.end(), std::back_inserter(kept), [&](const auto& uri) {
        return std::find(removed_uris.begin(), removed_uris.end(), uri) == removed_uris.end();
      });
      const auto& remove = removed.entries[p];
      ASSERT_EQ(remove.status, kept.size() == before.size() ? Status::Unchanged : Status::Change);
      if (remove.status == Status::Change) {
        ASSERT_EQ(remove.proposal.desired, kept) << round;
      }
      // Add at the top: the URIs the playlist lacks, in the operation's order, before the rest.
      std::vector<std::string> top;
      std::copy_if(top_uris.begin(), top_uris.end(), std::back_inserter(top),
                   [&](const auto& uri) { return !held(uri); });
      ASSERT_EQ(on_top.entries[p].status, top.empty() ? Status::Unchanged : Status::Change);
      if (top.empty()) continue;
      top.insert(top.end(), before.begin(), before.end());
      ASSERT_EQ(on_top.entries[p].proposal.desired, top) << round;
    }
  }
}

TEST(Estimates, CallsAndDuration) {
  using std::chrono::milliseconds;
  EXPECT_EQ(estimated_duration(0, 90, milliseconds{100}), milliseconds{0});
  EXPECT_EQ(estimated_duration(50, 90, milliseconds{100}), milliseconds{5'000});  // latency bound
  // 270 calls at 90 per 30 s: the first 90 at once, 180 more take 60 s.
  EXPECT_EQ(estimated_duration(270, 90, milliseconds{100}), milliseconds{60'000});
  EXPECT_EQ(estimated_duration(270, 90, milliseconds{300}), milliseconds{81'000});

  Library library;
  for (int i = 0; i < 40; ++i) library.add(stored(pid(std::to_string(i)), "P"), {track("1")});
  const auto planned = plan(add_op({track("n")}, BatchOperation::At::Top), library);
  EXPECT_EQ(planned.calls, 80);
  EXPECT_EQ(planned.expected_duration, milliseconds{8'000});
}

// ---- where a track is, duplicates ------------------------------------------------------------

TEST(WhereIs, ListsPositionsAndTheEarliestAddedAt) {
  Library library;
  library.add(stored(pid("a"), "A"), {track("1"), track("2"), track("1")});
  library.add(stored(pid("b"), "B"), {track("2")});
  library.add(stored(pid("c"), "C"), {track("3"), track("1")});
  library.items[0][0].added_at = from_unix_seconds(200);
  library.items[0][2].added_at = from_unix_seconds(100);

  const auto found = where_is(track("1"), library.targets());

  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].playlist_id, pid("a"));
  EXPECT_THAT(found[0].positions, ElementsAre(0, 2));
  EXPECT_EQ(found[0].added_at, from_unix_seconds(100));
  EXPECT_EQ(found[1].playlist_id, pid("c"));
  EXPECT_THAT(found[1].positions, ElementsAre(1));
  EXPECT_FALSE(found[1].added_at);
}

TEST(FindDuplicates, OrdersByPlaylistsThenFirstAppearanceAndSkipsLocalFiles) {
  Library library;
  const std::string local = "spotify:local:a:b:c:1";
  library.add(stored(pid("a"), "A"), {track("2"), track("1"), local, local, "", ""});
  library.add(stored(pid("b"), "B"), {track("1"), track("3"), track("1")});
  library.add(stored(pid("c"), "C"), {track("3"), track("1"), track("2")});
  library.items[0][2].is_local = library.items[0][3].is_local = true;
  library.items[0][4].unavailable = library.items[0][5].unavailable = true;

  const auto report = find_duplicates(library.targets());

  EXPECT_THAT(report.across,
              ElementsAre(CrossDuplicate{track("1"), {{pid("a"), 1}, {pid("b"), 2}, {pid("c"), 1}}},
                          CrossDuplicate{track("2"), {{pid("a"), 1}, {pid("c"), 1}}},
                          CrossDuplicate{track("3"), {{pid("b"), 1}, {pid("c"), 1}}}));
  EXPECT_THAT(report.within, ElementsAre(InnerDuplicate{pid("b"), track("1"), {0, 2}}));
}

}  // namespace
}  // namespace plm::core
