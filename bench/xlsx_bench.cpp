// What the .xlsx adapter (src/exchange/xlsx.hpp, issue 14 §5) costs: write_xlsx and read_xlsx of
// a workbook of the export's shape (an index sheet and 300 playlist sheets of 100 tracks, the 10
// kTrackColumns, typed cells), and read_xlsx of hostile files, which must be refused in under a
// second with bounded memory. Each measurement runs in a forked child so that its peak memory
// (getrusage ru_maxrss, the growth while it ran) is its own. Prints one line per measurement.
//
// Usage: plm_xlsx_bench [--playlists N] [--tracks N] [--repetitions N]; bench/xlsx.sh builds the
// release preset and runs it.

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "core/exchange/export_layout.hpp"
#include "core/exchange/workbook.hpp"
#include "exchange/xlsx.hpp"
#include "exchange/xlsx_test_files.hpp"

namespace {

using plm::core::Cell;
using Clock = std::chrono::steady_clock;

long peak_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

/// CPU time (user + system) of this process so far, in ms: on a shared machine the wall time
/// says more about the neighbours than about the code.
double cpu_ms() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto ms = [](const timeval& time) {
    return static_cast<double>(time.tv_sec) * 1e3 + static_cast<double>(time.tv_usec) / 1e3;
  };
  return ms(usage.ru_utime) + ms(usage.ru_stime);
}

