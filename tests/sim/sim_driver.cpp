// The simulator's hands on the library: one ledger, driven by JSON lines on stdin, one answer per
// line on stdout. The simulator (tests/sim/simulate.py) generates the events, keeps the reference
// model and decides; this program records, injects storage faults and checks, in process, so that
// a thousand events take a fraction of a second.
//
//   sim_driver LOCATION        an SQLite path or a postgresql:// URL; made with `init` when absent
//
// The first line out is {"ready":true,"events":[...]}: the bodies of the events init recorded.
// Then, one request per line:
//   {"op":"record","event":{...}}               -> {"ok":true,"seq":N,"recorded":true}
//                                                  or {"ok":false,"exit":65,"error":"..."}
//      with "fault":K: the K-th write (0 the first) of the attempt fails; the answer then says
//      what failed ("fault"), whether the ledger is exactly as before ("intact" and "problem"),
//      and the outcome of recording the event again without the fault.
//      Every recorded event is checked at once against verify's invariants that do not trust the
//      rules; a failure adds "invariant":"...".
//   {"op":"balances"}                           -> {"rows":[[account,fund,donor,pledge,currency,amount,usd]...]}
//   {"op":"verify"}                             -> {"ok":bool,"events":N,"problem":"..."}
//   {"op":"roundtrip","dir":D}                  -> export, replay into D (which must verify), export again: byte-identical?
//   {"op":"head"}                               -> {"seq":N,"hash":H}
//   {"op":"postings","seq":N}                   -> {"rows":[[account,fund,donor,pledge,currency,amount,usd,day]...]}
#include "audit/invariants.hpp"
#include "engine/ledger_access.hpp"
#include "sim/faulty_store.hpp"

#include <fundledger/error.hpp>
#include <fundledger/events.hpp>
#include <fundledger/journal.hpp>
#include <fundledger/ledger.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>

namespace fl = fundledger;
using nlohmann::json;

namespace {

using BalanceMap = std::map<std::tuple<std::string, std::string, std::string, std::string, std::string>,
                            std::pair<std::int64_t, std::int64_t>>;

// The ledger's master data, kept up to date by the ledger as it records.
const fl::detail::MasterState& master_of(const fl::Ledger& ledger) {
  return fl::detail::LedgerAccess::read(ledger, fl::detail::Pledges::read).master;
}

class Driver {
 public:
  explicit Driver(const std::string& location)
      : ledger_(fl::detail::LedgerAccess::make(std::make_unique<fl::store::sim::FaultyStore>(
            fl::store::open_store(location, fl::OpenMode::read_write, false, fl::store::Options{}), fault_))),
        invariants_(master_of(ledger_)) {}

  json ready() {
    json events = json::array();
    {
      auto snapshot = fl::detail::LedgerAccess::read(ledger_, fl::detail::Pledges::read);
      snapshot.txn->scan_journal(1, [&](const fl::store::JournalRow& row) {
        events.push_back(json::parse(row.event.body));
        return true;
      });
    }
    check_new_events();
    return {{"ready", true}, {"events", events}};
  }

  json handle(const json& request) {
    const std::string op = request.at("op");
    if (op == "record") return record(request);
    if (op == "balances") return balances_json();
    if (op == "verify") return verify();
    if (op == "roundtrip") return roundtrip(request.at("dir"));
    if (op == "head") return head();
    if (op == "postings") return postings(request.at("seq").get<std::int64_t>());
    return {{"ok", false}, {"error", "unknown op " + op}};
  }

 private:
  json record(const json& request) {
    const std::string text = request.at("event").dump();
    json answer;
    json outcome;
    if (request.contains("fault")) {
      json fault = inject(text, request.at("fault").get<int>());
      // A fault not reached: the attempt was the event's recording.
      if (fault.at("reached") == false) outcome = fault.at("outcome");
      fault.erase("outcome");
      answer["fault"] = fault;
    }
    if (outcome.is_null()) outcome = attempt(text);
    answer.update(outcome);
    if (outcome.at("ok") == true) {
      if (std::string failure = check_new_events(); !failure.empty()) answer["invariant"] = failure;
    }
    return answer;
  }

  // Records once with the k-th write failing; says what failed and whether the ledger is as before.
  json inject(const std::string& text, int writes) {
    const json before_head = head();
    const BalanceMap before = balances();
    fault_.arm(writes);
    json outcome = attempt(text);
    fault_.disarm();
    json report{{"fired", fault_.fired()}};
    if (fault_.fired().empty()) {
      // The event took fewer writes than that: it was recorded (or refused) as usual.
      report["reached"] = false;
      report["outcome"] = outcome;
      return report;
    }
    report["reached"] = true;
    report["error_exit"] = outcome.value("exit", 0);
    std::string problem;
    if (outcome.at("ok") == true) problem = "the event was recorded although a write failed";
    if (problem.empty() && head() != before_head) problem = "the head moved: " + head().dump();
    if (problem.empty() && balances() != before) problem = "the balances changed";
    if (problem.empty()) {
      const fl::VerifyReport report_verify = fl::verify(ledger_);
      if (!report_verify.ok) problem = "verify: " + report_verify.problem;
    }
    report["intact"] = problem.empty();
    if (!problem.empty()) report["problem"] = problem;
    return report;
  }

  json attempt(const std::string& text) {
    try {
      const fl::RecordResult result = ledger_.record(fl::parse_event(text));
      return {{"ok", true}, {"seq", result.seq}, {"recorded", result.recorded}};
    } catch (const fl::Error& error) {
      return {{"ok", false}, {"exit", fl::exit_status(error.code())}, {"error", error.what()}};
    }
  }

