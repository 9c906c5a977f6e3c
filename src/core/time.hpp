#pragma once
/// Times in the core are `TimePoint`s (std::optional<TimePoint> where "never" or "unknown" is a
/// real state). Text and numbers are turned into them once, where they enter (Spotify's JSON in
/// plm::spotify, database rows in plm::sql), and formatted only at the edges (the web API's JSON,
/// the CLI's output, SQL columns, log lines).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace plm::core {

using TimePoint = std::chrono::system_clock::time_point;

/// The times taken from outside (parsed text, stored numbers) lie between these (1823-11-12 and
/// 2116-02-20, ±(2^62 ns rounded down to seconds) from 1970): about half of what a TimePoint
/// holds, so the difference of two of them, or one of them plus a few years, never overflows.
inline constexpr TimePoint kEarliestTime{std::chrono::seconds{-4'611'686'018}};
inline constexpr TimePoint kLatestTime{std::chrono::seconds{4'611'686'018}};

/// "2026-11-24T05:12:40Z": whole seconds (rounded down), as the web API, the CLI and the text
/// columns of the database have always shown times.
std::string format_utc(TimePoint time);

/// format_utc of the time, or "" for none (the text columns' and the CLI's "never").
std::string format_utc_or_empty(const std::optional<TimePoint>& time);

/// An ISO-8601 / RFC 3339 date and time with its zone, as Spotify and the databases send them:
/// "2026-11-24T05:12:40Z", "2026-11-24T05:12:40.123456Z", "2026-11-24 06:12:40+01:00",
/// "2026-11-24 05:12:40.5+00" (PostgreSQL), "…+0100". `T` or a space between date and time (either
/// case), a fraction of a second of any length (kept to the nanosecond), `Z` or an offset of hours
/// and optional minutes. nullopt for anything else: no zone (local time to ISO 8601, so
/// ambiguous), a leap second or 24:00 (a TimePoint has neither), an invalid date, surrounding
/// spaces, or a time outside [kEarliestTime, kLatestTime].
std::optional<TimePoint> parse_utc(std::string_view text);

/// Whole seconds since 1970 (rounded down): the integer columns of the database.
std::int64_t to_unix_seconds(TimePoint time);

/// The time `seconds` after 1970, clamped to [kEarliestTime, kLatestTime] (a stored number is not
/// trusted to be sane).
TimePoint from_unix_seconds(std::int64_t seconds);

}  // namespace plm::core
