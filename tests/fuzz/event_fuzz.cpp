// Fuzz target: parse_event on one JSON Lines event, and the canonical form of what it accepts.
//
// The input is one line of a journal, every byte of it. parse_event must either refuse it with
// fundledger::Error or return an event; for an event, canonical_json must be text that
// parse_event accepts again, as the same kind of event, whose canonical JSON is the same text
// (the canonical form is what is stored and hashed: two renderings of one event must not differ).
//
// Anything else (another exception, a sanitizer report, a failed check) aborts, so that libFuzzer
// keeps the input.
#include <fundledger/error.hpp>
#include <fundledger/events.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using fundledger::Error;
using fundledger::ErrorCode;
using fundledger::Event;

[[noreturn]] void fail(std::string_view input, const std::string& what) {
  std::fprintf(stderr, "event_fuzz: %s\n  input (%zu bytes): %.*s\n", what.c_str(), input.size(),
               static_cast<int>(input.size() > 2000 ? 2000 : input.size()), input.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  Event event;
  try {
    event = fundledger::parse_event(input);
  } catch (const Error& error) {
    // Bad input, or a decimal with more digits than a Decimal holds.
    if (error.code() != ErrorCode::bad_input && error.code() != ErrorCode::overflow) {
      fail(input, std::string("refused with ") + fundledger::error_code_name(error.code()) + ": " + error.what());
    }
    if (std::string_view(error.what()).empty()) fail(input, "refused with an empty message");
    return 0;
  }

  const std::string first = fundledger::canonical_json(event);
  const std::string type_field = std::string("\"type\":\"") + fundledger::event_type_name(event) + "\"";
  if (first.find(type_field) == std::string::npos) {
    fail(input, "the canonical JSON " + first + " lacks " + type_field);
  }
  Event again;
  try {
    again = fundledger::parse_event(first);
  } catch (const Error& error) {
    fail(input, "the canonical JSON " + first + " of an accepted event is refused: " + error.what());
  }
  if (again.index() != event.index()) {
    fail(input, "the canonical JSON " + first + " parses as another type of event");
  }
  const std::string second = fundledger::canonical_json(again);
  if (second != first) {
    fail(input, "canonical JSON is not stable:\n  first  " + first + "\n  second " + second);
  }
  return 0;
}
