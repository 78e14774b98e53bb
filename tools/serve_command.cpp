// serve: read-only HTTP for a reporting service (cpp-httplib). GET only; the JSON paths answer
// exactly what the command line prints with --format json; / is a dashboard with the pack's charts.
#include "cli.hpp"
#include "pack.hpp"

#include <fundledger/contributions.hpp>
#include <fundledger/error.hpp>
#include <fundledger/journal.hpp>
#include <fundledger/ledger.hpp>
#include <fundledger/reports.hpp>

#include <fmt/core.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <pthread.h>
#include <thread>
#include <utility>

namespace fundledger::cli {

namespace {

struct ServeOptions {
  std::string bind = "127.0.0.1";
  int port = 8080;
  std::string token;
  int threads = 8;
  int busy_ms = 2000;
};

bool is_loopback(const std::string& address) {
  return address == "127.0.0.1" || address == "::1" || address == "localhost";
}

// A parameter's value read as the command line reads it; a bad one is a 400 naming it.
struct BadParameter {
  std::string name;
  std::string message;
};

std::string parameter(const httplib::Request& request, const char* name) {
  return request.has_param(name) ? request.get_param_value(name) : std::string();
}

template <class Parse>
auto read_parameter(const httplib::Request& request, const char* name, Parse parse) {
  const std::string value = parameter(request, name);
  try {
    return parse(value);
  } catch (const Error& error) {
    throw BadParameter{name, std::string(name) + "=" + value + ": " + error.what()};
  }
}

ReportScope scope_of(const httplib::Request& request) {
  ReportScope scope;
  if (!parameter(request, "period").empty()) {
    scope.period = read_parameter(request, "period", [](const std::string& v) { return Period::parse(v); });
  }
  if (!parameter(request, "as_of").empty()) {
    scope.as_of = read_parameter(request, "as_of", [](const std::string& v) { return Date::parse(v); });
  }
  if (scope.period && scope.as_of) throw BadParameter{"as_of", "give period or as_of, not both"};
  scope.fund = parameter(request, "fund");
  return scope;
}

int status_of(ErrorCode code) {
  switch (code) {
    case ErrorCode::busy: return 503;
    case ErrorCode::unknown_reference: return 404;
    case ErrorCode::usage:
    case ErrorCode::bad_input: return 400;
    default: return 500;
  }
}

// An error as JSON. A path or parameter that is not UTF-8 is answered with its bytes replaced.
void answer_error(httplib::Response& response, int status, const std::string& code, const std::string& message) {
  response.status = status;
  response.set_content(nlohmann::json{{"error", code}, {"message", message}}.dump(
                           -1, ' ', false, nlohmann::json::error_handler_t::replace) +
                           "\n",
                       "application/json");
}

// The last verify the server ran, kept while the head it verified is the head.
struct VerifyCache {
  std::mutex mutex;
  std::optional<VerifyReport> report;
};

class Server {
 public:
  Server(const Context& context, const ServeOptions& options) : context_(context), options_(options) {
    context_.options.busy_timeout_ms = options.busy_ms;
    // Officers write while it serves: read through the WAL index, never the file as immutable.
    context_.options.shared_reads = true;
  }

