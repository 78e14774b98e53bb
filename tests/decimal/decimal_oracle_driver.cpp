// The driver of the differential test of fundledger::Decimal (see differential.py).
//
// It reads one operation per line from stdin and writes one answer line per input line:
//   add A B | sub A B | mul A B        -> the result's to_string()
//   cmp A B                            -> -1, 0 or 1
//   rescale A SCALE MODE               -> A.rescale(SCALE, MODE).to_string()
//   div A B SCALE MODE                 -> Decimal::divide(A, B, SCALE, MODE).to_string()
//   parse TEXT                         -> Decimal::parse(TEXT).to_string(); TEXT is everything
//                                         after the first space, and may be empty or hold spaces
// MODE is a rounding name ("half-even", ...). A fundledger::Error prints "ERR <code name>"; a line
// the driver cannot understand prints "DRIVER <reason>", which never matches an expected answer.
// All input is read at once and all output written at the end, so a million lines take seconds.
#include <fundledger/decimal.hpp>
#include <fundledger/error.hpp>

#include <charconv>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

using fundledger::Decimal;

// Splits off the next space-separated field of rest.
std::string_view next_field(std::string_view& rest) {
  const std::size_t space = rest.find(' ');
  const std::string_view field = rest.substr(0, space);
  rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  return field;
}

// A malformed driver line (not a malformed operand, which the library itself must reject).
struct DriverError {
  std::string reason;
};

int parse_scale(std::string_view text) {
  int scale = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), scale);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw DriverError{"bad scale '" + std::string(text) + "'"};
  }
  return scale;
}

// The answer to one line, without its newline.
std::string answer(std::string_view line) {
  std::string_view rest = line;
  const std::string_view operation = next_field(rest);
  if (operation == "parse") return Decimal::parse(rest).to_string();

  const Decimal a = Decimal::parse(next_field(rest));
  if (operation == "rescale") {
    const int scale = parse_scale(next_field(rest));
    const fundledger::Rounding mode = fundledger::parse_rounding(next_field(rest));
    return a.rescale(scale, mode).to_string();
  }
  const Decimal b = Decimal::parse(next_field(rest));
  if (operation == "add") return (a + b).to_string();
  if (operation == "sub") return (a - b).to_string();
  if (operation == "mul") return (a * b).to_string();
  if (operation == "cmp") {
    // compare() promises only the sign of its result.
    const int order = compare(a, b);
    return order < 0 ? "-1" : order > 0 ? "1" : "0";
  }
  if (operation == "div") {
    const int scale = parse_scale(next_field(rest));
    const fundledger::Rounding mode = fundledger::parse_rounding(next_field(rest));
    return Decimal::divide(a, b, scale, mode).to_string();
  }
  throw DriverError{"unknown operation '" + std::string(operation) + "'"};
}

std::string read_all_stdin() {
  std::string input;
  std::vector<char> buffer(1 << 20);
  std::size_t count = 0;
  while ((count = std::fread(buffer.data(), 1, buffer.size(), stdin)) > 0) {
    input.append(buffer.data(), count);
  }
  return input;
}

}  // namespace

int main() {
  const std::string input = read_all_stdin();
  std::string output;
  output.reserve(input.size() / 2);

  std::size_t start = 0;
  while (start < input.size()) {
    std::size_t end = input.find('\n', start);
    if (end == std::string::npos) end = input.size();
    const std::string_view line(input.data() + start, end - start);
    start = end + 1;
    try {
      output += answer(line);
    } catch (const fundledger::Error& error) {
      output += "ERR ";
      output += fundledger::error_code_name(error.code());
    } catch (const DriverError& error) {
      output += "DRIVER " + error.reason;
    } catch (const std::exception& error) {
      // Anything else escaping the library is a bug the comparison must show.
      // The message must not break the one-line-per-case alignment.
      std::string message = error.what();
      for (char& character : message) {
        if (character == '\n' || character == '\r') character = ' ';
      }
      output += "DRIVER unexpected exception: " + message;
    }
    output += '\n';
  }

  if (std::fwrite(output.data(), 1, output.size(), stdout) != output.size() ||
      std::fflush(stdout) != 0) {
    std::perror("decimal_oracle_driver: writing stdout");
    return 1;
  }
  return 0;
}
