// Verify's rebuild in memory: its tables, row by row in key order, each value as the SQL stores
// give it (integers in decimal, "NULL" for a null, a text as row_text gives it).
#include "store/memory_store.hpp"

#include <fundledger/error.hpp>

#include <algorithm>
#include <limits>
#include <memory>
#include <tuple>

namespace fundledger::store {

namespace {

using Row = std::vector<std::string>;

// What the rows below hold for a null until GeneratedRows writes it as "NULL": a byte that is
// never in the UTF-8 text of a stored value.
const std::string null_value = "\xFF";

// A cursor over rows made one at a time: memory stays that of one row, however long the table.
class GeneratedRows final : public RowCursor {
 public:
  explicit GeneratedRows(std::function<bool(Row&)> next) : next_(std::move(next)) {}
  bool next() override {
    values_.clear();
    if (!next_(values_)) return false;
    for (std::string& value : values_) value = value == null_value ? "NULL" : row_text(std::move(value));
    return true;
  }
  const Row& values() const override { return values_; }

 private:
  std::function<bool(Row&)> next_;
  Row values_;
};

std::string text(std::int64_t value) { return std::to_string(value); }
std::string id_or_null(std::int64_t id) { return id ? std::to_string(id) : null_value; }
std::string decimal_or_null(const std::optional<Decimal>& value) { return value ? value->to_string() : null_value; }
std::string text_or_null(const std::optional<std::string>& value) { return value ? *value : null_value; }

void add_sums(Row& row, const BalanceSums& sums) {
  for (std::int64_t value : {sums.debit, sums.credit, sums.functional_debit, sums.functional_credit}) {
    row.push_back(text(value));
  }
}

// Rows of a container, each made by make(element, row), in the container's order.
template <class Container, class Make>
std::unique_ptr<RowCursor> rows_of(const Container& container, Make make) {
  auto it = container.begin();
  const auto end = container.end();
  return std::make_unique<GeneratedRows>([it, end, make](Row& row) mutable {
    if (it == end) return false;
    make(*it++, row);
    return true;
  });
}

// The same of rows made for the cursor, which keeps them.
template <class Container, class Make>
std::unique_ptr<RowCursor> owned_rows(Container rows, Make make) {
  auto owned = std::make_shared<Container>(std::move(rows));
  auto it = owned->cbegin();
  return std::make_unique<GeneratedRows>([owned, it, make](Row& row) mutable {
    if (it == owned->cend()) return false;
    make(*it++, row);
    return true;
  });
}

// Rows of a table of sums: the key's columns, then the four sums.
template <class Map>
std::unique_ptr<RowCursor> sums_rows(const Map& sums) {
  return rows_of(sums, [](const auto& entry, Row& row) {
    for (std::int64_t part : entry.first) row.push_back(text(part));
    add_sums(row, entry.second);
  });
}

// A movements row: (account, month, fund, kind, donor, project, pledge, currency) and the sums,
// from the array's key (month, account, ...).
void movement_row(const MovementRows::Row& entry, Row& row) {
  const auto& k = entry.key;
  for (std::int32_t part : {k[1], k[0], k[2], k[3], k[4], k[5], k[6], k[7]}) row.push_back(text(part));
  add_sums(row, entry.sums);
}

}  // namespace

std::unique_ptr<RowCursor> MemoryLedger::movement_rows(std::int64_t month) {
  std::vector<Row> rows;
  const auto [first, last] = movements_.month(month);
  for (auto it = first; it != last; ++it) movement_row(*it, rows.emplace_back());
  return std::make_unique<RowList>(std::move(rows));
}

// The rows of a master table, or none for another table.
std::unique_ptr<RowCursor> MemoryLedger::master_rows(std::string_view name) {
  if (name == "currencies") {
    return rows_of(master_.currencies.all(), [](const detail::CurrencyRecord& c, Row& row) {
      row = {text(c.id), c.code, text(c.minor_units), text(c.declared_seq)};
    });
  }
  if (name == "accounts") {
    return rows_of(master_.accounts.all(), [](const detail::AccountRecord& a, Row& row) {
      row = {text(a.id), a.code, a.event.name, text(static_cast<std::int64_t>(a.event.account_class)), text(a.seq)};
    });
  }
  if (name == "funds") {
    return rows_of(master_.funds.all(), [this](const detail::FundRecord& f, Row& row) {
      row = {text(f.id), f.code, f.event.name, text(static_cast<std::int64_t>(f.event.kind)),
             id_or_null(fund_parents_.at(f.id)), text(f.seq)};
    });
  }
  if (name == "donors") {
    return rows_of(master_.donors.all(), [](const detail::DonorRecord& d, Row& row) {
      row = {text(d.id), d.code, d.event.name, d.event.category, d.event.country, text(d.seq)};
    });
  }
  if (name == "projects") {
    return rows_of(master_.projects.all(), [](const detail::ProjectRecord& p, Row& row) {
      row = {text(p.id), p.code, p.event.name, text(p.fund_id), decimal_or_null(p.event.psc_rate), text(p.seq)};
    });
  }
  if (name == "pledges") {
    return rows_of(master_.pledges.all(), [](const detail::PledgeRecord& p, Row& row) {
      row = {text(p.id), p.code, text(p.seq), text(p.donor_id), text(p.fund_id),
             text(static_cast<std::int64_t>(p.purpose)), text(p.currency_id), text(p.amount_minor),
             text(p.signed_on.day_number()), text(p.conditional ? 1 : 0), id_or_null(p.project_id),
             decimal_or_null(p.psc_rate), text(p.reversed ? 1 : 0)};
    });
  }
  if (name == "rates") {
    std::vector<std::tuple<std::int64_t, detail::RateEntry>> rows;
    for (const auto& currency : master_.currencies.all()) {
      for (const auto& rate : currency.rates) rows.emplace_back(currency.id, rate);
    }
    return owned_rows(std::move(rows), [](const auto& entry, Row& row) {
      const detail::RateEntry& rate = std::get<1>(entry);
      row = {text(std::get<0>(entry)), text(rate.day), rate.per_usd.to_string(), text(rate.seq)};
    });
  }
  if (name == "settings") {
    std::vector<std::pair<std::string, detail::SettingEntry>> rows;
    for (const auto& [key, history] : master_.settings) {
      for (const auto& entry : history.values) rows.emplace_back(key, entry);
    }
    return owned_rows(std::move(rows), [](const auto& entry, Row& row) {
      row = {entry.first, text(entry.second.day), entry.second.value, text(entry.second.seq)};
    });
  }
  return nullptr;
}

// The rows of a table of what events hold, cut, reverse, seal or approve, or none for another table.
std::unique_ptr<RowCursor> MemoryLedger::projection_rows(std::string_view name) {
  if (name == "instalments") {
    std::vector<std::pair<std::int64_t, detail::InstalmentRow>> rows;
    for (const auto& [pledge_id, lines] : instalments_) {
      for (const auto& line : lines) rows.emplace_back(pledge_id, line);
    }
    return owned_rows(std::move(rows), [](const auto& entry, Row& row) {
      const detail::InstalmentRow& i = entry.second;
      row = {text(entry.first), text(i.line), text(i.due), text(i.amount_minor), text(i.recognized_seq)};
    });
  }
  if (name == "holdings") {
    return rows_of(holdings_, [](const auto& entry, Row& row) {
      const detail::Holding& h = entry.second.holding;
      row = {text(h.seq), text(h.account_id), text(h.fund_id), text(h.donor_id), text(h.currency_id),
             text(h.initial_minor), text(h.initial_functional_minor), text(h.pledge_id), h.partner, text(h.project_id)};
    });
  }
  if (name == "holding_moves") {
    // Keyed by the whole row, in the table's order of columns.
    std::vector<detail::DatedMove> rows = moves_;
    std::sort(rows.begin(), rows.end(), [](const detail::DatedMove& a, const detail::DatedMove& b) {
      return std::tie(a.event_seq, a.move.holding_seq, a.move.amount_minor, a.move.functional_minor, a.day) <
             std::tie(b.event_seq, b.move.holding_seq, b.move.amount_minor, b.move.functional_minor, b.day);
    });
    return owned_rows(std::move(rows), [](const detail::DatedMove& m, Row& row) {
      row = {text(m.event_seq), text(m.move.holding_seq), text(m.move.amount_minor), text(m.move.functional_minor),
             text(m.day)};
    });
  }
  if (name == "instalment_cuts") {
    std::vector<CutRow> rows = cuts_;
    std::sort(rows.begin(), rows.end(), [](const CutRow& a, const CutRow& b) {
      return std::tie(a.event_seq, a.cut.pledge_id, a.cut.line, a.cut.amount_minor) <
             std::tie(b.event_seq, b.cut.pledge_id, b.cut.line, b.cut.amount_minor);
    });
    return owned_rows(std::move(rows), [](const CutRow& c, Row& row) {
      row = {text(c.event_seq), text(c.cut.pledge_id), text(c.cut.line), text(c.cut.amount_minor)};
    });
  }
  if (name == "reversals") {
    return rows_of(reversals_, [](const auto& entry, Row& row) { row = {text(entry.first), text(entry.second)}; });
  }
  if (name == "periods") {
    return rows_of(seals_, [](const auto& entry, Row& row) {
      const detail::SealRow& seal = entry.second;
      row = {seal.period, text(seal.close_seq), seal.head_hash, seal.balances_hash};
    });
  }
  if (name == "budgets") {
    return rows_of(budgets_, [](const auto& entry, Row& row) {
      const detail::BudgetRow& b = entry.second;
      row = {text(b.seq), text(b.fund_id), text(b.project_id), b.category, text(b.year), text(b.amount_minor)};
    });
  }
  if (name == "amendments") {
    return rows_of(amendments_, [](const auto& entry, Row& row) {
      const detail::AmendmentRow& a = entry.second;
      row = {text(a.amendment.seq), a.kind, text(a.record_id), text(a.amendment.day), text_or_null(a.amendment.name),
             text_or_null(a.amendment.category), text_or_null(a.amendment.country)};
    });
  }
  return nullptr;
}

std::unique_ptr<RowCursor> MemoryLedger::table_rows(const TableSpec& table) {
  const std::string_view name = table.name;
  if (auto rows = master_rows(name)) return rows;
  if (auto rows = projection_rows(name)) return rows;
  if (name == "balances") return sums_rows(balances_);
  if (name == "monthly_balances") return sums_rows(monthly_);
  if (name == "movements") {
    // In the table's key order (account, month, ...), from the array's (month, account, ...).
    std::vector<const MovementRows::Row*> rows;
    rows.reserve(movements_.rows().size());
    for (const auto& entry : movements_.rows()) rows.push_back(&entry);
    std::sort(rows.begin(), rows.end(), [](const auto* a, const auto* b) {
      const auto& x = a->key;
      const auto& y = b->key;
      return std::tie(x[1], x[0], x[2], x[3], x[4], x[5], x[6], x[7]) < std::tie(y[1], y[0], y[2], y[3], y[4], y[5], y[6], y[7]);
    });
    return owned_rows(std::move(rows), [](const auto* entry, Row& row) { movement_row(*entry, row); });
  }
  if (name == "monthly_kinds") return sums_rows(monthly_kinds_);
  throw Error(ErrorCode::storage, "the rebuild in memory keeps no table " + std::string(name) +
                                      ": verify compares it event by event");
}

}  // namespace fundledger::store
