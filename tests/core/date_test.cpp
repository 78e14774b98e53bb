// Tests of Date and Period: strict YYYY-MM-DD parsing that refuses anything that is not a real day,
// day numbers counted from 1970-01-01, and months, quarters and years with their first and last
// days and their neighbours.
#include <fundledger/date.hpp>
#include <fundledger/error.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>

using fundledger::Date;
using fundledger::Error;
using fundledger::ErrorCode;
using fundledger::Period;

namespace {

// The Error that action throws; fails the test if it throws nothing or something else.
template <class Action>
Error error_from(Action&& action) {
  try {
    action();
  } catch (const Error& error) {
    return error;
  }
  FAIL("expected a fundledger::Error, but nothing was thrown");
  throw std::logic_error("unreachable");
}

// The Gregorian rule, written independently of the code under test.
bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

}  // namespace

TEST_CASE("Date parses every real day written YYYY-MM-DD and prints it back unchanged") {
  const char* accepted[] = {
      "2024-02-29",  // 2024 is divisible by 4: a leap year
      "2000-02-29",  // 2000 is divisible by 400: a leap year
      "1600-02-29",  // so is 1600
      "2023-02-28", "2023-12-31", "2024-01-31", "2024-04-30", "2024-06-30",
      "2024-09-30", "2024-11-30", "1970-01-01", "1969-12-31",
      "1400-01-01",  // the first day of the range
      "9999-12-31",  // the last day of the range
  };
  for (const char* text : accepted) {
    INFO(text);
    CHECK(Date::parse(text).to_string() == text);
  }
  const Date date = Date::parse("2024-02-29");
  CHECK(date.year() == 2024);
  CHECK(date.month() == 2);
  CHECK(date.day() == 29);
}

TEST_CASE("Date refuses days that do not exist") {
  const char* refused[] = {
      "2023-02-29",  // 2023 is not a leap year
      "1900-02-29",  // 1900 is divisible by 100 but not by 400: not a leap year
      "2100-02-29",  // nor is 2100
      "2024-02-30", "2024-04-31", "2024-06-31", "2024-09-31", "2024-11-31",
      "2024-01-32", "2024-01-00", "2024-00-10", "2024-13-01", "2024-99-99",
  };
  for (const char* text : refused) {
    INFO(text);
    const Error error = error_from([&] { Date::parse(text); });
    CHECK(error.code() == ErrorCode::bad_input);
    CHECK(std::string(error.what()) ==
          "invalid date \"" + std::string(text) + "\": expected a real day written YYYY-MM-DD");
  }
}

TEST_CASE("Date refuses years outside 1400 to 9999") {
  for (const char* text : {"1399-12-31", "0000-01-01", "0001-01-01", "1000-06-15"}) {
    INFO(text);
    const Error error = error_from([&] { Date::parse(text); });
    CHECK(error.code() == ErrorCode::bad_input);
    CHECK(std::string(error.what()) == "invalid date \"" + std::string(text) +
                                           "\": expected a day from 1400-01-01 to 9999-12-31");
  }
}

TEST_CASE("Date refuses every text that is not exactly YYYY-MM-DD") {
  const std::string refused[] = {
      "",
      " 2024-01-01",
      "2024-01-01 ",
      "2024-1-01",
      "2024-01-1",
      "2024/01/01",
      "20240101",
      "2024-01-01T00:00",
      "2024-01-01Z",
      "24-01-01",
      "+024-01-01",
      "-024-01-01",
      "2024-0a-01",
      "2024-01-0 ",
      "2024_01_01",
      "02024-01-01",
      "\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x94-01-01",  // fullwidth digits "２０２４"
      "\xd9\xa2\xd9\xa0\xd9\xa2\xd9\xa4-01-01",                  // Arabic-Indic digits "٢٠٢٤"
      std::string("2024-01-0\0", 10),                            // an embedded NUL byte
  };
  for (const std::string& text : refused) {
    INFO("text of " << text.size() << " bytes");
    const Error error = error_from([&] { Date::parse(text); });
    CHECK(error.code() == ErrorCode::bad_input);
    CHECK_THAT(std::string(error.what()),
               Catch::Matchers::EndsWith(": expected YYYY-MM-DD, like 2024-03-31"));
  }
}