  void run() {
    httplib::Server server;
    server.new_task_queue = [threads = options_.threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
    server.set_pre_routing_handler([this](const httplib::Request& request, httplib::Response& response) {
      started() = std::chrono::steady_clock::now();
      if (!options_.token.empty() && request.get_header_value("Authorization") != "Bearer " + options_.token) {
        response.set_header("WWW-Authenticate", "Bearer");
        answer_error(response, 401, "unauthorized", "this server needs the header Authorization: Bearer TOKEN");
        return httplib::Server::HandlerResponse::Handled;
      }
      if (request.method != "GET" && request.method != "HEAD") {
        response.set_header("Allow", "GET, HEAD");
        answer_error(response, 405, "method_not_allowed", request.method + " is not allowed: this server is read-only");
        return httplib::Server::HandlerResponse::Handled;
      }
      return httplib::Server::HandlerResponse::Unhandled;
    });
    server.set_logger([](const httplib::Request& request, const httplib::Response& response) {
      // A request refused before routing (a malformed one) has no start time: its time is "-".
      const auto start = std::exchange(started(), std::chrono::steady_clock::time_point{});
      const std::string elapsed =
          start == std::chrono::steady_clock::time_point{}
              ? "-"
              : fmt::format("{:.1f}", std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
      std::fputs(fmt::format("{} {} {} {} {} ms\n", request.remote_addr, request.method,
                             request.target.empty() ? request.path : request.target, response.status, elapsed)
                     .c_str(),
                 stderr);
    });
    server.Get("/", [this](const httplib::Request& q, httplib::Response& r) { handle(q, r, &Server::dashboard); });
    server.Get(R"(/api/reports/([^/]+))",
               [this](const httplib::Request& q, httplib::Response& r) { handle(q, r, &Server::report); });
    server.Get("/api/balances", [this](const httplib::Request& q, httplib::Response& r) { handle(q, r, &Server::balances); });
    server.Get("/api/pledges", [this](const httplib::Request& q, httplib::Response& r) { handle(q, r, &Server::pledges); });
    server.Get(R"(/api/pledges/([^/]+))",
               [this](const httplib::Request& q, httplib::Response& r) { handle(q, r, &Server::pledge); });
    server.Get("/api/verify", [this](const httplib::Request& q, httplib::Response& r) { handle(q, r, &Server::verify); });
    server.set_error_handler([](const httplib::Request& request, httplib::Response& response) {
      try {
        if (response.status == 404 && response.body.empty()) {
          answer_error(response, 404, "not_found", "no such path: " + request.path);
        }
      } catch (const std::exception&) {
        response.set_content("{\"error\":\"not_found\",\"message\":\"no such path\"}\n", "application/json");
      }
    });

    // The ledger must open before the server says it serves.
    { Ledger check = Ledger::open(context_.database_path, OpenMode::read_only, context_.options); }
    const int port = options_.port == 0 ? server.bind_to_any_port(options_.bind.c_str())
                                        : (server.bind_to_port(options_.bind.c_str(), options_.port) ? options_.port : -1);
    if (port < 0) {
      throw Error(ErrorCode::storage, fmt::format("cannot listen on {}:{} (in use, or not an address of this machine)",
                                                  options_.bind, options_.port));
    }
    // SIGINT and SIGTERM stop the server cleanly: a thread waits for them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::thread stopper([&server, signals] {
      int signal = 0;
      sigwait(&signals, &signal);
      // A signal that came before the server started listening stops it once it listens.
      while (!server.is_running() && !stopping()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      server.stop();
    });
    std::fputs(fmt::format("serving {} read-only on http://{}:{}/ (Ctrl-C stops)\n", context_.database_path,
                           options_.bind.find(':') != std::string::npos ? "[" + options_.bind + "]" : options_.bind,
                           port)
                   .c_str(),
               stderr);
    std::fflush(stderr);
    try {
      server.listen_after_bind();
    } catch (...) {
      stop_waiting(stopper);
      throw;
    }
    stop_waiting(stopper);
  }

 private:
  using Handler = void (Server::*)(const httplib::Request&, httplib::Response&, const Ledger&);

  // Set once the server has stopped listening: the signal thread then needs no server to stop.
  static std::atomic<bool>& stopping() {
    static std::atomic<bool> flag{false};
    return flag;
  }

  static void stop_waiting(std::thread& stopper) {
    stopping() = true;
    if (stopper.joinable()) {
      pthread_kill(stopper.native_handle(), SIGTERM);
      stopper.join();
    }
  }

  static std::chrono::steady_clock::time_point& started() {
    thread_local std::chrono::steady_clock::time_point time;
    return time;
  }

  void handle(const httplib::Request& request, httplib::Response& response, Handler handler) noexcept {
    try {
      const Ledger ledger = Ledger::open(context_.database_path, OpenMode::read_only, context_.options);
      (this->*handler)(request, response, ledger);
    } catch (const BadParameter& bad) {
      answer_error(response, 400, "bad_parameter", bad.message);
    } catch (const Error& error) {
      answer_error(response, status_of(error.code()), error_code_name(error.code()), error.what());
    } catch (const std::exception& error) {
      answer_error(response, 500, "internal", error.what());
    }
  }

  void report(const httplib::Request& request, httplib::Response& response, const Ledger& ledger) {
    const std::string name = request.matches[1];
    const auto& names = report_names();
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      answer_error(response, 404, "unknown_report", "no report " + name);
      return;
    }
    response.set_content(render_json(build_report(ledger, name, scope_of(request))), "application/json");
  }

