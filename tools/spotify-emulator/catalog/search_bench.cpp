// Times catalog loading and a realistic mix of searches on the full catalog data.
// Usage: spotify_emulator_search_bench [catalog-dir] [benchmark flags]
// Default dir: $PLM_SOURCE_DIR/../shared/catalog-data.

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "catalog/catalog.hpp"
#include "catalog/search.hpp"

namespace {

using namespace spotify_emulator;

std::filesystem::path g_dir;

struct Loaded {
  Catalog catalog;
  std::unique_ptr<SearchIndex> index;
};

Loaded& loaded() {
  static Loaded* instance = [] {
    auto* result = new Loaded();
    const auto start = std::chrono::steady_clock::now();
    const LoadReport report = load_catalog_dir(g_dir, result->catalog);
    const auto loaded_at = std::chrono::steady_clock::now();
    result->index = std::make_unique<SearchIndex>(result->catalog);
    const auto indexed_at = std::chrono::steady_clock::now();
    std::fprintf(stderr,
                 "loaded %zu tracks, %zu playlists from %zu files in %.1f ms; index %.1f ms\n",
                 report.tracks, report.playlists, report.files,
                 std::chrono::duration<double, std::milli>(loaded_at - start).count(),
                 std::chrono::duration<double, std::milli>(indexed_at - loaded_at).count());
    return result;
  }();
  return *instance;
}

void BM_LoadCatalog(benchmark::State& state) {
  for (auto _ : state) {
    Catalog catalog;
    benchmark::DoNotOptimize(load_catalog_dir(g_dir, catalog));
  }
}
BENCHMARK(BM_LoadCatalog)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_BuildIndex(benchmark::State& state) {
  const Catalog& catalog = loaded().catalog;
  for (auto _ : state) {
    SearchIndex index(catalog);
    benchmark::DoNotOptimize(&index);
  }
}
BENCHMARK(BM_BuildIndex)->Unit(benchmark::kMillisecond)->Iterations(3);

const char* const kQueries[] = {
    "bohemian rhapsody",
    "track:\"Say Something\" artist:Timbaland",
    "isrc:USUM71703861",
    "year:1990-1999 love",
    "beyonce halo",
    "Beyoncé",
    "JAŸ-Z blueprint",
    "artist:\"Miles Davis\" year:1959",
    "remaster track:Doxy artist:Miles",
    "the",
    "a",
    "genre:\"dance pop\" remix",
    "café del mar",
    "don’t stop me now",
};

void BM_Search(benchmark::State& state) {
  const SearchIndex& index = *loaded().index;
  const SearchQuery query = parse_search_query(kQueries[state.range(0)]);
  state.SetLabel(kQueries[state.range(0)]);
  std::size_t total = 0;
  for (auto _ : state) {
    const auto page = index.search_tracks(query, 0, 20);
    total = page.total;
    benchmark::DoNotOptimize(page.items.data());
  }
  state.counters["total"] = static_cast<double>(total);
}
BENCHMARK(BM_Search)->DenseRange(0, std::size(kQueries) - 1)->Unit(benchmark::kMicrosecond);

void BM_SearchArtistsAndAlbums(benchmark::State& state) {
  const SearchIndex& index = *loaded().index;
  const SearchQuery query = parse_search_query("miles davis");
  for (auto _ : state) {
    std::size_t total = 0;
    benchmark::DoNotOptimize(index.search_artists(query, 0, 20, total));
    benchmark::DoNotOptimize(index.search_albums(query, 0, 20, total));
  }
}
BENCHMARK(BM_SearchArtistsAndAlbums)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && argv[1][0] != '-') {
    g_dir = argv[1];
    --argc;
    ++argv;
  } else {
    const char* source = std::getenv("PLM_SOURCE_DIR");
    g_dir = std::filesystem::path(source ? source : ".") / ".." / "shared" / "catalog-data";
  }
  if (!std::filesystem::is_directory(g_dir)) {
    std::fprintf(stderr, "catalog directory not found: %s\n", g_dir.string().c_str());
    return 1;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