/// A workbook of the export's shape, built directly (export_layout.hpp describes it).
plm::core::Workbook export_shaped(std::size_t playlists, std::size_t tracks) {
  plm::core::Workbook workbook;
  plm::core::Sheet index;
  index.name = "Playlists";
  std::vector<Cell> header;
  for (const auto column : plm::core::kIndexColumns) {
    header.push_back(Cell::of_text(std::string(column), Cell::Format::Bold));
  }
  index.rows.push_back(header);
  for (std::size_t playlist = 0; playlist < playlists; ++playlist) {
    const std::string id = "37i9dQZF1DX" + std::to_string(100'000 + playlist);
    index.rows.push_back(
        {Cell::of_text(id), Cell::of_text("Playlist " + std::to_string(playlist)),
         Cell::of_text("A description of the playlist"), Cell::of_boolean(true),
         Cell::of_boolean(false), Cell::of_text("owner"),
         Cell::of_number(static_cast<double>(tracks)),
         Cell::of_text("MTY5NzQ1NjAwMCwwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAw"),
         Cell::of_text("focus, work"),
         Cell::of_text("https://open.spotify.com/playlist/" + id, Cell::Format::Hyperlink)});
  }
  index.frozen_rows = 1;
  index.filter_row = 0;
  index.column_widths = {24, 30, 40, 8, 8, 16, 8, 30, 20, 60};
  workbook.sheets.push_back(std::move(index));

  for (std::size_t playlist = 0; playlist < playlists; ++playlist) {
    const std::string id = "37i9dQZF1DX" + std::to_string(100'000 + playlist);
    plm::core::Sheet sheet;
    sheet.name = "Playlist " + std::to_string(playlist);
    sheet.rows.push_back({Cell::of_text(sheet.name, Cell::Format::Bold)});
    sheet.rows.push_back({Cell::of_text("Spotify ID"), Cell::of_text(id)});
    sheet.rows.push_back(
        {Cell::of_text("Link"),
         Cell::of_text("https://open.spotify.com/playlist/" + id, Cell::Format::Hyperlink)});
    sheet.rows.emplace_back();
    std::vector<Cell> columns;
    for (const auto column : plm::core::kTrackColumns) {
      columns.push_back(Cell::of_text(std::string(column), Cell::Format::Bold));
    }
    sheet.rows.push_back(columns);
    for (std::size_t track = 0; track < tracks; ++track) {
      const std::string n = std::to_string(playlist * tracks + track);
      sheet.rows.push_back(
          {Cell::of_number(static_cast<double>(track + 1)), Cell::of_text("Track title " + n),
           Cell::of_text("Artist " + n + ", Featured Artist"), Cell::of_text("Album " + n),
           Cell::of_unix_seconds(946'684'800 + static_cast<std::int64_t>(track) * 86'400,
                                 Cell::Format::Date),
           Cell::of_duration_ms(180'000 + static_cast<std::int64_t>(track) * 1'000),
           Cell::of_unix_seconds(1'700'000'000 + static_cast<std::int64_t>(track) * 3'600),
           Cell::of_text("owner"), Cell::of_text("spotify:track:4uLU6hMCjMI75M1A2tK" + n),
           Cell::of_text("USRC1" + n)});
    }
    sheet.frozen_rows = 5;
    sheet.filter_row = 4;
    sheet.column_widths = {8, 40, 30, 30, 12, 8, 20, 16, 40, 14};
    workbook.sheets.push_back(std::move(sheet));
  }
  return workbook;
}

/// Runs `measure` in a child; the child prints its result line with the time and peak memory.
void in_child(const std::function<std::string()>& measure) {
  std::fflush(stdout);
  const pid_t child = fork();
  if (child == 0) {
    const long rss_before = peak_rss_kb();
    const double cpu_before = cpu_ms();
    const auto started = Clock::now();
    const std::string outcome = measure();
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    std::printf("  %.1f ms wall, %.1f ms CPU, peak memory +%.1f MB: %s\n", ms,
                cpu_ms() - cpu_before, static_cast<double>(peak_rss_kb() - rss_before) / 1024.0,
                outcome.c_str());
    std::fflush(stdout);
    std::_Exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "plm_xlsx_bench: a measurement failed\n");
    std::exit(1);
  }
}

std::string refused(const std::string& bytes) {
  auto read = plm::exchange::read_xlsx(bytes);
  if (read) return "NOT REFUSED";
  return "refused: " + read.error().message;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t playlists = 300, tracks = 100, repetitions = 3;
  for (int index = 1; index + 1 < argc; index += 2) {
    const std::string flag = argv[index];
    const auto value = static_cast<std::size_t>(std::strtoul(argv[index + 1], nullptr, 10));
    if (flag == "--playlists") playlists = value;
    if (flag == "--tracks") tracks = value;
    if (flag == "--repetitions") repetitions = value;
  }

  // Hostile files first, made before the children fork (their making is not measured).
  namespace files = plm::exchange::testing;
  const auto zip_bomb = files::zip_bomb(plm::core::kMaxUncompressedBytes + 1);
  const auto lying_bomb = files::with_declared_size(zip_bomb, "xl/worksheets/sheet1.xml", 1'000);
  const auto tiny_elements = files::zip_bomb(150 * 1024 * 1024);
  const auto xml_bomb = files::xml_bomb();
  const auto long_sheet =
      files::package(files::minimal_parts({{"Long", files::rows_body(plm::core::kMaxRows + 1)}}));
  const std::vector<std::pair<std::string, const std::string*>> hostile = {
      {"a zip bomb declaring 201 MB", &zip_bomb},
      {"a zip bomb whose headers claim 1,000 bytes", &lying_bomb},
      {"150 MB of tiny elements (within the size limit)", &tiny_elements},
      {"an XML bomb (DOCTYPE with nested entities)", &xml_bomb},
      {"a sheet of 20,001 rows", &long_sheet}};
  for (const auto& [name, bytes] : hostile) {
    std::printf("read_xlsx of %s (%zu bytes)\n", name.c_str(), bytes->size());
    in_child([bytes = bytes] { return refused(*bytes); });
  }

  std::printf("workbook: %zu playlists x %zu tracks\n", playlists, tracks);
  for (std::size_t repetition = 0; repetition < repetitions; ++repetition) {
    std::printf("write_xlsx + read_xlsx, run %zu\n", repetition + 1);
    in_child([&] {
      const auto workbook = export_shaped(playlists, tracks);
      const auto write_started = Clock::now();
      const double write_cpu = cpu_ms();
      auto bytes = plm::exchange::write_xlsx(workbook);
      const auto written = Clock::now();
      const double read_cpu = cpu_ms();
      if (!bytes) return "write failed: " + bytes.error().message + " " + bytes.error().detail;
      auto read = plm::exchange::read_xlsx(*bytes);
      const auto read_done = Clock::now();
      const double done_cpu = cpu_ms();
      if (!read) return "read failed: " + read.error().message + " " + read.error().detail;
      const auto ms = [](auto duration) {
        return std::chrono::duration<double, std::milli>(duration).count();
      };
      char line[300];
      std::snprintf(line, sizeof line,
                    "write %.0f ms (CPU %.0f), read %.0f ms (CPU %.0f), together %.0f ms (CPU "
                    "%.0f); %zu bytes, %zu sheets",
                    ms(written - write_started), read_cpu - write_cpu, ms(read_done - written),
                    done_cpu - read_cpu, ms(read_done - write_started), done_cpu - write_cpu,
                    bytes->size(), read->sheets.size());
      return std::string(line);
    });
  }
  return 0;
}
