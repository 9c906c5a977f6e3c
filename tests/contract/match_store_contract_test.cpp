// The MatchStore contract (core/ports/match_store.hpp): the SQL store on SQLite and PostgreSQL and
// the in-memory fake other tests rely on (tests/support/fakes.hpp) keep the same promises. Each
// test runs on a fresh database, through the port (and the store ports it depends on) alone;
// MatchStoreAtRest looks at what the databases hold.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>
#include <type_traits>

#include "owned_account_fixture.hpp"

namespace plm::contract {
namespace {

using core::ErrorCode;
using core::LineDecision;
using core::LineMatch;
using core::MatchSource;
using core::MatchStatus;
using core::PasteLineRow;
using core::TrackInfo;

TrackInfo track(int n) {
  return TrackInfo{
      .uri = "spotify:track:" + std::string(22 - std::to_string(n).size(), 'a') + std::to_string(n),
      .name = "Song " + std::to_string(n) + " — Live at Rockefeller \"Music\" Hall",
      .artists = {"Ärtist " + std::to_string(n), "山田"},
      .album = "Album " + std::to_string(n),
      .album_image_url = n % 2 ? "https://i.scdn.co/image/" + std::to_string(n) : "",
      .duration_ms = 200'000 + n,
      .isrc = n % 3 ? "USRC1700" + std::to_string(1000 + n) : "",
      .explicit_content = n % 2 == 0,
      .release_date = n % 2 ? "1999-07" : ""};
}

/// A result of the matcher for line `number`: matched to track(n), with two candidates.
LineMatch matched(std::size_t number, int n) {
  return LineMatch{.number = number,
                   .status = MatchStatus::Matched,
                   .uri = track(n).uri,
                   .track = track(n),
                   .confidence = 0.1 + 0.2 + n / 1000.0,  // no short decimal: must round-trip
                   .candidates = {{track(n), 0.97}, {track(n + 1), 1.0 / 3.0}},
                   .source = MatchSource::Search,
                   .reason = "",
                   .calls = 2};
}

LineMatch not_found(std::size_t number) {
  return LineMatch{.number = number,
                   .status = MatchStatus::NotFound,
                   .source = MatchSource::Search,
                   .reason = "no track by this artist has this title",
                   .calls = 3};
}

core::TimePoint at(std::int64_t seconds) { return core::from_unix_seconds(seconds); }

/// What a poller holds after reading `rows`, having held `since` before.
std::int64_t highest_seq(const std::vector<PasteLineRow>& rows, std::int64_t since = 0) {
  for (const auto& row : rows) since = std::max(since, row.seq);
  return since;
}

template <typename BackendType>
class MatchStoreFixture : public OwnedAccountFixture<BackendType> {
 protected:
  using Base = OwnedAccountFixture<BackendType>;
  using Base::account_;
  using Base::alice_;
  using Base::clock_;
  using Base::store_;

  core::MatchStore& matches() { return store_->matches(); }

  core::StoredPaste paste(const std::vector<std::string>& inputs, std::int64_t user = 0,
                          std::int64_t account = 0) {
    auto created = matches().create_paste(user ? user : alice_, account ? account : account_,
                                          inputs, clock_.now());
    EXPECT_TRUE(created.has_value()) << created.error().message;
    return created.has_value() ? *created : core::StoredPaste{};
  }

  std::vector<PasteLineRow> lines(std::int64_t paste_id, std::int64_t since = 0) {
    auto read = matches().paste_lines(paste_id, since);
    EXPECT_TRUE(read.has_value()) << read.error().message;
    return read.has_value() ? *read : std::vector<PasteLineRow>{};
  }

  PasteLineRow line(std::int64_t paste_id, std::size_t number) {
    for (auto& row : lines(paste_id)) {
      if (row.match.number == number) return row;
    }
    ADD_FAILURE() << "no line " << number;
    return {};
  }

  void save(std::int64_t paste_id, const std::vector<LineMatch>& results) {
    const auto saved = matches().save_line_results(paste_id, results);
    EXPECT_TRUE(saved.has_value()) << saved.error().message;
  }

  PasteLineRow decide(std::int64_t paste_id, std::size_t number, LineDecision decision,
                      const std::optional<TrackInfo>& chosen = std::nullopt) {
    auto decided = matches().decide_line(paste_id, number, decision, chosen);
    EXPECT_TRUE(decided.has_value()) << decided.error().message;
    return decided.has_value() ? *decided : PasteLineRow{};
  }

