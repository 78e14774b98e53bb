// fundledger::Date (a calendar day) and fundledger::Period (a month, quarter or year).
//
// Dates are proleptic Gregorian days written strictly as ISO 8601 YYYY-MM-DD, between 1400-01-01
// and 9999-12-31. Periods are written "2024-03" (a month), "2024-Q1" (a quarter) or "2024" (a
// year); the fiscal year is the calendar year.
//
// Example:
//   auto period = Period::parse("2024-Q1");
//   period.last_day().to_string();                   // "2024-03-31"
//   period.contains(Date::parse("2024-02-29"));      // true
//
// Thread-safety: value types.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fundledger {

class Date {
 public:
  // Throws Error (bad_input) unless text is exactly YYYY-MM-DD naming a real day (2024-02-30 is
  // refused); the message quotes the text.
  static Date parse(std::string_view text);
  // Throws Error (bad_input) if the day does not exist.
  static Date from_ymd(int year, int month, int day);
  // Days since 1970-01-01 (negative before), the form stored on disk.
  static Date from_day_number(std::int32_t day_number);

  std::int32_t day_number() const { return day_number_; }
  int year() const;
  int month() const;
  int day() const;
  std::string to_string() const;

  // The day that many days later (earlier when negative); throws Error (overflow) outside the
  // range of dates.
  Date add_days(std::int32_t days) const;

  friend auto operator<=>(const Date&, const Date&) = default;

 private:
  explicit Date(std::int32_t day_number) : day_number_(day_number) {}
  std::int32_t day_number_ = 0;
};

class Period {
 public:
  enum class Kind { Month, Quarter, Year };

  // Throws Error (bad_input) unless text is "YYYY-MM", "YYYY-Qn" or "YYYY".
  static Period parse(std::string_view text);
  static Period month_of(Date date);
  static Period year_of(Date date);

  Kind kind() const { return kind_; }
  int year() const { return year_; }
  // 1-12 for a month, 1-4 for a quarter, 0 for a year.
  int index() const { return index_; }
  Date first_day() const;
  Date last_day() const;
  bool contains(Date date) const { return first_day() <= date && date <= last_day(); }
  // The period of the same kind that follows ("2024-12" -> "2025-01").
  Period next() const;
  Period previous() const;
  std::string to_string() const;

  friend bool operator==(const Period&, const Period&) = default;

 private:
  Period(Kind kind, int year, int index) : kind_(kind), year_(year), index_(index) {}
  Kind kind_;
  int year_;
  int index_;
};

}  // namespace fundledger