  void balances(const httplib::Request& request, httplib::Response& response, const Ledger& ledger) {
    BalanceQuery query;
    if (!parameter(request, "group_by").empty()) {
      query.group_by = read_parameter(request, "group_by", [](const std::string& v) { return parse_balance_keys(v); });
    }
    if (!parameter(request, "as_of").empty()) {
      query.as_of = read_parameter(request, "as_of", [](const std::string& v) { return Date::parse(v); });
    }
    if (!parameter(request, "from").empty()) {
      query.from = read_parameter(request, "from", [](const std::string& v) { return Date::parse(v); });
    }
    response.set_content(balances_json(query.group_by, ledger.balances(query)), "application/json");
  }

  void pledges(const httplib::Request& request, httplib::Response& response, const Ledger& ledger) {
    PledgeQuery query;
    query.donor = parameter(request, "donor");
    query.fund = parameter(request, "fund");
    query.status = parameter(request, "status");
    if (!query.status.empty() && query.status != "open" && query.status != "paid" && query.status != "reduced" &&
        query.status != "cancelled") {
      throw BadParameter{"status", "status=" + query.status + ": expected open, paid, reduced or cancelled"};
    }
    if (!parameter(request, "as_of").empty()) {
      query.as_of = read_parameter(request, "as_of", [](const std::string& v) { return Date::parse(v); });
    }
    response.set_content(pledges_json(list_pledges(ledger, query), query.as_of), "application/json");
  }

  void pledge(const httplib::Request& request, httplib::Response& response, const Ledger& ledger) {
    response.set_content(pledge_json(find_pledge(ledger, std::string(request.matches[1]))), "application/json");
  }

  void verify(const httplib::Request&, httplib::Response& response, const Ledger& ledger) {
    const std::string head = ledger.head_hash();
    const std::int64_t events = ledger.event_count();
    VerifyReport report;
    {
      // One verify at a time; a head verified already is not verified again.
      std::lock_guard<std::mutex> lock(verified_.mutex);
      if (!verified_.report || verified_.report->head_hash != head) verified_.report = fundledger::verify(ledger);
      report = *verified_.report;
    }
    nlohmann::json body = {{"head", head},
                           {"events", events},
                           {"verify",
                            {{"ok", report.ok},
                             {"events", report.events},
                             {"head", report.head_hash},
                             {"first_bad_seq", report.first_bad_seq},
                             {"problem", report.problem}}}};
    response.set_content(body.dump() + "\n", "application/json");
  }

  void dashboard(const httplib::Request& request, httplib::Response& response, const Ledger& ledger) {
    const ReportScope scope = scope_of(request);
    response.set_content(render_dashboard_html(build_pack(ledger, scope), parameter(request, "period"), scope.fund),
                         "text/html; charset=utf-8");
  }

  Context context_;
  ServeOptions options_;
  VerifyCache verified_;
};

}  // namespace

void register_serve_command(CLI::App& app, Context& context) {
  auto* serve = app.add_subcommand("serve", "read-only HTTP: the reports, balances and pledges as JSON, and a dashboard");
  auto options = std::make_shared<ServeOptions>();
  serve->add_option("--bind", options->bind, "the address to listen on (default 127.0.0.1, this machine only)");
  serve->add_option("--port", options->port, "the port (default 8080; 0 picks a free one and says which)")
      ->check(CLI::Range(0, 65535));
  serve->add_option("--token", options->token,
                    "a secret that every request must send as 'Authorization: Bearer TOKEN' (required with a --bind "
                    "beyond this machine)")
      ->envname("FUNDLEDGER_TOKEN");
  serve->add_option("--threads", options->threads, "requests served at once (default 8)")->check(CLI::Range(1, 256));
  serve->footer(
      "GET /api/reports/NAME?period=P (or as_of=D, fund=F), /api/balances?group_by=KEYS&as_of=D&from=D,\n"
      "/api/pledges?donor=D&fund=F&status=S&as_of=D, /api/pledges/ID and /api/verify answer the JSON that\n"
      "the command line prints with --format json; / is a dashboard. Other methods get 405, bad\n"
      "parameters 400, unknown names 404, a busy store 503; errors are {\"error\": CODE, \"message\": ...}.\n"
      "One line per request goes to stderr.\n\n"
      "Example:\n  fundledger --db cpcjf.db serve --port 8080\n"
      "  curl 'http://127.0.0.1:8080/api/reports/financial-position?period=2023'");
  serve->callback([&context, options] {
    if (!is_loopback(options->bind) && options->token.empty()) {
      throw Error(ErrorCode::usage, "--bind " + options->bind +
                                        " serves beyond this machine: give --token (or FUNDLEDGER_TOKEN) as well");
    }
    Server(context, *options).run();
  });
}

}  // namespace fundledger::cli
