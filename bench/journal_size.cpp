// How big the journal of playlist versions gets, and what recording and reading it costs, for a
// realistic library: 2,000 playlists (sizes below), a first version each and four more with the
// edits people make (a few tracks added, one removed, one moved; one version in ten a sort or a
// shuffle, which reorders everything). Records every version through the real SQL journal on a
// SQLite file and prints: the bytes of item text stored (full or delta, as the journal chose),
// what a full list per version would have stored, the database file's size, and the time to
// record and to read every latest version back. bench/journal_size.sh builds and runs it.
//
// Usage: plm_journal_size_bench [PLAYLISTS] [VERSIONS_PER_PLAYLIST]   (defaults 2000 and 5)

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "core/journal/version_encoding.hpp"
#include "core/ports/clock.hpp"
#include "security/token_cipher.hpp"
#include "sql/store.hpp"

namespace {

using namespace plm;

class WallClock final : public core::Clock {
 public:
  core::TimePoint now() const override { return std::chrono::system_clock::now(); }
};

/// 60% of playlists hold 10-100 tracks, 30% 100-500, 9% 500-2,000, 1% 2,000-10,000.
std::size_t playlist_size(std::mt19937& random) {
  const auto pick = [&](std::size_t low, std::size_t high) {
    return std::uniform_int_distribution<std::size_t>(low, high)(random);
  };
  const auto bucket = random() % 100;
  if (bucket < 60) return pick(10, 100);
  if (bucket < 90) return pick(100, 500);
  if (bucket < 99) return pick(500, 2'000);
  return pick(2'000, 10'000);
}

core::VersionItem random_item(std::mt19937& random, std::int64_t added) {
  static constexpr char kBase62[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string uri = "spotify:track:";
  for (int i = 0; i < 22; ++i) uri += kBase62[random() % 62];
  return {uri, core::from_unix_seconds(added), "user" + std::to_string(random() % 3)};
}

void edit(std::vector<core::VersionItem>& items, std::mt19937& random, std::int64_t now) {
  if (random() % 10 == 0) {  // a sort or a shuffle
    std::shuffle(items.begin(), items.end(), random);
    return;
  }
  const auto adds = 1 + random() % 5;
  for (std::size_t i = 0; i < adds; ++i) {
    items.insert(items.begin() + static_cast<long>(random() % (items.size() + 1)),
                 random_item(random, now));
  }
  if (!items.empty()) items.erase(items.begin() + static_cast<long>(random() % items.size()));
  if (items.size() > 1) {
    const auto from = random() % items.size();
    const auto moving = items[from];
    items.erase(items.begin() + static_cast<long>(from));
    items.insert(items.begin() + static_cast<long>(random() % (items.size() + 1)), moving);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int playlists = argc > 1 ? std::stoi(argv[1]) : 2'000;
  const int versions = argc > 2 ? std::stoi(argv[2]) : 5;
  const auto dir =
      std::filesystem::temp_directory_path() / ("plm-journal-size-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "journal.db";
  WallClock clock;
  security::TokenCipher cipher(security::SecretKey::generate());
  auto store = sql::open_store("sqlite://" + file.string(), cipher, clock);
  core::SpotifyAccount account{.spotify_user_id = "bench"};
  account.app_user_id = store->create_user("bench", "hash", core::Role::Editor)->id;
  account.id = *store->upsert_account(account);

  std::mt19937 random(2026);
  std::int64_t items_total = 0;
  std::int64_t full_bytes = 0;
  std::int64_t recorded = 0;
  std::chrono::nanoseconds recording{0};
  std::int64_t added = 1'700'000'000;
  for (int p = 0; p < playlists; ++p) {
    std::vector<core::VersionItem> items;
    const auto size = playlist_size(random);
    for (std::size_t i = 0; i < size; ++i) items.push_back(random_item(random, added++));
    for (int v = 0; v < versions; ++v) {
      if (v > 0) edit(items, random, added++);
      items_total += static_cast<std::int64_t>(items.size());
      full_bytes += static_cast<std::int64_t>(core::encode_full(items).size());
      const core::NewRecordedVersion version{account.id,
                                             "playlist" + std::to_string(p),
                                             "snap" + std::to_string(v),
                                             {"Playlist", "", true, false},
                                             items,
                                             {.kind = core::VersionCauseKind::Sync}};
      const auto start = std::chrono::steady_clock::now();
      const auto done = store->journal().record_version(version);
      recording += std::chrono::steady_clock::now() - start;
      if (!done) {
        std::fprintf(stderr, "record failed: %s\n", done.error().message.c_str());
        return 1;
      }
      recorded += *done ? 1 : 0;
    }
  }
  const auto read_start = std::chrono::steady_clock::now();
  for (int p = 0; p < playlists; ++p) {
    if (!store->journal().latest_version(account.id, "playlist" + std::to_string(p))) return 1;
  }
  const auto reading = std::chrono::steady_clock::now() - read_start;
  store.reset();
  const auto file_bytes = std::filesystem::file_size(file);
  std::filesystem::remove_all(dir);

  std::printf("playlists %d, versions %lld (%d each), items over all versions %lld\n", playlists,
              static_cast<long long>(recorded), versions, static_cast<long long>(items_total));
  std::printf("full list per version: %.1f MB of item text\n", full_bytes / 1e6);
  std::printf("journal (full or delta): database file %.1f MB\n", file_bytes / 1e6);
  const auto ms = [](auto d) {
    return std::chrono::duration_cast<std::chrono::microseconds>(d).count() / 1000.0;
  };
  std::printf(
      "record: %.0f ms in all, %.2f ms per version; read every latest version: %.0f ms, "
      "%.2f ms per playlist\n",
      ms(recording), ms(recording) / static_cast<double>(recorded), ms(reading),
      ms(reading) / playlists);
  return 0;
}
