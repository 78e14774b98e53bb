// Date and Period: strict parsing and printing, with the calendar arithmetic left to
// Boost.Date_Time's proleptic Gregorian calendar.
//
// A Date is stored as its day number (days since 1970-01-01). Boost numbers days from the Julian
// epoch, so conversions subtract the Julian day number of 1970-01-01. The supported range,
// 1400-01-01 to 9999-12-31, is exactly the range of boost::gregorian's year type; every Date that
// this file hands out lies in it, which is what lets the conversions back to year, month and day
// never fail.
#include "core/text.hpp"
#include <fundledger/date.hpp>
#include <fundledger/error.hpp>

#include <boost/date_time/gregorian/gregorian_types.hpp>

#include <string>
#include <string_view>

namespace fundledger {

namespace {

using Calendar = boost::gregorian::gregorian_calendar;
using YearMonthDay = Calendar::ymd_type;

constexpr int first_year = 1400;
constexpr int last_year = 9999;

using detail::quote;

// Only the ASCII digits count: std::isdigit depends on the locale, and a fullwidth or Arabic-Indic
// digit must be refused rather than read as a number.
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

// The value of text[begin, begin + count), which the caller has checked to be ASCII digits.
int digits_value(std::string_view text, std::size_t begin, std::size_t count) {
  int value = 0;
  for (std::size_t i = begin; i < begin + count; ++i) value = value * 10 + (text[i] - '0');
  return value;
}

bool all_digits(std::string_view text, std::size_t begin, std::size_t count) {
  for (std::size_t i = begin; i < begin + count; ++i) {
    if (!is_ascii_digit(text[i])) return false;
  }
  return true;
}

void append_padded(std::string& out, int value, int width) {
  const std::string digits = std::to_string(value);
  for (auto length = static_cast<int>(digits.size()); length < width; ++length) out += '0';
  out += digits;
}

bool is_year_in_range(int year) { return year >= first_year && year <= last_year; }

int days_in_month(int year, int month) {
  return Calendar::end_of_month_day(static_cast<unsigned short>(year),
                                    static_cast<unsigned short>(month));
}

bool is_real_day(int year, int month, int day) {
  return is_year_in_range(year) && month >= 1 && month <= 12 && day >= 1 &&
         day <= days_in_month(year, month);
}

// Boost's Julian day number of a day that is_real_day() accepted. Julian day numbers of the
// supported range are below 5.4 million, so they fit an int32 with a wide margin.
std::int32_t julian_day(int year, int month, int day) {
  const YearMonthDay ymd(static_cast<unsigned short>(year), static_cast<unsigned short>(month),
                         static_cast<unsigned short>(day));
  return static_cast<std::int32_t>(Calendar::day_number(ymd));
}

std::int32_t epoch_julian_day() {
  static const std::int32_t value = julian_day(1970, 1, 1);
  return value;
}

std::int32_t first_day_number() {
  static const std::int32_t value = julian_day(first_year, 1, 1) - epoch_julian_day();
  return value;
}

std::int32_t last_day_number() {
  static const std::int32_t value = julian_day(last_year, 12, 31) - epoch_julian_day();
  return value;
}

bool is_day_number_in_range(std::int32_t day_number) {
  return day_number >= first_day_number() && day_number <= last_day_number();
}

std::string range_text() {
  return std::to_string(first_year) + "-01-01 to " + std::to_string(last_year) + "-12-31";
}

// Year, month and day of a day number. Date::add_days does not check its result (it is inline in
// the header), so a Date may hold a day outside the range; reading it reports an overflow instead
// of letting Boost throw its own exception type across the library's boundary.
YearMonthDay to_year_month_day(std::int32_t day_number) {
  if (!is_day_number_in_range(day_number)) {
    throw Error(ErrorCode::overflow, "date " + std::to_string(day_number) +
                                         " days from 1970-01-01 is outside " + range_text());
  }
  return Calendar::from_day_number(
      static_cast<Calendar::date_int_type>(day_number + epoch_julian_day()));
}

}  // namespace

Date Date::parse(std::string_view text) {
  auto refuse = [&text](const std::string& expected) {
    return Error(ErrorCode::bad_input, "invalid date " + quote(text) + ": expected " + expected);
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !all_digits(text, 0, 4) ||
      !all_digits(text, 5, 2) || !all_digits(text, 8, 2)) {
    throw refuse("YYYY-MM-DD, like 2024-03-31");
  }
  const int year = digits_value(text, 0, 4);
  const int month = digits_value(text, 5, 2);
  const int day = digits_value(text, 8, 2);
  if (!is_year_in_range(year)) throw refuse("a day from " + range_text());
  if (!is_real_day(year, month, day)) throw refuse("a real day written YYYY-MM-DD");
  return Date(julian_day(year, month, day) - epoch_julian_day());
}

Date Date::from_ymd(int year, int month, int day) {
  if (!is_real_day(year, month, day)) {
    throw Error(ErrorCode::bad_input, "invalid date: year " + std::to_string(year) + ", month " +
                                          std::to_string(month) + ", day " + std::to_string(day) +
                                          " is not a real day from " + range_text());
  }
  return Date(julian_day(year, month, day) - epoch_julian_day());
}

Date Date::from_day_number(std::int32_t day_number) {
  if (!is_day_number_in_range(day_number)) {
    throw Error(ErrorCode::bad_input, "invalid day number " + std::to_string(day_number) +
                                          ": expected " + std::to_string(first_day_number()) +
                                          " to " + std::to_string(last_day_number()) + " (" +
                                          range_text() + ")");
  }
  return Date(day_number);
}

Date Date::add_days(std::int32_t days) const {
  const std::int64_t result = static_cast<std::int64_t>(day_number_) + days;
  if (result < first_day_number() || result > last_day_number()) {
    throw Error(ErrorCode::overflow, to_string() + " plus " + std::to_string(days) +
                                         " days is outside " + range_text());
  }
  return Date(static_cast<std::int32_t>(result));
}

int Date::year() const { return to_year_month_day(day_number_).year; }

int Date::month() const { return to_year_month_day(day_number_).month; }

int Date::day() const { return to_year_month_day(day_number_).day; }

std::string Date::to_string() const {
  const YearMonthDay ymd = to_year_month_day(day_number_);
  std::string out;
  out.reserve(10);
  append_padded(out, ymd.year, 4);
  out += '-';
  append_padded(out, ymd.month, 2);
  out += '-';
  append_padded(out, ymd.day, 2);
  return out;
}

Period Period::parse(std::string_view text) {
  auto refuse = [&text]() {
    return Error(ErrorCode::bad_input,
                 "invalid period " + quote(text) +
                     ": expected a month YYYY-MM, a quarter YYYY-Qn (n from 1 to 4) or a year "
                     "YYYY, with a year from " +
                     std::to_string(first_year) + " to " + std::to_string(last_year));
  };
  if (text.size() != 4 && text.size() != 7) throw refuse();
  if (!all_digits(text, 0, 4)) throw refuse();
  const int year = digits_value(text, 0, 4);
  if (!is_year_in_range(year)) throw refuse();
  if (text.size() == 4) return Period(Kind::Year, year, 0);
  if (text[4] != '-') throw refuse();
  if (text[5] == 'Q') {
    if (text[6] < '1' || text[6] > '4') throw refuse();
    return Period(Kind::Quarter, year, text[6] - '0');
  }
  if (!all_digits(text, 5, 2)) throw refuse();
  const int month = digits_value(text, 5, 2);
  if (month < 1 || month > 12) throw refuse();
  return Period(Kind::Month, year, month);
}

Period Period::month_of(Date date) {
  const YearMonthDay ymd = to_year_month_day(date.day_number());
  return Period(Kind::Month, ymd.year, ymd.month);
}

Period Period::year_of(Date date) { return Period(Kind::Year, date.year(), 0); }

Date Period::first_day() const {
  switch (kind_) {
    case Kind::Month:
      return Date::from_ymd(year_, index_, 1);
    case Kind::Quarter:
      return Date::from_ymd(year_, 3 * index_ - 2, 1);
    case Kind::Year:
      return Date::from_ymd(year_, 1, 1);
  }
  return Date::from_ymd(year_, 1, 1);
}

Date Period::last_day() const {
  switch (kind_) {
    case Kind::Month:
      return Date::from_ymd(year_, index_, days_in_month(year_, index_));
    case Kind::Quarter: {
      const int last_month = 3 * index_;
      return Date::from_ymd(year_, last_month, days_in_month(year_, last_month));
    }
    case Kind::Year:
      return Date::from_ymd(year_, 12, 31);
  }
  return Date::from_ymd(year_, 12, 31);
}

Period Period::next() const {
  const int count = kind_ == Kind::Month ? 12 : (kind_ == Kind::Quarter ? 4 : 0);
  const bool wraps = kind_ == Kind::Year || index_ == count;
  const int year = wraps ? year_ + 1 : year_;
  if (!is_year_in_range(year)) {
    throw Error(ErrorCode::overflow,
                "no period after " + to_string() + ": years end at " + std::to_string(last_year));
  }
  const int index = kind_ == Kind::Year ? 0 : (wraps ? 1 : index_ + 1);
  return Period(kind_, year, index);
}

Period Period::previous() const {
  const int count = kind_ == Kind::Month ? 12 : (kind_ == Kind::Quarter ? 4 : 0);
  const bool wraps = kind_ == Kind::Year || index_ == 1;
  const int year = wraps ? year_ - 1 : year_;
  if (!is_year_in_range(year)) {
    throw Error(ErrorCode::overflow, "no period before " + to_string() + ": years begin at " +
                                         std::to_string(first_year));
  }
  const int index = kind_ == Kind::Year ? 0 : (wraps ? count : index_ - 1);
  return Period(kind_, year, index);
}

std::string Period::to_string() const {
  std::string out;
  append_padded(out, year_, 4);
  switch (kind_) {
    case Kind::Month:
      out += '-';
      append_padded(out, index_, 2);
      break;
    case Kind::Quarter:
      out += "-Q";
      out += std::to_string(index_);
      break;
    case Kind::Year:
      break;
  }
  return out;
}

}  // namespace fundledger
