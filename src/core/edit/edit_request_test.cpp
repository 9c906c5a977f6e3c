#include "core/edit/edit_request.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "core/edit/edit_test_lists.hpp"
#include "core/write/playlist_edits.hpp"

namespace plm::core {
namespace {

using edit_testing::local_file;
using edit_testing::track;
using edit_testing::tracks;
using Kind = EditRequest::Kind;

std::vector<PlaylistItem> items_of(const std::vector<std::string>& uris) {
  std::vector<PlaylistItem> items;
  for (const auto& uri : uris) {
    PlaylistItem item;
    item.uri = uri;
    item.is_local = is_local_uri(uri);
    item.unavailable = uri.empty();
    items.push_back(item);
  }
  return items;
}

PlaylistItem catalog_item(const std::string& uri, std::string name, std::string artist,
                          std::string album, std::string release, std::int64_t duration_ms,
                          std::int64_t added_seconds) {
  PlaylistItem item;
  item.uri = uri;
  item.added_at = TimePoint{std::chrono::seconds{added_seconds}};
  item.track =
      TrackInfo{uri, std::move(name), {std::move(artist)}, std::move(album), "", duration_ms,
                "",  false,           std::move(release)};
  return item;
}

ItemRef ref(const std::vector<std::string>& list, std::int64_t position) {
  return {list[static_cast<std::size_t>(position)], position};
}

EditRequest move(std::vector<ItemRef> items, Placement placement) {
  return EditRequest::move(std::move(items), std::move(placement));
}

EditRequest of_kind(Kind kind) {
  EditRequest request;
  request.kind = kind;
  return request;
}

/// The desired list of `request` on an unchanged list, checked like the job checks it.
std::vector<std::string> resolved(const EditRequest& request,
                                  const std::vector<PlaylistItem>& items) {
  EXPECT_TRUE(check_edit_request(request)) << check_edit_request(request).error().message;
  auto desired = resolve_edit(request, items, items);
  EXPECT_TRUE(desired) << desired.error().message;
  return desired ? *desired : std::vector<std::string>{};
}

std::vector<std::string> resolved(const EditRequest& request,
                                  const std::vector<std::string>& list) {
  return resolved(request, items_of(list));
}

ErrorCode failure(const Result<std::vector<std::string>>& result) {
  EXPECT_FALSE(result);
  return result ? ErrorCode::Internal : result.error().code;
}

// ---- Names -----------------------------------------------------------------------------------

TEST(EditRequestNames, RoundTrip) {
  for (const auto kind : {Kind::SetList, Kind::Move, Kind::Add, Kind::Remove, Kind::Dedupe,
                          Kind::Sort, Kind::Shuffle, Kind::Restore, Kind::Details, Kind::Cover}) {
    EXPECT_EQ(edit_kind_from_string(to_string(kind)), kind) << to_string(kind);
  }
  EXPECT_EQ(to_string(Kind::SetList), "set_list");
  EXPECT_EQ(edit_kind_from_string("undo"), std::nullopt);
  for (const auto key : {SortKey::Title, SortKey::Artist, SortKey::Album, SortKey::Release,
                         SortKey::Duration, SortKey::Added}) {
    EXPECT_EQ(sort_key_from_string(to_string(key)), key);
  }
  EXPECT_EQ(to_string(SortKey::Release), "release");
  EXPECT_EQ(sort_key_from_string("Title"), std::nullopt);
  for (const auto kind : {Placement::Kind::Top, Placement::Kind::Bottom, Placement::Kind::Before}) {
    EXPECT_EQ(placement_kind_from_string(to_string(kind)), kind);
  }
  EXPECT_EQ(to_string(Placement::Kind::Before), "before");
  EXPECT_EQ(dedupe_keep_from_string("last"), DedupeKeep::Last);
  EXPECT_EQ(to_string(DedupeKeep::First), "first");
  EXPECT_EQ(dedupe_keep_from_string("middle"), std::nullopt);
}

// ---- check_edit_request ------------------------------------------------------------------------

TEST(CheckEditRequest, RefusesWhatNoListCanSatisfy) {
  const auto list = tracks(1, 5);
  EXPECT_FALSE(check_edit_request(move({}, Placement::top())));
  EXPECT_FALSE(check_edit_request(move({ref(list, 1)}, Placement::before_item(ref(list, 1)))));
  EXPECT_FALSE(check_edit_request(move({ref(list, 1), ref(list, 1)}, Placement::top())));
  EXPECT_TRUE(check_edit_request(move({ref(list, 1)}, Placement::before_item(ref(list, 3)))));

  auto add = of_kind(Kind::Add);
  EXPECT_FALSE(check_edit_request(add)) << "nothing to add";
  add.uris = {local_file(1)};
  const auto local = check_edit_request(add);
  ASSERT_FALSE(local);
  EXPECT_EQ(local.error().code, ErrorCode::InvalidInput);
  EXPECT_NE(local.error().message.find("local file"), std::string::npos) << local.error().message;
  add.uris = {"spotify:track:bad"};
  EXPECT_FALSE(check_edit_request(add));
  add.uris = std::vector<std::string>(kMaxPlaylistItems + 1, track(1));
  EXPECT_FALSE(check_edit_request(add));
  add.uris = {track(9)};
  EXPECT_TRUE(check_edit_request(add));

  auto remove = of_kind(Kind::Remove);
  EXPECT_FALSE(check_edit_request(remove)) << "nothing to remove";
  remove.items = {{local_file(1), 0}};
  EXPECT_FALSE(check_edit_request(remove)) << "a local file cannot be removed";
  remove.items = {{"", 0}};
  EXPECT_FALSE(check_edit_request(remove)) << "nor an unavailable slot";
  remove.items = {ref(list, 0)};
  EXPECT_TRUE(check_edit_request(remove));

  auto set_list = of_kind(Kind::SetList);
  set_list.uris = {track(1), local_file(2), "", "spotify:album:xyz"};
  EXPECT_FALSE(check_edit_request(set_list));
  set_list.uris.pop_back();
  EXPECT_TRUE(check_edit_request(set_list)) << "local files and slots may stay in an exact list";

  auto details = of_kind(Kind::Details);
  EXPECT_FALSE(check_edit_request(details)) << "no detail";
  details.details.description = "";
  EXPECT_FALSE(check_edit_request(details)) << "Spotify refuses an empty description";
  details.details.description = std::string(kMaxDescriptionCharacters + 1, 'd');
  EXPECT_FALSE(check_edit_request(details)) << "over 300 characters";
  details.details.description = "two\nlines";
  EXPECT_FALSE(check_edit_request(details)) << "Spotify answers 500 to line breaks";
  std::string accents;
  for (std::size_t i = 0; i < kMaxDescriptionCharacters; ++i) accents += "\xC3\xA9";  // é
  details.details.description = accents;
  EXPECT_TRUE(check_edit_request(details)) << "300 characters, 600 bytes";
  details.details.is_public = true;
  details.details.collaborative = true;
  EXPECT_FALSE(check_edit_request(details)) << "collaborative only on a non-public playlist";
  details.details.collaborative = false;
  EXPECT_TRUE(check_edit_request(details));
  auto sort_with_details = of_kind(Kind::Sort);
  sort_with_details.details.name = "x";
  EXPECT_FALSE(check_edit_request(sort_with_details));

  auto cover = of_kind(Kind::Cover);
  cover.cover_jpeg = "not a jpeg";
  EXPECT_FALSE(check_edit_request(cover));
  cover.cover_jpeg = std::string("\xFF\xD8\xFF\xE0", 4) + std::string(100, 'x');
  EXPECT_TRUE(check_edit_request(cover)) << check_edit_request(cover).error().message;
}

// ---- Resolution on an unchanged list -----------------------------------------------------------

TEST(ResolveEdit, MoveKeepsTheChosenItemsInTheirOrderAtThePlacement) {
  const auto list = tracks(1, 8);  // 1..8
  const std::vector<ItemRef> chosen{ref(list, 5), ref(list, 1)};
  EXPECT_EQ(resolved(move(chosen, Placement::top()), list),
            (std::vector<std::string>{list[1], list[5], list[0], list[2], list[3], list[4], list[6],
                                      list[7]}));
  EXPECT_EQ(resolved(move(chosen, Placement::bottom()), list),
            (std::vector<std::string>{list[0], list[2], list[3], list[4], list[6], list[7], list[1],
                                      list[5]}));
  EXPECT_EQ(resolved(move(chosen, Placement::before_item(ref(list, 4))), list),
            (std::vector<std::string>{list[0], list[2], list[3], list[1], list[5], list[4], list[6],
                                      list[7]}));
  EXPECT_EQ(resolved(move({ref(list, 0)}, Placement::before_item(ref(list, 7))), list),
            (std::vector<std::string>{list[1], list[2], list[3], list[4], list[5], list[6], list[0],
                                      list[7]}));
}

TEST(ResolveEdit, MoveOfOneCopyOfADuplicateMovesThatCopy) {
  const std::vector<std::string> list{track(1), track(2), track(1), track(3)};
  // The second copy of track 1 (position 2) goes to the top; the first stays in place.
  EXPECT_EQ(resolved(move({ref(list, 2)}, Placement::top()), list),
            (std::vector<std::string>{track(1), track(1), track(2), track(3)}));
  EXPECT_EQ(resolved(move({ref(list, 0)}, Placement::bottom()), list),
            (std::vector<std::string>{track(2), track(1), track(3), track(1)}));
}

TEST(ResolveEdit, AddInsertsAtThePlacement) {
  const auto list = tracks(1, 3);
  auto add = of_kind(Kind::Add);
  add.uris = {track(10), track(11)};
  add.placement = Placement::top();
  EXPECT_EQ(resolved(add, list),
            (std::vector<std::string>{track(10), track(11), list[0], list[1], list[2]}));
  add.placement = Placement::bottom();
  EXPECT_EQ(resolved(add, list),
            (std::vector<std::string>{list[0], list[1], list[2], track(10), track(11)}));
  add.placement = Placement::before_item(ref(list, 2));
  EXPECT_EQ(resolved(add, list),
            (std::vector<std::string>{list[0], list[1], track(10), track(11), list[2]}));
}

TEST(ResolveEdit, RemoveTakesTheChosenCopiesAndEveryCopyOfUris) {
  const std::vector<std::string> list{track(1), track(2), track(1), track(3), track(2)};
  auto remove = of_kind(Kind::Remove);
  remove.items = {ref(list, 2)};
  remove.uris = {track(2)};
  EXPECT_EQ(resolved(remove, list), (std::vector<std::string>{track(1), track(3)}));
}

TEST(ResolveEdit, DedupeKeepsFirstOrLastAndLeavesLocalFilesAndSlotsAlone) {
  const std::vector<std::string> list{track(1), local_file(1), track(2), "",
                                      track(1), local_file(1), "",       track(2)};
  auto dedupe = of_kind(Kind::Dedupe);
  EXPECT_EQ(resolved(dedupe, list),
            (std::vector<std::string>{track(1), local_file(1), track(2), "", local_file(1), ""}));
  dedupe.keep = DedupeKeep::Last;
  EXPECT_EQ(resolved(dedupe, list),
            (std::vector<std::string>{local_file(1), "", track(1), local_file(1), "", track(2)}));
}

TEST(ResolveEdit, SortIsStableCaseInsensitiveAndPutsItemsWithoutKeyLast) {
  std::vector<PlaylistItem> items{
      catalog_item(track(1), "beta", "Zed", "B", "2001", 200, 30),
      catalog_item(track(2), "Alpha", "adam", "a", "1999-05", 100, 10),
      catalog_item(track(3), "alpha", "Adam", "C", "2001-01-02", 300, 20),
  };
  PlaylistItem local;  // a local file without metadata, nor added_at
  local.uri = local_file(1);
  local.is_local = true;
  items.insert(items.begin() + 1, local);
  PlaylistItem unavailable;
  unavailable.unavailable = true;
  items.push_back(unavailable);
  // Positions: 0 track1, 1 local, 2 track2, 3 track3, 4 "".

  auto sort = of_kind(Kind::Sort);
  sort.sort_by = SortKey::Title;
  EXPECT_EQ(resolved(sort, items),
            (std::vector<std::string>{track(2), track(3), track(1), local_file(1), ""}));
  sort.descending = true;
  EXPECT_EQ(resolved(sort, items),
            (std::vector<std::string>{track(1), track(2), track(3), local_file(1), ""}))
      << "equal keys keep their order descending too; items without key still last";

  sort.descending = false;
  sort.sort_by = SortKey::Artist;
  EXPECT_EQ(resolved(sort, items),
            (std::vector<std::string>{track(2), track(3), track(1), local_file(1), ""}));
  sort.sort_by = SortKey::Album;
  EXPECT_EQ(resolved(sort, items),
            (std::vector<std::string>{track(2), track(1), track(3), local_file(1), ""}));
  sort.sort_by = SortKey::Release;
  EXPECT_EQ(resolved(sort, items),
            (std::vector<std::string>{track(2), track(1), track(3), local_file(1), ""}))
      << "text order puts 2001 before 2001-01-02";
  sort.sort_by = SortKey::Duration;
  sort.descending = true;
  EXPECT_EQ(resolved(sort, items),
            (std::vector<std::string>{track(3), track(1), track(2), local_file(1), ""}));
  sort.sort_by = SortKey::Added;
  sort.descending = false;
  EXPECT_EQ(resolved(sort, items),
            (std::vector<std::string>{track(2), track(3), track(1), local_file(1), ""}));
}

TEST(ResolveEdit, SortTakesCatalogDataFromThePlannedListWhenTheCurrentHasNone) {
  const std::vector<PlaylistItem> planned{
      catalog_item(track(1), "b", "x", "x", "", 1, 1),
      catalog_item(track(2), "a", "x", "x", "", 1, 1),
  };
  // The current list as a read without catalog data, with an outside add of track 2 again.
  const auto current = items_of({track(1), track(2), track(2)});
  auto sort = of_kind(Kind::Sort);
  const auto desired = resolve_edit(sort, planned, current);
  ASSERT_TRUE(desired) << desired.error().message;
  EXPECT_EQ(*desired, (std::vector<std::string>{track(2), track(2), track(1)}));
}

TEST(ShufflePermutation, IsFixedBySeedAndAPermutation) {
  const auto permutation = shuffle_permutation(10, 42);
  EXPECT_EQ(permutation, shuffle_permutation(10, 42));
  EXPECT_NE(permutation, shuffle_permutation(10, 43));
  auto sorted = permutation;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < sorted.size(); ++i) EXPECT_EQ(sorted[i], i);
  // Pinned (computed independently in Python): a change of generator would change every
  // preview a client holds.
  EXPECT_EQ(permutation, (std::vector<std::size_t>{0, 9, 5, 8, 6, 4, 7, 2, 1, 3}));
  EXPECT_TRUE(shuffle_permutation(0, 1).empty());
  EXPECT_EQ(shuffle_permutation(1, 1), (std::vector<std::size_t>{0}));
}

TEST(ResolveEdit, ShuffleFollowsTheSeed) {
  const auto list = tracks(1, 10);
  auto shuffle = of_kind(Kind::Shuffle);
  shuffle.shuffle_seed = 42;
  const auto desired = resolved(shuffle, list);
  std::vector<std::string> expected;
  for (const auto i : shuffle_permutation(list.size(), 42)) expected.push_back(list[i]);
  EXPECT_EQ(desired, expected);
}

TEST(ResolveEdit, RefusesItemRefsThatDoNotFitThePlannedList) {
  const auto items = items_of(tracks(1, 3));
  EXPECT_EQ(failure(resolve_edit(move({{track(1), 5}}, Placement::top()), items, items)),
            ErrorCode::InvalidInput);
  EXPECT_EQ(failure(resolve_edit(move({{track(2), 0}}, Placement::top()), items, items)),
            ErrorCode::InvalidInput);
  EXPECT_EQ(failure(resolve_edit(move({{track(1), 0}}, Placement::before_item({track(9), 1})),
                                 items, items)),
            ErrorCode::InvalidInput);
}

TEST(ResolveEdit, RefusesAResultOverTheLimit) {
  const auto items = items_of(std::vector<std::string>(kMaxPlaylistItems, track(1)));
  auto add = of_kind(Kind::Add);
  add.uris = {track(2)};
  EXPECT_EQ(failure(resolve_edit(add, items, items)), ErrorCode::InvalidInput);
}

// ---- Re-planning on a list changed outside plm
// ---------------------------------------------------

TEST(ResolveEditReplan, MoveFindsItsItemsAgainAfterAnOutsideInsert) {
  const auto planned = tracks(1, 6);  // 1..6
  // Outside: two tracks inserted at the top and one appended.
  std::vector<std::string> current{track(20), track(21)};
  current.insert(current.end(), planned.begin(), planned.end());
  current.push_back(track(22));
  const auto request = move({ref(planned, 4)}, Placement::before_item(ref(planned, 1)));
  const auto desired = resolve_edit(request, items_of(planned), items_of(current));
  ASSERT_TRUE(desired) << desired.error().message;
  EXPECT_EQ(*desired, (std::vector<std::string>{track(20), track(21), track(1), track(5), track(2),
                                                track(3), track(4), track(6), track(22)}));
}

TEST(ResolveEditReplan, MoveFindsTheSameCopyAfterAnOutsideReorder) {
  const std::vector<std::string> planned{track(1), track(2), track(1), track(3)};
  const std::vector<std::string> current{track(3), track(1), track(2), track(1)};
  // The second copy of track 1 is now at position 3; it goes to the top.
  const auto desired =
      resolve_edit(move({ref(planned, 2)}, Placement::top()), items_of(planned), items_of(current));
  ASSERT_TRUE(desired) << desired.error().message;
  EXPECT_EQ(*desired, (std::vector<std::string>{track(1), track(3), track(1), track(2)}));
}

TEST(ResolveEditReplan, MoveOfAUriThatGotASecondCopyIsAConflict) {
  const auto planned = tracks(1, 4);
  auto current = planned;
  current.push_back(track(2));  // another copy of the moved track, added outside plm
  const auto result =
      resolve_edit(move({ref(planned, 1)}, Placement::top()), items_of(planned), items_of(current));
  ASSERT_EQ(failure(result), ErrorCode::Conflict);
  EXPECT_NE(result.error().message.find(track(2)), std::string::npos) << result.error().message;
  EXPECT_NE(result.error().message.find("position 2"), std::string::npos) << result.error().message;
}

TEST(ResolveEditReplan, MoveOfARemovedItemOrBeforeARemovedAnchorIsAConflict) {
  const auto planned = tracks(1, 4);
  const std::vector<std::string> current{track(1), track(3), track(4)};  // track 2 removed
  EXPECT_EQ(failure(resolve_edit(move({ref(planned, 1)}, Placement::top()), items_of(planned),
                                 items_of(current))),
            ErrorCode::Conflict);
  EXPECT_EQ(failure(resolve_edit(move({ref(planned, 3)}, Placement::before_item(ref(planned, 1))),
                                 items_of(planned), items_of(current))),
            ErrorCode::Conflict);
}

TEST(ResolveEditReplan, RemoveOfAnItemAlreadyGoneIsDone) {
  const auto planned = tracks(1, 4);
  const std::vector<std::string> current{track(1), track(3), track(4), track(9)};
  auto remove = of_kind(Kind::Remove);
  remove.items = {ref(planned, 1), ref(planned, 2)};
  const auto desired = resolve_edit(remove, items_of(planned), items_of(current));
  ASSERT_TRUE(desired) << desired.error().message;
  EXPECT_EQ(*desired, (std::vector<std::string>{track(1), track(4), track(9)}));
}

TEST(ResolveEditReplan, AddSortAndDedupeApplyToTheChangedList) {
  const auto planned = tracks(1, 3);
  const std::vector<std::string> current{track(9), track(1), track(2), track(3), track(1)};
  auto add = of_kind(Kind::Add);
  add.uris = {track(7)};
  add.placement = Placement::before_item(ref(planned, 2));
  auto desired = resolve_edit(add, items_of(planned), items_of(current));
  ASSERT_TRUE(desired) << desired.error().message;
  EXPECT_EQ(*desired,
            (std::vector<std::string>{track(9), track(1), track(2), track(7), track(3), track(1)}));

  desired = resolve_edit(of_kind(Kind::Dedupe), items_of(planned), items_of(current));
  ASSERT_TRUE(desired);
  EXPECT_EQ(*desired, (std::vector<std::string>{track(9), track(1), track(2), track(3)}));
}

TEST(ResolveEditReplan, SetListOnAChangedListIsAConflictThatSaysWhatChanged) {
  const auto planned = tracks(1, 4);
  auto current = planned;
  current.push_back(track(8));
  std::swap(current[0], current[3]);
  auto set_list = of_kind(Kind::SetList);
  set_list.uris = {track(4), track(3), track(2), track(1)};
  const auto result = resolve_edit(set_list, items_of(planned), items_of(current));
  ASSERT_EQ(failure(result), ErrorCode::Conflict);
  EXPECT_NE(result.error().message.find("1 added, 0 removed"), std::string::npos)
      << result.error().message;

  auto restore = set_list;
  restore.kind = Kind::Restore;
  EXPECT_EQ(failure(resolve_edit(restore, items_of(planned), items_of(current))),
            ErrorCode::Conflict);
}

TEST(ResolveEditReplan, SetListOnAListAlreadyEqualToTheDesiredOneIsANoOp) {
  const auto planned = tracks(1, 4);
  const std::vector<std::string> current{track(4), track(3), track(2), track(1)};
  auto set_list = of_kind(Kind::SetList);
  set_list.uris = current;  // someone made the same change outside plm
  const auto desired = resolve_edit(set_list, items_of(planned), items_of(current));
  ASSERT_TRUE(desired) << desired.error().message;
  EXPECT_EQ(*desired, current);
  const auto plan = plan_edit(current, *desired);
  ASSERT_TRUE(plan);
  EXPECT_TRUE(plan->steps.empty());
}

TEST(ResolveEditReplan, ShuffleKeepsItsPermutationAfterAReorderButNotAfterAnAdd) {
  const auto planned = tracks(1, 8);
  auto shuffle = of_kind(Kind::Shuffle);
  shuffle.shuffle_seed = 7;
  const auto previewed = resolved(shuffle, planned);

  auto reordered = planned;
  std::reverse(reordered.begin(), reordered.end());
  const auto desired = resolve_edit(shuffle, items_of(planned), items_of(reordered));
  ASSERT_TRUE(desired) << desired.error().message;
  EXPECT_EQ(*desired, previewed) << "the user gets the order the preview showed";

  auto added = planned;
  added.push_back(track(30));
  EXPECT_EQ(failure(resolve_edit(shuffle, items_of(planned), items_of(added))),
            ErrorCode::Conflict);
}

TEST(ResolveEditReplan, DetailsNeverConflict) {
  const auto planned = tracks(1, 3);
  const auto current = tracks(5, 2);
  auto details = of_kind(Kind::Details);
  details.details.name = "new";
  const auto desired = resolve_edit(details, items_of(planned), items_of(current));
  ASSERT_TRUE(desired);
  EXPECT_EQ(*desired, current);
}

// ---- propose_edit
// --------------------------------------------------------------------------------

TEST(ProposeEdit, PlansTheItemsThenTheDetails) {
  const auto list = tracks(1, 5);
  auto restore = of_kind(Kind::Restore);
  restore.uris = {list[4], list[0], list[1], list[2], list[3]};
  restore.details.name = "as it was";
  const auto proposal = propose_edit(restore, items_of(list));
  ASSERT_TRUE(proposal) << proposal.error().message;
  EXPECT_EQ(proposal->desired, restore.uris);
  ASSERT_EQ(proposal->plan.steps.size(), 2u);
  EXPECT_EQ(proposal->plan.steps[0].kind, WriteStep::Kind::Reorder);
  EXPECT_EQ(proposal->plan.steps[1].kind, WriteStep::Kind::ChangeDetails);
  EXPECT_EQ(proposal->plan.preview.calls, 2);
  const auto applied = apply_steps(list, proposal->plan.steps);
  ASSERT_TRUE(applied);
  EXPECT_EQ(*applied, restore.uris);
}

// An import (core/exchange/import_plan.hpp) sets a list and the details its index asks for in
// one edit: before issue 14 a set_list with details was refused.
TEST(ProposeEdit, ASetListCarriesDetailsAfterItsItemSteps) {
  const auto list = tracks(1, 4);
  auto set_list = EditRequest::set_list({list[0], list[2], list[3]});
  set_list.details.name = "from the sheet";
  set_list.details.is_public = true;
  EXPECT_TRUE(check_edit_request(set_list));
  const auto proposal = propose_edit(set_list, items_of(list));
  ASSERT_TRUE(proposal) << proposal.error().message;
  ASSERT_EQ(proposal->plan.steps.size(), 2u);
  EXPECT_EQ(proposal->plan.steps[0].kind, WriteStep::Kind::Remove);
  EXPECT_EQ(proposal->plan.steps[1].kind, WriteStep::Kind::ChangeDetails);
  EXPECT_EQ(proposal->plan.steps[1].details.name, "from the sheet");
  EXPECT_EQ(proposal->plan.preview.calls, 2);

  // The same list with details only: just the details step. Details Spotify refuses are refused.
  auto same = EditRequest::set_list(list);
  same.details.description = "new words";
  const auto details_only = propose_edit(same, items_of(list));
  ASSERT_TRUE(details_only) << details_only.error().message;
  ASSERT_EQ(details_only->plan.steps.size(), 1u);
  EXPECT_EQ(details_only->plan.steps[0].kind, WriteStep::Kind::ChangeDetails);
  same.details.description = "two\nlines";
  EXPECT_FALSE(check_edit_request(same));
}

TEST(ProposeEdit, RefusesAnInvalidRequestAndAPlanThatNeedsALocalFileAdded) {
  const auto list = tracks(1, 3);
  EXPECT_FALSE(propose_edit(of_kind(Kind::Details), items_of(list)));
  auto set_list = of_kind(Kind::SetList);
  set_list.uris = {list[0], local_file(1)};
  const auto proposal = propose_edit(set_list, items_of(list));
  ASSERT_FALSE(proposal);
  EXPECT_EQ(proposal.error().code, ErrorCode::InvalidInput);
}

TEST(ProposeEdit, CoverIsOneUploadAfterNothingElse) {
  auto cover = of_kind(Kind::Cover);
  cover.cover_jpeg = std::string("\xFF\xD8\xFF\xE0", 4) + "jpeg";
  const auto proposal = propose_edit(cover, items_of(tracks(1, 3)));
  ASSERT_TRUE(proposal) << proposal.error().message;
  ASSERT_EQ(proposal->plan.steps.size(), 1u);
  EXPECT_EQ(proposal->plan.steps[0].kind, WriteStep::Kind::UploadCover);
  EXPECT_EQ(proposal->plan.preview.calls, 1);
}

TEST(UrisOf, KeepsSlotsAndLocalFiles) {
  EXPECT_EQ(uris_of(items_of({track(1), "", local_file(1)})),
            (std::vector<std::string>{track(1), "", local_file(1)}));
}

}  // namespace
}  // namespace plm::core