TEST_CASE("Date error messages quote at most 40 characters and escape unprintable bytes") {
  CHECK(std::string(error_from([] { Date::parse("2024/01/01"); }).what()) ==
        "invalid date \"2024/01/01\": expected YYYY-MM-DD, like 2024-03-31");
  CHECK(std::string(error_from([] { Date::parse(""); }).what()) ==
        "invalid date \"\": expected YYYY-MM-DD, like 2024-03-31");
  CHECK(std::string(error_from([] { Date::parse("2024-01-01\n"); }).what()) ==
        "invalid date \"2024-01-01\\x0a\": expected YYYY-MM-DD, like 2024-03-31");
  CHECK(std::string(error_from([] { Date::parse("\"2024\"\\"); }).what()) ==
        "invalid date \"\\\"2024\\\"\\\\\": expected YYYY-MM-DD, like 2024-03-31");
  CHECK(std::string(error_from([] { Date::parse("\xef\xbc\x92\xef\xbc\x90-01-01"); }).what()) ==
        "invalid date \"\\xef\\xbc\\x92\\xef\\xbc\\x90-01-01\": expected YYYY-MM-DD, like "
        "2024-03-31");
  const std::string long_text(100, 'x');
  CHECK(std::string(error_from([&] { Date::parse(long_text); }).what()) ==
        "invalid date \"" + std::string(40, 'x') + "...\": expected YYYY-MM-DD, like 2024-03-31");
}

TEST_CASE("Date day numbers count days from 1970-01-01") {
  CHECK(Date::parse("1970-01-01").day_number() == 0);
  CHECK(Date::parse("1970-01-02").day_number() == 1);
  CHECK(Date::parse("1969-12-31").day_number() == -1);
  // 2024-01-01 is 54 years after 1970 with 13 leap days (1972 to 2020): 54 * 365 + 13 = 19723.
  CHECK(Date::parse("2024-01-01").day_number() == 19723);
  // Then 31 days of January and 29 of February (2024 is a leap year): 19723 + 60 = 19783.
  CHECK(Date::parse("2024-03-01").day_number() == 19783);
  CHECK(Date::parse("2000-02-29").day_number() == 11016);
  CHECK(Date::parse("1400-01-01").day_number() == -208188);
  CHECK(Date::parse("9999-12-31").day_number() == 2932896);

  CHECK(Date::from_day_number(19783).to_string() == "2024-03-01");
  CHECK(Date::from_day_number(-208188).to_string() == "1400-01-01");
  CHECK(Date::from_day_number(2932896).to_string() == "9999-12-31");
  CHECK(Date::parse("2024-02-28").add_days(1).to_string() == "2024-02-29");
  CHECK(Date::parse("2024-02-29").add_days(1).to_string() == "2024-03-01");
  CHECK(Date::parse("2024-12-31").add_days(1).to_string() == "2025-01-01");
  CHECK(Date::parse("2024-03-01").add_days(-366).to_string() == "2023-03-01");
}

TEST_CASE("Date refuses day numbers outside the supported range") {
  const Error before = error_from([] { Date::from_day_number(-208189); });
  CHECK(before.code() == ErrorCode::bad_input);
  CHECK(std::string(before.what()) ==
        "invalid day number -208189: expected -208188 to 2932896 (1400-01-01 to 9999-12-31)");
  CHECK(error_from([] { Date::from_day_number(2932897); }).code() == ErrorCode::bad_input);
  CHECK(error_from([] {
          Date::from_day_number(std::numeric_limits<std::int32_t>::min());
        }).code() == ErrorCode::bad_input);

  // add_days checks its result: stepping past either end of the range is an overflow.
  const Error past_end = error_from([] { (void)Date::parse("9999-12-31").add_days(1); });
  CHECK(past_end.code() == ErrorCode::overflow);
  CHECK(std::string(past_end.what()) == "9999-12-31 plus 1 days is outside 1400-01-01 to 9999-12-31");
  CHECK(error_from([] { (void)Date::parse("1400-01-01").add_days(-1); }).code() == ErrorCode::overflow);
  CHECK(error_from([] {
          (void)Date::parse("2024-01-01").add_days(std::numeric_limits<std::int32_t>::max());
        }).code() == ErrorCode::overflow);
}

TEST_CASE("Date from_ymd accepts real days only") {
  CHECK(Date::from_ymd(2024, 2, 29).to_string() == "2024-02-29");
  CHECK(Date::from_ymd(2024, 2, 29) == Date::parse("2024-02-29"));
  const Error error = error_from([] { Date::from_ymd(2023, 2, 29); });
  CHECK(error.code() == ErrorCode::bad_input);
  CHECK(std::string(error.what()) ==
        "invalid date: year 2023, month 2, day 29 is not a real day from 1400-01-01 to 9999-12-31");
  for (const auto& [year, month, day] :
       {std::tuple{2024, 0, 1}, std::tuple{2024, 13, 1}, std::tuple{2024, 1, 0},
        std::tuple{2024, 4, 31}, std::tuple{1399, 12, 31}, std::tuple{10000, 1, 1},
        std::tuple{-2024, 1, 1}}) {
    INFO(year << "-" << month << "-" << day);
    CHECK(error_from([&] { Date::from_ymd(year, month, day); }).code() == ErrorCode::bad_input);
  }
}