  // Feeds the events recorded since the last call to the invariants; the first failure, if any.
  std::string check_new_events() {
    std::string failure;
    auto snapshot = fl::detail::LedgerAccess::read(ledger_, fl::detail::Pledges::read);
    snapshot.txn->scan_journal(checked_ + 1, [&](const fl::store::JournalRow& row) {
      checked_ = row.event.seq;
      if (const auto broken = invariants_.add(row, *snapshot.txn)) {
        failure = broken->describe() + " (after seq " + std::to_string(broken->seq) + ")";
        return false;
      }
      return true;
    });
    return failure;
  }

  BalanceMap balances() {
    BalanceMap map;
    auto snapshot = fl::detail::LedgerAccess::read(ledger_, fl::detail::Pledges::read);
    const auto& master = snapshot.master;
    for (const auto& row : snapshot.txn->stored_balances({}, 0)) {
      const auto& key = row.key;
      auto& sums = map[{master.accounts.by_id(key[0]).code, master.funds.by_id(key[1]).code,
                        key[2] ? master.donors.by_id(key[2]).code : std::string(),
                        key[4] ? master.pledges.by_id(key[4]).code : std::string(),
                        master.currencies.by_id(key[5]).code}];
      sums.first += row.sums.amount_minor;
      sums.second += row.sums.functional_minor;
    }
    for (auto it = map.begin(); it != map.end();) {
      it = (it->second.first == 0 && it->second.second == 0) ? map.erase(it) : std::next(it);
    }
    return map;
  }

  json balances_json() {
    json rows = json::array();
    for (const auto& [key, sums] : balances()) {
      rows.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), std::get<3>(key), std::get<4>(key),
                      sums.first, sums.second});
    }
    return {{"rows", rows}};
  }

  json verify() {
    const fl::VerifyReport report = fl::verify(ledger_);
    return {{"ok", report.ok}, {"events", report.events}, {"problem", report.problem},
            {"first_bad_seq", report.first_bad_seq}};
  }

  // The postings of one event: [account, fund, donor, pledge, currency, amount, usd, day].
  json postings(std::int64_t seq) {
    json rows = json::array();
    auto snapshot = fl::detail::LedgerAccess::read(ledger_, fl::detail::Pledges::read);
    const auto& master = snapshot.master;
    snapshot.txn->scan_journal(seq, [&](const fl::store::JournalRow& row) {
      for (std::size_t i = 0; i < row.postings.size(); ++i) {
        const auto& p = row.postings[i];
        rows.push_back({master.accounts.by_id(p.account_id).code, master.funds.by_id(p.fund_id).code,
                        p.donor_id ? master.donors.by_id(p.donor_id).code : "",
                        p.pledge_id ? master.pledges.by_id(p.pledge_id).code : "",
                        master.currencies.by_id(p.currency_id).code, p.amount_minor, p.functional_minor,
                        fl::Date::from_day_number(row.posting_days[i]).to_string()});
      }
      return false;
    });
    return {{"rows", rows}};
  }

  json head() { return {{"seq", ledger_.event_count()}, {"hash", ledger_.head_hash()}}; }

  json roundtrip(const std::string& dir) {
    namespace fs = std::filesystem;
    const fs::path first = fs::path(dir) / "first.jsonl";
    const fs::path second = fs::path(dir) / "second.jsonl";
    const fs::path copy = fs::path(dir) / "replayed.db";
    fs::remove(copy);
    {
      std::ofstream out(first, std::ios::binary);
      fl::export_journal(ledger_, out);
    }
    std::ifstream in(first, std::ios::binary);
    const fl::ReplayReport replayed = fl::replay(in, first.string(), copy.string());
    if (!replayed.ok) return {{"ok", false}, {"problem", "replay: " + replayed.problem}};
    {
      const fl::Ledger again = fl::Ledger::open(copy.string(), fl::OpenMode::read_only);
      std::ofstream out(second, std::ios::binary);
      fl::export_journal(again, out);
      // Replay writes the tables its rebuild held in memory at once: verify holds every one of them
      // to the journal.
      const fl::VerifyReport verified = fl::verify(again);
      if (!verified.ok) {
        fs::remove(copy);
        return {{"ok", false}, {"problem", "verify of the replayed ledger: seq " + std::to_string(verified.first_bad_seq) +
                                               ": " + verified.problem}};
      }
    }
    const auto read_all = [](const fs::path& path) {
      std::ifstream file(path, std::ios::binary);
      std::ostringstream text;
      text << file.rdbuf();
      return text.str();
    };
    const bool same = read_all(first) == read_all(second);
    fs::remove(copy);
    return {{"ok", same}, {"problem", same ? "" : "the second export differs from the first"}};
  }

  fl::store::sim::FaultPlan fault_;
  fl::Ledger ledger_;
  fl::audit::InvariantCheck invariants_;
  std::int64_t checked_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: sim_driver LOCATION\n";
    return 64;
  }
  const std::string location = argv[1];
  try {
    if (!fl::store::is_database_url(location) && !std::filesystem::exists(location)) {
      fl::Ledger::init(location);
    } else if (fl::store::is_database_url(location)) {
      try {
        fl::Ledger::init(location);
      } catch (const fl::Error&) {
        // a database that already holds a ledger: open it as it is
      }
    }
    Driver driver(location);
    std::cout << driver.ready().dump() << std::endl;
    std::string line;
    while (std::getline(std::cin, line)) {
      if (line.empty()) continue;
      json answer;
      try {
        answer = driver.handle(json::parse(line));
      } catch (const std::exception& error) {
        answer = {{"ok", false}, {"exit", 70}, {"error", std::string("driver: ") + error.what()}};
      }
      std::cout << answer.dump() << std::endl;
    }
  } catch (const std::exception& error) {
    std::cerr << "sim_driver: " << error.what() << "\n";
    return 70;
  }
  return 0;
}
