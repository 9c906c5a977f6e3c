#include "core/ports/clock.hpp"

#include <cstdio>

namespace plm::core {

std::string format_utc(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss clock_time{floor<seconds>(time - day)};
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(date.year()),
                unsigned(date.month()), unsigned(date.day()), int(clock_time.hours().count()),
                int(clock_time.minutes().count()), int(clock_time.seconds().count()));
  return buffer;
}

}  // namespace plm::core