TEST_CASE("Date orders days by their day number") {
  CHECK(Date::parse("2024-02-29") < Date::parse("2024-03-01"));
  CHECK(Date::parse("1999-12-31") < Date::parse("2000-01-01"));
  CHECK(Date::parse("2024-03-01") == Date::from_day_number(19783));
  CHECK(Date::parse("2024-03-01") != Date::parse("2024-03-02"));
}

TEST_CASE("Date agrees with the Gregorian rule on every day of the range") {
  // Walk every day from 1400-01-01 to 9999-12-31 and check that each is the successor of the
  // previous one by the rule written above, and that each prints and parses back to itself.
  int year = 1400;
  int month = 1;
  int day = 1;
  std::int32_t checked = 0;
  bool all_match = true;
  for (std::int32_t number = -208188; number <= 2932896; ++number) {
    const Date date = Date::from_day_number(number);
    const bool match = date.year() == year && date.month() == month && date.day() == day;
    if (!match || (day == 1 && Date::parse(date.to_string()).day_number() != number)) {
      INFO("day number " << number << " expected " << year << "-" << month << "-" << day);
      CHECK(match);
      all_match = false;
      break;
    }
    ++checked;
    if (++day > days_in_month(year, month)) {
      day = 1;
      if (++month > 12) {
        month = 1;
        ++year;
      }
    }
  }
  CHECK(all_match);
  // 8600 years of 365 days plus the leap days: 2150 years from 1400 to 9996 divisible by 4, less
  // the 86 century years, plus the 21 of those divisible by 400 (1600 to 9600): 2085.
  CHECK(checked == 8600 * 365 + 2085);
}

TEST_CASE("Period parses months and gives their first and last days") {
  const Period march = Period::parse("2024-03");
  CHECK(march.kind() == Period::Kind::Month);
  CHECK(march.year() == 2024);
  CHECK(march.index() == 3);
  CHECK(march.to_string() == "2024-03");
  CHECK(march.first_day().to_string() == "2024-03-01");
  CHECK(march.last_day().to_string() == "2024-03-31");
  CHECK(march.next().to_string() == "2024-04");
  CHECK(march.previous().to_string() == "2024-02");

  // February: 29 days in a leap year (2024, 2000), 28 otherwise (2023, 1900).
  CHECK(Period::parse("2024-02").last_day().to_string() == "2024-02-29");
  CHECK(Period::parse("2000-02").last_day().to_string() == "2000-02-29");
  CHECK(Period::parse("2023-02").last_day().to_string() == "2023-02-28");
  CHECK(Period::parse("1900-02").last_day().to_string() == "1900-02-28");
  CHECK(Period::parse("2024-04").last_day().to_string() == "2024-04-30");

  // The year turns over in both directions.
  CHECK(Period::parse("2024-12").next().to_string() == "2025-01");
  CHECK(Period::parse("2024-01").previous().to_string() == "2023-12");
}

TEST_CASE("Period parses quarters and gives their first and last days") {
  const char* expected[][3] = {
      {"2024-Q1", "2024-01-01", "2024-03-31"},
      {"2024-Q2", "2024-04-01", "2024-06-30"},
      {"2024-Q3", "2024-07-01", "2024-09-30"},
      {"2024-Q4", "2024-10-01", "2024-12-31"},
  };
  int index = 1;
  for (const auto& row : expected) {
    INFO(row[0]);
    const Period quarter = Period::parse(row[0]);
    CHECK(quarter.kind() == Period::Kind::Quarter);
    CHECK(quarter.year() == 2024);
    CHECK(quarter.index() == index++);
    CHECK(quarter.to_string() == row[0]);
    CHECK(quarter.first_day().to_string() == row[1]);
    CHECK(quarter.last_day().to_string() == row[2]);
  }
  CHECK(Period::parse("2024-Q1").next().to_string() == "2024-Q2");
  CHECK(Period::parse("2024-Q4").next().to_string() == "2025-Q1");
  CHECK(Period::parse("2024-Q1").previous().to_string() == "2023-Q4");
  CHECK(Period::parse("2024-Q3").previous().to_string() == "2024-Q2");
  // The header's own example: the first quarter of a leap year holds 29 February.
  const Period first_quarter = Period::parse("2024-Q1");
  CHECK(first_quarter.contains(Date::parse("2024-02-29")));
  CHECK(first_quarter.contains(Date::parse("2024-01-01")));
  CHECK(first_quarter.contains(Date::parse("2024-03-31")));
  CHECK_FALSE(first_quarter.contains(Date::parse("2024-04-01")));
  CHECK_FALSE(first_quarter.contains(Date::parse("2023-12-31")));
}

