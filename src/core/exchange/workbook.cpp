#include "core/exchange/workbook.hpp"

#include <cmath>
#include <utility>

namespace plm::core {

namespace {

constexpr double kSecondsPerDay = 86'400;
constexpr double kMillisecondsPerDay = 86'400'000;
/// The serial of 1970-01-01 00:00 in Excel's 1900 system (days since 1899-12-30).
constexpr double kUnixEpochSerial = 25'569;
/// Seconds kept within ±2^53 so that the conversion to int64 below is exact and defined for any
/// double a file holds (NaN and infinities included).
constexpr double kLargestSeconds = 9'007'199'254'740'992.0;

}  // namespace

Cell Cell::of_text(std::string value, Format format) {
  Cell cell;
  cell.type = Type::Text;
  cell.format = format;
  cell.text = std::move(value);
  return cell;
}

Cell Cell::of_number(double value, Format format) {
  Cell cell;
  cell.type = Type::Number;
  cell.format = format;
  cell.number = value;
  return cell;
}

Cell Cell::of_boolean(bool value) {
  Cell cell;
  cell.type = Type::Boolean;
  cell.boolean = value;
  return cell;
}

Cell Cell::of_unix_seconds(std::int64_t seconds, Format format) {
  Cell cell;
  cell.type = Type::DateTime;
  cell.format = format;
  cell.number = serial_from_unix_seconds(seconds);
  return cell;
}

Cell Cell::of_duration_ms(std::int64_t milliseconds) {
  return of_number(static_cast<double>(milliseconds) / kMillisecondsPerDay, Format::Duration);
}

std::int64_t unix_seconds_from_serial(double serial) {
  if (std::isnan(serial)) return 0;
  const double seconds = std::round((serial - kUnixEpochSerial) * kSecondsPerDay);
  if (seconds >= kLargestSeconds) return static_cast<std::int64_t>(kLargestSeconds);
  if (seconds <= -kLargestSeconds) return -static_cast<std::int64_t>(kLargestSeconds);
  return static_cast<std::int64_t>(seconds);
}

double serial_from_unix_seconds(std::int64_t seconds) {
  // Whole days and the remaining seconds apart, so that the time of day of a date far from 1970
  // keeps its precision.
  const std::int64_t days = seconds / 86'400;
  const std::int64_t rest = seconds % 86'400;
  return kUnixEpochSerial + static_cast<double>(days) + static_cast<double>(rest) / kSecondsPerDay;
}

std::string column_letters(std::size_t column) {
  std::string letters;
  std::size_t value = column + 1;  // bijective base 26: A = 1, …, Z = 26, AA = 27
  while (value > 0) {
    const std::size_t digit = (value - 1) % 26;
    letters.insert(letters.begin(), static_cast<char>('A' + digit));
    value = (value - 1) / 26;
  }
  return letters;
}

std::string cell_reference(std::size_t row, std::size_t column) {
  return column_letters(column) + std::to_string(row + 1);
}

}  // namespace plm::core