  void add_playlist(std::int64_t account, const std::string& id,
                    const std::vector<core::PlaylistItem>& items) {
    const auto saved = store_->save_playlist(
        account, 0, core::PlaylistSummary{.id = id, .name = id, .snapshot_id = "s"}, items);
    EXPECT_TRUE(saved.has_value()) << saved.error().message;
  }
};

template <typename BackendType>
class MatchStoreContract : public MatchStoreFixture<BackendType> {};
template <typename BackendType>
class MatchStoreAtRest : public MatchStoreFixture<BackendType> {};

using Implementations = ::testing::Types<SqliteBackend, PostgresBackend, InMemoryBackend>;
TYPED_TEST_SUITE(MatchStoreContract, Implementations, BackendNames);
using Databases = ::testing::Types<SqliteBackend, PostgresBackend>;
TYPED_TEST_SUITE(MatchStoreAtRest, Databases, BackendNames);

// ---- Pastes and their lines ----

TYPED_TEST(MatchStoreContract, StoresAPasteWithItsOwnersAndOnePendingLinePerInput) {
  this->clock_.advance(std::chrono::milliseconds(700));  // kept to the second
  const std::vector<std::string> inputs{"Daft Punk - One More Time", "",
                                        "Title\tArtist\tAlbum é 山 🎧", "# a comment"};
  const core::StoredPaste created = this->paste(inputs);

  EXPECT_GT(created.id, 0);
  EXPECT_EQ(created.owner_user_id, this->alice_);
  EXPECT_EQ(created.account_id, this->account_);
  EXPECT_EQ(created.created_at, at(1'793'491'200));
  EXPECT_EQ(created.job_id, std::nullopt);
  EXPECT_EQ(created.line_count, 4U);
  EXPECT_EQ(this->matches().find_paste(created.id).value(), created);

  const auto rows = this->lines(created.id);
  ASSERT_EQ(rows.size(), 4U);
  for (std::size_t index = 0; index < rows.size(); ++index) {
    const PasteLineRow expected{.match = {.number = index + 1, .input = inputs[index]},
                                .seq = rows[0].seq};
    EXPECT_EQ(rows[index], expected) << "line " << index + 1;
  }
  // The lines appear together: one seq, above 0, so `since = 0` reads them all.
  EXPECT_GT(rows[0].seq, 0);
  EXPECT_TRUE(this->lines(created.id, rows[0].seq).empty());

  const auto empty = this->paste({});
  EXPECT_EQ(empty.line_count, 0U);
  EXPECT_TRUE(this->lines(empty.id).empty());
}

TYPED_TEST(MatchStoreContract, RecordsThePastesJob) {
  const auto created = this->paste({"a - b"});
  ASSERT_TRUE(this->matches().set_paste_job(created.id, 42).has_value());
  EXPECT_EQ(this->matches().find_paste(created.id).value()->job_id, 42);
}

TYPED_TEST(MatchStoreContract, AnUnknownPasteIsNotFoundEverywhere) {
  constexpr std::int64_t kNone = 987654;
  auto& store = this->matches();
  EXPECT_EQ(store.find_paste(kNone).value(), std::nullopt);
  EXPECT_EQ(store.set_paste_job(kNone, 1).error().code, ErrorCode::NotFound);
  EXPECT_EQ(store.paste_lines(kNone, 0).error().code, ErrorCode::NotFound);
  EXPECT_EQ(store.save_line_results(kNone, {not_found(1)}).error().code, ErrorCode::NotFound);
  EXPECT_EQ(store.decide_line(kNone, 1, LineDecision::Skipped, std::nullopt).error().code,
            ErrorCode::NotFound);
  EXPECT_EQ(store.delete_paste(kNone).error().code, ErrorCode::NotFound);
}

TYPED_TEST(MatchStoreContract, APasteNeedsItsUserAndAccount) {
  auto& store = this->matches();
  EXPECT_EQ(store.create_paste(this->alice_ + 100, this->account_, {"x"}, at(0)).error().code,
            ErrorCode::NotFound);
  EXPECT_EQ(store.create_paste(this->alice_, this->account_ + 100, {"x"}, at(0)).error().code,
            ErrorCode::NotFound);
}

TYPED_TEST(MatchStoreContract, ResultsRoundTripAndOnlyChangedLinesAreReadAgain) {
  const auto created = this->paste({"one", "two", "three"});
  const std::int64_t seen = highest_seq(this->lines(created.id));

  this->save(created.id, {matched(1, 1), not_found(3)});
  const auto changed = this->lines(created.id, seen);
  ASSERT_EQ(changed.size(), 2U);
  LineMatch one = matched(1, 1);
  one.input = "one";
  EXPECT_EQ(changed[0].match, one);
  LineMatch three = not_found(3);
  three.input = "three";
  EXPECT_EQ(changed[1].match, three);
  EXPECT_EQ(changed[0].decision, LineDecision::None);
  EXPECT_GT(changed[0].seq, seen);
  EXPECT_GT(changed[1].seq, seen);
  EXPECT_NE(changed[0].seq, changed[1].seq);
  EXPECT_EQ(this->line(created.id, 2).match.status, MatchStatus::Pending);

  // The input given with a result is not the line's: it never changes.
  LineMatch renamed = matched(2, 5);
  renamed.input = "something else";
  this->save(created.id, {renamed});
  EXPECT_EQ(this->line(created.id, 2).match.input, "two");
}

TYPED_TEST(MatchStoreContract, SavingTheSameResultAgainChangesNothing) {
  const auto created = this->paste({"one", "two"});
  this->save(created.id, {matched(1, 1), not_found(2)});
  const std::int64_t seen = highest_seq(this->lines(created.id));

  this->save(created.id, {matched(1, 1), not_found(2)});  // a resumed job saving again
  EXPECT_TRUE(this->lines(created.id, seen).empty());

  this->save(created.id, {matched(1, 1), matched(2, 2)});
  const auto changed = this->lines(created.id, seen);
  ASSERT_EQ(changed.size(), 1U);
  EXPECT_EQ(changed[0].match.number, 2U);
}

TYPED_TEST(MatchStoreContract, APollBySeqMissesNoChangeOfAnyPaste) {
  const auto first = this->paste({"a", "b", "c"});
  const auto second = this->paste({"d", "e"});
  std::int64_t first_seen = highest_seq(this->lines(first.id));
  std::int64_t second_seen = highest_seq(this->lines(second.id));
  EXPECT_GT(second_seen, first_seen);

  // Changes of both pastes, interleaved; each poll returns exactly the lines changed since.
  const std::vector<std::pair<std::int64_t, std::size_t>> changes{
      {first.id, 2}, {second.id, 1}, {first.id, 3}, {first.id, 2}, {second.id, 2}};
  int round = 0;
  for (const auto& [paste_id, number] : changes) {
    ++round;
    this->save(paste_id, {matched(number, round)});
    std::int64_t& seen = paste_id == first.id ? first_seen : second_seen;
    const auto polled = this->lines(paste_id, seen);
    ASSERT_EQ(polled.size(), 1U) << "round " << round;
    EXPECT_EQ(polled[0].match.number, number);
    EXPECT_GT(polled[0].seq, seen);
    seen = highest_seq(polled, seen);
  }
  EXPECT_TRUE(this->lines(first.id, first_seen).empty());
  EXPECT_TRUE(this->lines(second.id, second_seen).empty());
}

TYPED_TEST(MatchStoreContract, AResultForAnUnknownLineSavesNothing) {
  const auto created = this->paste({"one", "two"});
  const std::int64_t seen = highest_seq(this->lines(created.id));
  auto& store = this->matches();
  EXPECT_EQ(store.save_line_results(created.id, {matched(1, 1), not_found(3)}).error().code,
            ErrorCode::NotFound);
  EXPECT_EQ(store.save_line_results(created.id, {not_found(0)}).error().code,
            ErrorCode::InvalidInput);
  EXPECT_TRUE(this->lines(created.id, seen).empty());
}

// ---- Decisions ----

TYPED_TEST(MatchStoreContract, APickedTrackStaysThroughNewResultsUntilCleared) {
  const auto created = this->paste({"one"});
  this->save(created.id, {matched(1, 1)});
  const std::int64_t before = this->line(created.id, 1).seq;

  const PasteLineRow picked = this->decide(created.id, 1, LineDecision::Picked, track(7));
  EXPECT_EQ(picked.decision, LineDecision::Picked);
  EXPECT_EQ(picked.match.uri, track(7).uri);
  EXPECT_EQ(picked.match.track, track(7));
  EXPECT_EQ(picked.match.status, MatchStatus::Matched);  // the matcher's, as it was
  EXPECT_EQ(picked.match.candidates, matched(1, 1).candidates);
  EXPECT_GT(picked.seq, before);
  EXPECT_EQ(this->line(created.id, 1), picked);

  this->save(created.id, {matched(1, 3)});  // the matcher again (a resumed job)
  const PasteLineRow kept = this->line(created.id, 1);
  EXPECT_EQ(kept.decision, LineDecision::Picked);
  EXPECT_EQ(kept.match.track, track(7));
  EXPECT_EQ(kept.match.candidates, matched(1, 3).candidates);
  EXPECT_GT(kept.seq, picked.seq);

  const PasteLineRow cleared = this->decide(created.id, 1, LineDecision::None);
  EXPECT_EQ(cleared.decision, LineDecision::None);
  EXPECT_EQ(cleared.match.uri, track(3).uri);  // the matcher's latest result
  EXPECT_EQ(cleared.match.track, track(3));
  EXPECT_GT(cleared.seq, kept.seq);
}

TYPED_TEST(MatchStoreContract, AcceptingTakesTheMatchOrTheChosenCandidate) {
  const auto created = this->paste({"one", "two", "three"});
  LineMatch ambiguous = matched(2, 4);
  ambiguous.status = MatchStatus::Ambiguous;
  ambiguous.uri.reset();
  ambiguous.track.reset();
  ambiguous.confidence = 0;
  this->save(created.id, {matched(1, 1), ambiguous, not_found(3)});

  const PasteLineRow accepted = this->decide(created.id, 1, LineDecision::Accepted);
  EXPECT_EQ(accepted.decision, LineDecision::Accepted);
  EXPECT_EQ(accepted.match.track, track(1));
  // A new result does not move what was accepted.
  this->save(created.id, {matched(1, 9)});
  EXPECT_EQ(this->line(created.id, 1).match.track, track(1));

  const PasteLineRow candidate = this->decide(created.id, 2, LineDecision::Accepted, track(5));
  EXPECT_EQ(candidate.match.uri, track(5).uri);
  EXPECT_EQ(candidate.match.status, MatchStatus::Ambiguous);

  auto& store = this->matches();
  EXPECT_EQ(store.decide_line(created.id, 3, LineDecision::Accepted, std::nullopt).error().code,
            ErrorCode::InvalidInput);  // nothing to accept
  EXPECT_EQ(store.decide_line(created.id, 3, LineDecision::Picked, std::nullopt).error().code,
            ErrorCode::InvalidInput);  // a pick names its track
  EXPECT_EQ(this->line(created.id, 3).decision, LineDecision::None);
}

TYPED_TEST(MatchStoreContract, SkippingKeepsTheMatchersResult) {
  const auto created = this->paste({"one"});
  this->save(created.id, {matched(1, 1)});
  this->decide(created.id, 1, LineDecision::Picked, track(2));
  const PasteLineRow skipped = this->decide(created.id, 1, LineDecision::Skipped, track(3));
  EXPECT_EQ(skipped.decision, LineDecision::Skipped);
  EXPECT_EQ(skipped.match.uri, track(1).uri);  // `chosen` is ignored for a skip
  EXPECT_EQ(this->line(created.id, 1), skipped);
}

TYPED_TEST(MatchStoreContract, DecidingAnUnknownLineIsNotFound) {
  const auto created = this->paste({"one"});
  auto& store = this->matches();
  EXPECT_EQ(store.decide_line(created.id, 0, LineDecision::Skipped, std::nullopt).error().code,
            ErrorCode::NotFound);
  EXPECT_EQ(store.decide_line(created.id, 2, LineDecision::Picked, track(1)).error().code,
            ErrorCode::NotFound);
}

// ---- Deletion and ownership ----

TYPED_TEST(MatchStoreContract, DeletingAPasteTakesItsLinesAndNothingElse) {
  const auto gone = this->paste({"one", "two"});
  const auto kept = this->paste({"three"});
  ASSERT_TRUE(this->matches().delete_paste(gone.id).has_value());
  EXPECT_EQ(this->matches().find_paste(gone.id).value(), std::nullopt);
  EXPECT_EQ(this->matches().paste_lines(gone.id, 0).error().code, ErrorCode::NotFound);
  EXPECT_EQ(this->matches().delete_paste(gone.id).error().code, ErrorCode::NotFound);
  EXPECT_EQ(this->lines(kept.id).size(), 1U);
}

TYPED_TEST(MatchStoreContract, PastesAndChoicesGoWithTheirUserAndAccount) {
  const std::int64_t second_account = this->add_account(this->alice_, "sp-alice-2");
  const std::int64_t bob = this->add_user("bob");
  const std::int64_t bobs_account = this->add_account(bob, "sp-bob");
  const auto of_first = this->paste({"a"});
  const auto of_second = this->paste({"b"}, this->alice_, second_account);
  const auto of_bob = this->paste({"c"}, bob, bobs_account);
  auto& store = this->matches();
  ASSERT_TRUE(store.remember_choice(this->alice_, "a", track(1), at(0)).has_value());
  ASSERT_TRUE(store.remember_choice(bob, "a", track(2), at(0)).has_value());

  ASSERT_TRUE(this->store_->delete_account(this->account_).has_value());
  EXPECT_EQ(store.find_paste(of_first.id).value(), std::nullopt);
  EXPECT_NE(store.find_paste(of_second.id).value(), std::nullopt);

  ASSERT_TRUE(this->store_->delete_user(this->alice_).has_value());
  EXPECT_EQ(store.find_paste(of_second.id).value(), std::nullopt);
  EXPECT_EQ(store.remembered_choice(this->alice_, "a").value(), std::nullopt);

  EXPECT_EQ(store.find_paste(of_bob.id).value()->owner_user_id, bob);
  EXPECT_EQ(store.remembered_choice(bob, "a").value(), track(2));
}

// ---- Text no database could keep ----

TYPED_TEST(MatchStoreContract, RefusesTextNoStoreCouldKeep) {
  auto& store = this->matches();
  const auto refused = [](const core::Status& status) {
    return !status.has_value() && status.error().code == ErrorCode::InvalidInput;
  };
  const auto refused_paste = [&](const std::vector<std::string>& inputs) {
    const auto created = store.create_paste(this->alice_, this->account_, inputs, at(0));
    return !created.has_value() && created.error().code == ErrorCode::InvalidInput;
  };
  EXPECT_TRUE(refused_paste({"fine", "bad \xff byte"}));
  EXPECT_TRUE(refused_paste({std::string("nul \0 inside", 12)}));
  EXPECT_TRUE(refused_paste({"bell \x07"}));
  EXPECT_TRUE(refused_paste(std::vector<std::string>(core::kMaxPastedLines + 1, "x")));
  EXPECT_FALSE(refused_paste({"a\tb\tc"}));  // spreadsheet rows keep their tabs

  const auto created = this->paste({"one"});
  LineMatch bad_uri = matched(1, 1);
  bad_uri.uri = "spotify:track:\xc3";
  EXPECT_TRUE(refused(store.save_line_results(created.id, {bad_uri})));
  TrackInfo no_uri = track(1);
  no_uri.uri.clear();
  const auto pick = store.decide_line(created.id, 1, LineDecision::Picked, no_uri);
  ASSERT_FALSE(pick.has_value());
  EXPECT_EQ(pick.error().code, ErrorCode::InvalidInput);
  EXPECT_TRUE(refused(store.remember_choice(this->alice_, "", track(1), at(0))));
  EXPECT_TRUE(refused(store.remember_choice(this->alice_, "bad \xff", track(1), at(0))));
  EXPECT_TRUE(refused(store.remember_choice(this->alice_, "key", no_uri, at(0))));
  EXPECT_TRUE(refused(store.cache_lookup("bad \x01", {}, at(0))));
  // Such a key was never stored: nothing is found, nothing fails.
  EXPECT_EQ(store.remembered_choice(this->alice_, "bad \xff").value(), std::nullopt);
  EXPECT_EQ(store.cached_lookup("bad \xff", at(0)).value(), std::nullopt);
  EXPECT_TRUE(store.forget_choice(this->alice_, "bad \xff").has_value());
  // Catalog data is kept as JSON, where any character survives.
  TrackInfo odd = track(2);
  odd.name = "tab\t newline\n quote\" backslash\\ nul " + std::string(1, '\0');
  ASSERT_TRUE(store.remember_choice(this->alice_, "odd", odd, at(0)).has_value());
  EXPECT_EQ(store.remembered_choice(this->alice_, "odd").value(), odd);
}

// ---- Remembered choices ----

TYPED_TEST(MatchStoreContract, RemembersOneChoicePerUserAndKey) {
  auto& store = this->matches();
  const std::int64_t bob = this->add_user("bob");
  const std::string key = "daft punk one more time";
  EXPECT_EQ(store.remembered_choice(this->alice_, key).value(), std::nullopt);

  ASSERT_TRUE(store.remember_choice(this->alice_, key, track(1), at(100)).has_value());
  EXPECT_EQ(store.remembered_choice(this->alice_, key).value(), track(1));
  EXPECT_EQ(store.remembered_choice(bob, key).value(), std::nullopt);

  ASSERT_TRUE(store.remember_choice(this->alice_, key, track(2), at(200)).has_value());
  EXPECT_EQ(store.remembered_choice(this->alice_, key).value(), track(2));

  ASSERT_TRUE(store.forget_choice(this->alice_, key).has_value());
  EXPECT_EQ(store.remembered_choice(this->alice_, key).value(), std::nullopt);
  EXPECT_TRUE(store.forget_choice(this->alice_, key).has_value());  // nothing to forget: fine

  EXPECT_EQ(store.remember_choice(bob + 100, key, track(1), at(0)).error().code,
            ErrorCode::NotFound);
}

// ---- Lookup cache ----

TYPED_TEST(MatchStoreContract, CachedLookupsAreFreshFromTheirSecondAndPruned) {
  auto& store = this->matches();
  const std::string key = "search|artist:\"Daft Punk\" track:\"One More Time\"|10|0";
  const core::TimePoint fetched = at(1000) + std::chrono::milliseconds(700);
  ASSERT_TRUE(store.cache_lookup(key, {track(1), track(2)}, fetched).has_value());
  ASSERT_TRUE(store.cache_lookup("nothing found", {}, at(1500)).has_value());

  EXPECT_EQ(store.cached_lookup(key, at(1000)).value(), (std::vector{track(1), track(2)}));
  EXPECT_EQ(store.cached_lookup(key, at(1001)).value(), std::nullopt);
  EXPECT_EQ(store.cached_lookup("unknown", at(0)).value(), std::nullopt);
  // No tracks is an answer too (a search that found nothing).
  EXPECT_EQ(store.cached_lookup("nothing found", at(0)).value(), std::vector<TrackInfo>{});

  ASSERT_TRUE(store.cache_lookup(key, {track(3)}, at(2000)).has_value());  // replaced
  EXPECT_EQ(store.cached_lookup(key, at(1001)).value(), std::vector{track(3)});

  EXPECT_EQ(store.prune_lookups(at(1500)).value(), 0);
  EXPECT_EQ(store.prune_lookups(at(1501)).value(), 1);
  EXPECT_EQ(store.cached_lookup("nothing found", at(0)).value(), std::nullopt);
  EXPECT_EQ(store.cached_lookup(key, at(0)).value(), std::vector{track(3)});
}

// ---- Known tracks ----

TYPED_TEST(MatchStoreContract, KnownTracksAreTheAccountsDistinctCatalogTracks) {
  const auto item = [](const TrackInfo& catalog_track) {
    return core::PlaylistItem{.uri = catalog_track.uri, .track = catalog_track};
  };
  TrackInfo local{.uri = "spotify:local:Artist:Album:Title:180", .name = "Title"};
  TrackInfo episode{.uri = "spotify:episode:512ojhOuo1ktJprKbVcKyQ", .name = "Episode"};
  this->add_playlist(this->account_, "p1",
                     {item(track(1)), item(track(2)), item(track(2)), item(local)});
  this->add_playlist(this->account_, "p2",
                     {item(track(3)), item(track(2)), item(episode),
                      core::PlaylistItem{.uri = "", .unavailable = true}});
  const std::int64_t other = this->add_account(this->alice_, "sp-other");
  this->add_playlist(other, "p3", {item(track(4))});

  EXPECT_EQ(this->matches().known_tracks(this->account_).value(),
            (std::vector{track(1), track(2), track(3)}));
  EXPECT_EQ(this->matches().known_tracks(other).value(), std::vector{track(4)});
  EXPECT_EQ(this->matches().known_tracks(other + 100).value(), std::vector<TrackInfo>{});
}

// ---- Units of work ----

TYPED_TEST(MatchStoreContract, APasteAndItsJobAreStoredTogetherOrNotAtAll) {
  std::int64_t paste_id = 0;
  const auto failed = this->store_->in_transaction([&](core::TransactionPorts& ports) {
    auto created = ports.matches().create_paste(this->alice_, this->account_, {"a"}, at(0));
    if (!created) return core::Status(created.error());
    paste_id = created->id;
    if (auto set = ports.matches().set_paste_job(paste_id, 7); !set) return set;
    return core::Status(core::make_error(ErrorCode::Conflict, "the job could not be enqueued"));
  });
  EXPECT_FALSE(failed.has_value());
  EXPECT_EQ(this->matches().find_paste(paste_id).value(), std::nullopt);

  const auto stored = this->store_->in_transaction([&](core::TransactionPorts& ports) {
    auto created = ports.matches().create_paste(this->alice_, this->account_, {"a"}, at(0));
    if (!created) return core::Status(created.error());
    paste_id = created->id;
    return ports.matches().set_paste_job(paste_id, 7);
  });
  ASSERT_TRUE(stored.has_value()) << stored.error().message;
  EXPECT_EQ(this->matches().find_paste(paste_id).value()->job_id, 7);
}

// ---- At rest (the databases) ----

TYPED_TEST(MatchStoreAtRest, TracksAreJsonWithTheApisFieldNames) {
  const auto created = this->paste({"one"});
  this->save(created.id, {matched(1, 1)});
  const auto stored = nlohmann::json::parse(this->backend_.raw_text(
      "SELECT track FROM paste_lines WHERE paste_id = " + std::to_string(created.id)));
  EXPECT_EQ(stored.at("uri"), track(1).uri);
  EXPECT_EQ(stored.at("artists"), nlohmann::json(track(1).artists));
  for (const char* name :
       {"name", "album", "album_image_url", "duration_ms", "release_date", "isrc", "explicit"}) {
    EXPECT_TRUE(stored.contains(name)) << name;
  }
}

TYPED_TEST(MatchStoreAtRest, SeqsKeepGrowingAfterReopening) {
  const auto first = this->paste({"one"});
  const std::int64_t before = this->line(first.id, 1).seq;
  this->store_.reset();
  this->store_ = this->backend_.open(this->cipher_, this->clock_);
  const auto second = this->paste({"two"});
  EXPECT_GT(this->line(second.id, 1).seq, before);
}

TYPED_TEST(MatchStoreAtRest, APollerMissesNoChangeWhileTwoProcessesWrite) {
  constexpr std::size_t kLines = 8;
  const auto created = this->paste(std::vector<std::string>(kLines, "a line"));
  auto other = this->backend_.open(this->cipher_, this->clock_);  // a second plm process
  std::atomic<bool> writing{true};
  std::vector<std::thread> writers;
  for (int writer = 0; writer < 2; ++writer) {
    writers.emplace_back([&, writer] {
      core::MatchStore& store = writer == 0 ? this->matches() : other->matches();
      for (int round = 1; round <= 30; ++round) {
        const std::size_t number = 1 + static_cast<std::size_t>(round * 3 + writer) % kLines;
        const auto saved =
            store.save_line_results(created.id, {matched(number, round * 2 + writer)});
        EXPECT_TRUE(saved.has_value()) << saved.error().message;
      }
    });
  }
  // What a browser holds: each line as last read, polling with the highest seq it has seen.
  std::map<std::size_t, PasteLineRow> held;
  std::int64_t since = 0;
  const auto poll = [&] {
    for (const auto& row : this->lines(created.id, since)) {
      held[row.match.number] = row;
      since = std::max(since, row.seq);
    }
  };
  std::thread poller([&] {
    while (writing) poll();
  });
  for (auto& writer : writers) writer.join();
  writing = false;
  poller.join();
  poll();
  for (const auto& row : this->lines(created.id)) {
    EXPECT_EQ(held[row.match.number], row) << "line " << row.match.number << " was missed";
  }
}

TYPED_TEST(MatchStoreAtRest, RoundTripsTheLargestPaste) {
  std::vector<std::string> inputs;
  for (std::size_t n = 1; n <= core::kMaxPastedLines; ++n) {
    inputs.push_back(std::to_string(n) + ". Artist " + std::to_string(n) + " - Title");
  }
  const auto created = this->paste(inputs);
  const auto rows = this->lines(created.id);
  ASSERT_EQ(rows.size(), inputs.size());
  EXPECT_EQ(rows.back().match.input, inputs.back());
  EXPECT_EQ(rows.back().match.number, core::kMaxPastedLines);
}

}  // namespace
}  // namespace plm::contract
