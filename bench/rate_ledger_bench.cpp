// What the shared rate budget costs per Spotify call (issue 8). Every call plm makes passes the
// client ID's core::RateLedger twice: try_admit before it is sent and record_answer when its
// answer is in, each one short write transaction on the plm database (sql::open_rate_ledger). This
// times that pair, on SQLite and on PostgreSQL, with the window in its steady state: budget 300
// calls per 30 s and a clock that moves 60 ms at every read (120 ms per call), so about 250 calls
// count in the window and each admission also forgets the one that left it, as in a long sync.
//
//   AdmitAndAnswer/<db>/threads:1  one process calling
//   AdmitAndAnswer/<db>/threads:2  two processes on one client ID: a ledger (a connection) each
//
// items_per_second is admitted-and-answered calls per second (wall time), over all threads.
// "refused" counts admissions that had to wait (0 expected: the window never fills).
//
// Usage: plm_rate_ledger_bench [benchmark flags]
//   SQLite: a fresh file in a temporary directory, opened as plm opens it (WAL,
//   synchronous=NORMAL). PostgreSQL: the database at $PLM_TEST_POSTGRES_URL
//   (scripts/with-postgres.sh starts a throwaway server and sets it); left out when unset.
// bench/rate_ledger.sh builds and runs it on both; figures in docs/benchmarks.md.

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "core/ports/clock.hpp"
#include "core/ports/rate_ledger.hpp"
#include "security/token_cipher.hpp"
#include "sql/rate_ledger.hpp"
#include "sql/store.hpp"

namespace {

using namespace std::chrono_literals;

constexpr plm::core::RateBudget kBudget{.calls = 300, .window = 30s};

/// Moves 60 ms at every read, for every thread alike (the ledger reads it under its lock, so
/// calls are still recorded in order).
class SteppingClock final : public plm::core::Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return start_ + reads_.fetch_add(1) * 60ms;
  }

 private:
  std::chrono::system_clock::time_point start_ = std::chrono::system_clock::now();
  mutable std::atomic<std::int64_t> reads_{0};
};

void BM_AdmitAndAnswer(benchmark::State& state, const std::string& url, SteppingClock* clock,
                       const std::string& client_id) {
  // A ledger per thread: a connection of its own, as each plm process has.
  const auto ledger = plm::sql::open_rate_ledger(url, *clock);
  std::int64_t refused = 0;
  for (auto _ : state) {
    const auto admission = ledger->try_admit(client_id, kBudget);
    if (!admission) {
      state.SkipWithError(admission.error().message.c_str());
      break;
    }
    if (!admission->admitted()) {
      ++refused;
      continue;
    }
    if (!ledger->record_answer(client_id, admission->ticket)) {
      state.SkipWithError("record_answer failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() - refused);
  state.counters["refused"] = static_cast<double>(refused);
}

/// Opens (creates and migrates) the database with the store, as plm does before the ledger.
void migrate(const std::string& url, const plm::core::Clock& clock) {
  plm::security::TokenCipher cipher(plm::security::SecretKey::generate());
  (void)plm::sql::open_store(url, cipher, clock);
}

void register_for(const std::string& name, const std::string& url, SteppingClock* clock) {
  migrate(url, *clock);
  for (const int threads : {1, 2}) {
    // A client ID per run, so that runs on one PostgreSQL database do not share a window.
    const std::string client_id =
        "bench-" + name + "-" + std::to_string(threads) + "-" + std::to_string(::getpid());
    benchmark::RegisterBenchmark(("AdmitAndAnswer/" + name).c_str(), BM_AdmitAndAnswer, url, clock,
                                 client_id)
        ->Threads(threads)
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  static SteppingClock clock;
  char pattern[] = "/plm-ledger-bench-XXXXXX";
  std::string directory = (std::filesystem::temp_directory_path() / "").string();
  directory.pop_back();
  directory += pattern;
  if (::mkdtemp(directory.data()) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  try {
    register_for("sqlite", directory + "/plm.db", &clock);
    if (const char* postgres = std::getenv("PLM_TEST_POSTGRES_URL"); postgres && *postgres) {
      register_for("postgres", postgres, &clock);
    } else {
      std::fprintf(stderr,
                   "PLM_TEST_POSTGRES_URL is not set: PostgreSQL left out (run under "
                   "scripts/with-postgres.sh)\n");
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "cannot open the database: %s\n", error.what());
    std::filesystem::remove_all(directory);
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::filesystem::remove_all(directory);
  return 0;
}
