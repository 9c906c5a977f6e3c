#include "emulator/clock.hpp"

#include <charconv>
#include <cstdio>

namespace spotify_emulator {

using namespace std::chrono;

std::string format_iso8601(std::int64_t unix_ms) {
  const sys_time<milliseconds> time{milliseconds{unix_ms}};
  const auto day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss clock_time{floor<seconds>(time - day)};
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(date.year()),
                unsigned(date.month()), unsigned(date.day()), int(clock_time.hours().count()),
                int(clock_time.minutes().count()), int(clock_time.seconds().count()));
  return buffer;
}

std::optional<std::int64_t> parse_iso8601(std::string_view text) {
  auto number = [&](std::size_t position, std::size_t length) -> std::optional<int> {
    if (position + length > text.size()) return std::nullopt;
    int value = 0;
    const auto* begin = text.data() + position;
    const auto [end, error] = std::from_chars(begin, begin + length, value);
    if (error != std::errc{} || end != begin + length) return std::nullopt;
    return value;
  };
  const auto y = number(0, 4), mo = number(5, 2), d = number(8, 2);
  if (!y || !mo || !d || text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const year_month_day date{year{*y}, month{unsigned(*mo)}, day{unsigned(*d)}};
  if (!date.ok()) return std::nullopt;
  int h = 0, mi = 0, s = 0;
  if (text.size() > 10) {
    if (text[10] != 'T' && text[10] != ' ') return std::nullopt;
    const auto hh = number(11, 2), mm = number(14, 2), ss = number(17, 2);
    if (!hh || !mm || !ss || *hh > 23 || *mm > 59 || *ss > 60) return std::nullopt;
    h = *hh, mi = *mm, s = *ss;
  }
  const auto time = sys_days{date} + hours{h} + minutes{mi} + seconds{s};
  return duration_cast<milliseconds>(time.time_since_epoch()).count();
}

std::int64_t add_months(std::int64_t unix_ms, int months_to_add) {
  const sys_time<milliseconds> time{milliseconds{unix_ms}};
  const auto day_point = floor<days>(time);
  const auto time_of_day = time - day_point;
  year_month_day date{day_point};
  date += months{months_to_add};
  if (!date.ok())
    date = year_month_day{year_month_day_last{date.year(), month_day_last{date.month()}}};
  return duration_cast<milliseconds>((sys_days{date} + time_of_day).time_since_epoch()).count();
}

}  // namespace spotify_emulator
