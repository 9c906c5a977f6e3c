#include "core/exchange/workbook.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace plm::core {
namespace {

TEST(WorkbookCell, FactoriesSetTypeFormatAndValue) {
  EXPECT_EQ(Cell::empty().type, Cell::Type::Empty);
  EXPECT_TRUE(Cell::empty().is_empty());

  const auto text = Cell::of_text("Title", Cell::Format::Bold);
  EXPECT_EQ(text.type, Cell::Type::Text);
  EXPECT_EQ(text.format, Cell::Format::Bold);
  EXPECT_EQ(text.text, "Title");
  EXPECT_FALSE(text.is_empty());

  const auto number = Cell::of_number(3.5);
  EXPECT_EQ(number.type, Cell::Type::Number);
  EXPECT_EQ(number.format, Cell::Format::General);
  EXPECT_EQ(number.number, 3.5);

  const auto boolean = Cell::of_boolean(true);
  EXPECT_EQ(boolean.type, Cell::Type::Boolean);
  EXPECT_TRUE(boolean.boolean);
}

TEST(WorkbookCell, DurationIsANumberOfDays) {
  const auto duration = Cell::of_duration_ms(3 * 60'000 + 25'000);  // 3:25
  EXPECT_EQ(duration.type, Cell::Type::Number);
  EXPECT_EQ(duration.format, Cell::Format::Duration);
  EXPECT_DOUBLE_EQ(duration.number, 205.0 / 86'400);
  EXPECT_EQ(Cell::of_duration_ms(0).number, 0);
}

TEST(WorkbookCell, UnixSecondsBecomeADateTimeSerial) {
  const auto epoch = Cell::of_unix_seconds(0);
  EXPECT_EQ(epoch.type, Cell::Type::DateTime);
  EXPECT_EQ(epoch.format, Cell::Format::DateTime);
  EXPECT_DOUBLE_EQ(epoch.number, 25'569);
  const auto date = Cell::of_unix_seconds(0, Cell::Format::Date);
  EXPECT_EQ(date.format, Cell::Format::Date);
}

TEST(WorkbookSerial, KnownDatesOfExcels1900System) {
  // 2024-02-29 12:00:00 UTC is serial 45351.5 in Excel.
  EXPECT_DOUBLE_EQ(serial_from_unix_seconds(1'709'208'000), 45'351.5);
  EXPECT_EQ(unix_seconds_from_serial(45'351.5), 1'709'208'000);
  // 1899-12-30 is serial 0; 1900-03-01 is serial 61 (Excel's leap-year bug lies before it).
  EXPECT_EQ(unix_seconds_from_serial(0), -2'209'161'600);
  EXPECT_EQ(unix_seconds_from_serial(61), -2'203'891'200);
  // Before 1970: 1969-12-31 23:59:59.
  EXPECT_EQ(unix_seconds_from_serial(serial_from_unix_seconds(-1)), -1);
}

TEST(WorkbookSerial, RoundTripsToTheSecondAcrossCenturies) {
  for (const std::int64_t seconds :
       {std::int64_t{0}, std::int64_t{1}, std::int64_t{59}, std::int64_t{86'399},
        std::int64_t{1'700'000'123}, std::int64_t{4'102'444'799}, std::int64_t{-2'208'988'800},
        std::int64_t{-123'456'789}, std::int64_t{253'402'300'799}}) {
    EXPECT_EQ(unix_seconds_from_serial(serial_from_unix_seconds(seconds)), seconds) << seconds;
  }
}

TEST(WorkbookSerial, RoundsToTheNearestSecond) {
  const double serial = serial_from_unix_seconds(1'000);
  EXPECT_EQ(unix_seconds_from_serial(serial + 0.4 / 86'400), 1'000);
  EXPECT_EQ(unix_seconds_from_serial(serial + 0.6 / 86'400), 1'001);
}

TEST(WorkbookSerial, AnyDoubleGivesADefinedResult) {
  EXPECT_EQ(unix_seconds_from_serial(std::numeric_limits<double>::quiet_NaN()), 0);
  EXPECT_GT(unix_seconds_from_serial(std::numeric_limits<double>::infinity()), 0);
  EXPECT_LT(unix_seconds_from_serial(-std::numeric_limits<double>::infinity()), 0);
  EXPECT_GT(unix_seconds_from_serial(1e300), 0);
}

TEST(WorkbookReference, ColumnLettersAreBijectiveBase26) {
  EXPECT_EQ(column_letters(0), "A");
  EXPECT_EQ(column_letters(25), "Z");
  EXPECT_EQ(column_letters(26), "AA");
  EXPECT_EQ(column_letters(51), "AZ");
  EXPECT_EQ(column_letters(52), "BA");
  EXPECT_EQ(column_letters(701), "ZZ");
  EXPECT_EQ(column_letters(702), "AAA");
  EXPECT_EQ(column_letters(16'383), "XFD");  // Excel's last column
}

TEST(WorkbookReference, CellReferenceIsOneBasedRow) {
  EXPECT_EQ(cell_reference(0, 0), "A1");
  EXPECT_EQ(cell_reference(11, 2), "C12");
  EXPECT_EQ(cell_reference(1'048'575, 16'383), "XFD1048576");
}

}  // namespace
}  // namespace plm::core