TEST_CASE("Period parses years and gives their first and last days") {
  const Period year = Period::parse("2024");
  CHECK(year.kind() == Period::Kind::Year);
  CHECK(year.year() == 2024);
  CHECK(year.index() == 0);
  CHECK(year.to_string() == "2024");
  CHECK(year.first_day().to_string() == "2024-01-01");
  CHECK(year.last_day().to_string() == "2024-12-31");
  CHECK(year.next().to_string() == "2025");
  CHECK(year.previous().to_string() == "2023");
  CHECK(Period::parse("1400").first_day().to_string() == "1400-01-01");
  CHECK(Period::parse("9999").last_day().to_string() == "9999-12-31");
}

TEST_CASE("Period of a date is its month or its year") {
  const Date leap_day = Date::parse("2024-02-29");
  CHECK(Period::month_of(leap_day) == Period::parse("2024-02"));
  CHECK(Period::year_of(leap_day) == Period::parse("2024"));
  CHECK(Period::month_of(Date::parse("1999-12-31")).to_string() == "1999-12");
  CHECK_FALSE(Period::parse("2024-01") == Period::parse("2024-Q1"));
}

TEST_CASE("Period refuses texts that are not YYYY-MM, YYYY-Qn or YYYY") {
  const std::string refused[] = {
      "2024-13",
      "2024-Q5",
      "2024-Q0",
      "24",
      "2024-00",
      "",
      "2024-3",
      "2024-q1",
      "2024-Q",
      "2024-Q12",
      "2024-03-01",
      "20240",
      " 2024",
      "2024 ",
      "2024-1Q",
      "2024/03",
      "2024M03",
      "1399",
      "1399-12",
      "0000",
      "+2024",
      "2024-0a",
      std::string("2024\0", 5),
  };
  for (const std::string& text : refused) {
    INFO("text \"" << text << "\"");
    CHECK(error_from([&] { Period::parse(text); }).code() == ErrorCode::bad_input);
  }
  CHECK(std::string(error_from([] { Period::parse("2024-13"); }).what()) ==
        "invalid period \"2024-13\": expected a month YYYY-MM, a quarter YYYY-Qn (n from 1 to 4) "
        "or a year YYYY, with a year from 1400 to 9999");
}

TEST_CASE("Period refuses to step beyond the supported years") {
  CHECK(error_from([] { Period::parse("9999-12").next(); }).code() == ErrorCode::overflow);
  CHECK(error_from([] { Period::parse("9999-Q4").next(); }).code() == ErrorCode::overflow);
  CHECK(std::string(error_from([] { Period::parse("9999").next(); }).what()) ==
        "no period after 9999: years end at 9999");
  CHECK(std::string(error_from([] { Period::parse("1400-01").previous(); }).what()) ==
        "no period before 1400-01: years begin at 1400");
  CHECK(error_from([] { Period::parse("1400-Q1").previous(); }).code() == ErrorCode::overflow);
  CHECK(Period::parse("9999-11").next().to_string() == "9999-12");
  CHECK(Period::parse("1400-02").previous().to_string() == "1400-01");
}

TEST_CASE("Period steps tile the calendar without gaps or overlaps") {
  // For every month, quarter and year of the range, the next period starts the day after this one
  // ends, and previous() undoes next().
  for (const char* start : {"1400-01", "1400-Q1", "1400"}) {
    INFO(start);
    Period period = Period::parse(start);
    bool tiles = true;
    std::int32_t count = 1;
    while (period.last_day().to_string() != "9999-12-31") {
      const Period following = period.next();
      if (following.first_day() != period.last_day().add_days(1) ||
          !(following.previous() == period)) {
        INFO("after " << period.to_string());
        tiles = false;
        break;
      }
      period = following;
      ++count;
    }
    CHECK(tiles);
    CHECK(period.last_day().to_string() == "9999-12-31");
    const Period first = Period::parse(start);
    const std::int32_t expected = first.kind() == Period::Kind::Month     ? 8600 * 12
                                  : first.kind() == Period::Kind::Quarter ? 8600 * 4
                                                                          : 8600;
    CHECK(count == expected);
  }
}
