#include "core/time.hpp"

#include <algorithm>
#include <cstdio>

namespace plm::core {

using namespace std::chrono;

std::string format_utc(TimePoint time) {
  const auto day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss clock_time{floor<seconds>(time - day)};
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(date.year()),
                unsigned(date.month()), unsigned(date.day()), int(clock_time.hours().count()),
                int(clock_time.minutes().count()), int(clock_time.seconds().count()));
  return buffer;
}

std::string format_utc_or_empty(const std::optional<TimePoint>& time) {
  return time ? format_utc(*time) : std::string();
}

namespace {

/// Reads the text from left to right; every step fails (nullopt) on anything unexpected.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  /// Exactly `count` decimal digits.
  std::optional<int> digits(std::size_t count) {
    if (text_.size() - position_ < count) return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const char c = text_[position_ + i];
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + (c - '0');
    }
    position_ += count;
    return value;
  }

  /// The next character if it is one of `choices`.
  std::optional<char> one_of(std::string_view choices) {
    if (at_end() || choices.find(text_[position_]) == std::string_view::npos) return std::nullopt;
    return text_[position_++];
  }

  bool at_end() const { return position_ == text_.size(); }

 private:
  std::string_view text_;
  std::size_t position_ = 0;
};

/// ".123456789…" or ",5" (ISO 8601 allows both marks): nanoseconds, digits past the ninth
/// dropped. Zero when there is no fraction; nullopt for a mark without digits.
std::optional<nanoseconds> fraction(Reader& reader) {
  if (!reader.one_of(".,")) return nanoseconds{0};
  std::int64_t value = 0;
  int count = 0;
  while (const auto digit = reader.digits(1)) {
    if (count < 9) value = value * 10 + *digit;
    ++count;
  }
  if (count == 0) return std::nullopt;
  for (int i = count; i < 9; ++i) value *= 10;
  return nanoseconds{value};
}

/// "Z", "+HH", "+HHMM" or "+HH:MM" (or "-"): the zone's offset from UTC.
std::optional<minutes> zone_offset(Reader& reader) {
  const auto sign = reader.one_of("Zz+-");
  if (!sign) return std::nullopt;
  if (*sign == 'Z' || *sign == 'z') return minutes{0};
  const auto offset_hours = reader.digits(2);
  if (!offset_hours || *offset_hours > 23) return std::nullopt;
  int offset_minutes = 0;
  if (!reader.at_end()) {
    reader.one_of(":");
    const auto read = reader.digits(2);
    if (!read || *read > 59) return std::nullopt;
    offset_minutes = *read;
  }
  const minutes offset{*offset_hours * 60 + offset_minutes};
  return *sign == '-' ? -offset : offset;
}

}  // namespace

std::optional<TimePoint> parse_utc(std::string_view text) {
  Reader reader(text);
  const auto y = reader.digits(4);
  if (!y || !reader.one_of("-")) return std::nullopt;
  const auto mo = reader.digits(2);
  if (!mo || !reader.one_of("-")) return std::nullopt;
  const auto d = reader.digits(2);
  if (!d || !reader.one_of("Tt ")) return std::nullopt;
  const auto h = reader.digits(2);
  if (!h || !reader.one_of(":")) return std::nullopt;
  const auto mi = reader.digits(2);
  if (!mi || !reader.one_of(":")) return std::nullopt;
  const auto s = reader.digits(2);
  if (!s) return std::nullopt;
  const auto sub_second = fraction(reader);
  if (!sub_second) return std::nullopt;
  const auto offset = zone_offset(reader);
  if (!offset || !reader.at_end()) return std::nullopt;

  const year_month_day date{year{*y}, month{unsigned(*mo)}, day{unsigned(*d)}};
  if (!date.ok() || *h > 23 || *mi > 59 || *s > 59) return std::nullopt;
  // In seconds first (years 0000 to 9999 fit easily): only a time near the range is converted to
  // the TimePoint's finer unit, where a year like 9999 would overflow.
  const seconds since_epoch =
      sys_days{date}.time_since_epoch() + hours{*h} + minutes{*mi} + seconds{*s} - *offset;
  // Compared in seconds: the common type of seconds and the TimePoint's unit is the finer one,
  // and converting since_epoch to it is the overflow this check exists to avoid.
  if (since_epoch < floor<seconds>(kEarliestTime.time_since_epoch()) - seconds{1} ||
      since_epoch > floor<seconds>(kLatestTime.time_since_epoch())) {
    return std::nullopt;
  }
  const TimePoint time{duration_cast<TimePoint::duration>(since_epoch) +
                       duration_cast<TimePoint::duration>(*sub_second)};
  if (time < kEarliestTime || time > kLatestTime) return std::nullopt;
  return time;
}

std::int64_t to_unix_seconds(TimePoint time) {
  return floor<seconds>(time.time_since_epoch()).count();
}

TimePoint from_unix_seconds(std::int64_t seconds_since_epoch) {
  // The limits are whole seconds, so clamping the number clamps the time.
  return TimePoint{seconds{std::clamp(seconds_since_epoch, to_unix_seconds(kEarliestTime),
                                      to_unix_seconds(kLatestTime))}};
}

}  // namespace plm::core
