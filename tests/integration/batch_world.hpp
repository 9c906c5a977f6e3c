#pragma once
// What the batch proofs (batch_restart_test.cpp, batch_fault_test.cpp) share: an account of many
// playlists, each of its own catalog tracks (no track in two playlists, so a position is never
// ambiguous), a track none of them holds, and the checks on the EMULATOR's dump of the account
// (`GET /__emulator/users/{id}/playlists`: the truth, whatever plm stored).

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdio>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "testkit/testkit.hpp"

namespace plm::batch_test {

using Json = nlohmann::json;
/// Playlist id -> its items' URIs ("" for an unavailable one), as the emulator holds them.
using Lists = std::map<std::string, std::vector<std::string>>;

/// A seed document (tools/spotify-emulator/catalog/SEED_FORMAT.md): `user` owning `playlists`
/// playlists "Batch 001", "Batch 002", … of `tracks` catalog tracks each, every track in one
/// playlist only.
inline Json many_playlists_seed(const std::string& user, std::size_t playlists,
                                std::size_t tracks) {
  Json seeded = Json::array();
  for (std::size_t p = 0; p < playlists; ++p) {
    char name[32];
    std::snprintf(name, sizeof name, "Batch %03zu", p + 1);
    seeded.push_back(Json{{"owner", user},
                          {"name", name},
                          {"tracks", spotify_emulator::testkit::track_uris(p * tracks, tracks)}});
  }
  return Json{{"users", Json::array({Json{{"id", user}, {"display_name", user}}})},
              {"playlists", seeded}};
}

/// A catalog track that no playlist of many_playlists_seed(…, playlists, tracks) holds.
inline std::string track_outside(std::size_t playlists, std::size_t tracks) {
  return spotify_emulator::testkit::track_uri(playlists * tracks + 17);
}

/// The lists of a dump of a user's playlists.
inline Lists lists_of(const Json& dump) {
  Lists lists;
  for (const auto& playlist : dump) {
    auto& uris = lists[playlist["id"].get<std::string>()];
    for (const auto& entry : playlist["entries"]) {
      uris.push_back(entry.value("unavailable", false) ? "" : entry["uri"].get<std::string>());
    }
  }
  return lists;
}

/// `list` with `uri` inserted before index `index` (appended when the list is shorter).
inline std::vector<std::string> with_inserted(std::vector<std::string> list, const std::string& uri,
                                              std::size_t index) {
  list.insert(list.begin() + static_cast<std::ptrdiff_t>(std::min(index, list.size())), uri);
  return list;
}

/// Every playlist of `before` is in `now` and holds exactly `expected(its list before)`, and `now`
/// holds no other playlist. Reports the first few that do not (so a wholesale failure stays
/// readable) and returns how many do.
inline std::size_t expect_every_playlist(
    const Lists& now, const Lists& before,
    const std::function<std::vector<std::string>(const std::vector<std::string>&)>& expected) {
  EXPECT_EQ(now.size(), before.size()) << "playlists created or deleted";
  std::size_t right = 0;
  std::size_t reported = 0;
  for (const auto& [id, list] : before) {
    const auto found = now.find(id);
    const auto want = expected(list);
    if (found != now.end() && found->second == want) {
      ++right;
      continue;
    }
    if (++reported > 5) continue;
    ADD_FAILURE() << "playlist " << id << " holds "
                  << (found == now.end() ? Json("nothing: it is gone") : Json(found->second)).dump()
                  << "\n  expected " << Json(want).dump();
  }
  EXPECT_EQ(right, before.size()) << before.size() - right << " playlists are wrong";
  return right;
}

}  // namespace plm::batch_test
