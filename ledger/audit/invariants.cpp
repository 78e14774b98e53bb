// The invariants verify checks from the postings alone (see invariants.hpp).
#include "audit/invariants.hpp"

#include "core/chart.hpp"
#include "core/event_json.hpp"
#include "core/master.hpp"
#include "engine/pledge_status.hpp"

#include <fundledger/money.hpp>

#include <algorithm>
#include <set>
#include <tuple>

namespace fundledger::audit {

using detail::BalanceKeyIds;
using detail::StoredPosting;

namespace {

const char* const invariant_names[] = {
    "",
    "every entry balances, and 1900 nets to zero in USD in every fund",
    "a holding with nothing in its currency holds nothing in USD, and never the wrong sign",
    "a pledge's allowance is between zero and its receivable",
    "no event takes a fund's cash below zero unless it says allow_overdraft",
    "after a year-end close the year's revenue, expenses and transfers are closed",
    "a pledge's figures are the sums of its postings",
};

// The events the cash rule leaves alone: the close and its reopening restate cash and spend none; a
// generic entry (and its reversal) posts what it says.
bool outside_cash_rule(const std::string& kind) {
  return kind == "period_close" || kind == "period_reopen" || kind == "entry";
}

}  // namespace

std::string InvariantFailure::describe() const {
  return "invariant " + std::to_string(invariant) + " (" + invariant_names[invariant] + ") fails for " + key + ": " +
         problem;
}

InvariantCheck::InvariantCheck(const detail::MasterState& master) : master_(master) {
  if (const auto* usd = master.currencies.find(functional_currency_code)) usd_id_ = usd->id;
}

// Each account's role, from its code and class; the accounts the ledger gained since are added as
// they are first met.
void InvariantCheck::learn_roles() {
  roles_.assign(static_cast<std::size_t>(master_.accounts.next_id()), Role::none);
  for (const detail::AccountRecord& account : master_.accounts.all()) {
    Role role = Role::none;
    const std::string& code = account.code;
    if (code == detail::account::cash) role = Role::cash;
    if (code == detail::account::receivable) role = Role::receivable;
    if (code == detail::account::allowance) role = Role::allowance;
    if (code == detail::account::received_in_advance || code == detail::account::unidentified ||
        code == detail::account::refunds_payable) {
      role = Role::held_credit;
    }
    if (code == detail::account::partner_advances) role = Role::held_debit;
    if (code == detail::account::deferred_revenue) role = Role::deferred;
    if (code == detail::account::currency_exchange) role = Role::exchange;
    const AccountClass account_class = account.event.account_class;
    if (role == Role::none && (account_class == AccountClass::revenue || account_class == AccountClass::expense ||
                               code == detail::account::transfers)) {
      role = Role::year_result;
    }
    roles_[static_cast<std::size_t>(account.id)] = role;
  }
}

InvariantCheck::Role InvariantCheck::role_of(std::int64_t account_id) {
  const auto index = static_cast<std::size_t>(account_id);
  if (index >= roles_.size()) learn_roles();
  return index < roles_.size() ? roles_[index] : Role::none;
}

std::string InvariantCheck::amount_text(std::int64_t minor, std::int64_t currency_id) const {
  const auto& currency = master_.currencies.by_id(currency_id);
  return currency.code + " " + Decimal::from_minor_units(minor, currency.minor_units).to_string();
}

std::string InvariantCheck::key_text(const BalanceKeyIds& key) const {
  std::string text = master_.accounts.by_id(key[0]).code + " " + master_.funds.by_id(key[1]).code;
  if (key[2]) text += " donor " + master_.donors.by_id(key[2]).code;
  if (key[3]) text += " project " + master_.projects.by_id(key[3]).code;
  if (key[4]) text += " pledge " + master_.pledges.by_id(key[4]).code;
  return text + " " + master_.currencies.by_id(key[5]).code;
}

// The kind of event the postings count as: its type, a reversal's the type it reverses.
std::string InvariantCheck::kind_of(const store::JournalRow& row, store::ReadTxn& txn) const {
  if (row.event.type != "reversal") return row.event.type;
  const auto reversal = std::get<ReversalEvent>(detail::parse_stored_body(row.event.body));
  const auto target = txn.find_event(reversal.reverses);
  return target ? target->type : std::string();
}

std::optional<InvariantFailure> InvariantCheck::add(const store::JournalRow& row, store::ReadTxn& txn) {
  const std::int32_t day = row.event.day.value_or(Date::parse(std::string_view(row.event.recorded_at).substr(0, 10)).day_number());
  const bool whole = detail::whole_holdings_on(master_, Date::from_day_number(day));
  const bool posts_to_pledge = std::any_of(row.postings.begin(), row.postings.end(), [](const StoredPosting& p) {
    return p.pledge_id != 0;
  });
  const std::string kind = posts_to_pledge ? kind_of(row, txn) : row.event.type;
  // What the event posts to 1900 in USD, by fund.
  std::map<std::int64_t, std::int64_t> exchange_usd;
  for (std::size_t i = 0; i < row.postings.size(); ++i) {
    const StoredPosting& p = row.postings[i];
    const Role role = role_of(p.account_id);
    switch (role) {
      case Role::exchange:
        exchange_usd[p.fund_id] += p.functional_minor;
        break;
      case Role::year_result: {
        Sums& sums = results_[{p.account_id, p.fund_id, p.currency_id}][Date::from_day_number(row.posting_days[i]).year()];
        sums.amount += p.amount_minor;
        sums.usd += p.functional_minor;
        break;
      }
      case Role::cash: {
        Sums& sums = cash_[{p.fund_id, p.currency_id}];
        sums.amount += p.amount_minor;
        sums.usd += p.functional_minor;
        cash_usd_[p.fund_id] += p.functional_minor;
        break;
      }
      default:
        break;
    }
    if ((role == Role::receivable || role == Role::deferred) && p.pledge_id) {
      PledgeSums& pledge = pledges_[p.pledge_id];
      pledge.last_seq = row.event.seq;
      if (role == Role::deferred) {
        pledge.deferred -= p.amount_minor;
      } else {
        pledge.receivable += p.amount_minor;
        const std::string counted = p.kind == detail::PostingKind::applied_ahead ? "apply"
                                    : p.kind == detail::PostingKind::recognition ? "recognition"
                                                                                  : kind;
        if (counted == "receipt" || counted == "apply") pledge.received -= p.amount_minor;
        if (counted == "reduction") pledge.reduced -= p.amount_minor;
        if (counted == "write_off") pledge.written_off -= p.amount_minor;
      }
    }
  }
  // The rules pass each currency through 1900 at the same USD on both legs; a generic entry posts
  // 1900 as the officer wrote it.
  const bool by_rules = row.event.type != "entry" && !(row.event.type == "reversal" && kind_of(row, txn) == "entry");
  for (const auto& [fund, usd] : exchange_usd) {
    if (!by_rules) break;
    ++counts_.checked[1];
    if (usd != 0) {
      return InvariantFailure{1, "1900 " + master_.funds.by_id(fund).code,
                              "the event's postings to it come to USD " + Decimal::from_minor_units(usd, 2).to_string(),
                              row.event.seq};
    }
  }
  if (auto failure = check_holdings(row, whole)) return failure;
  if (auto failure = check_cash(row, whole, txn)) return failure;
  return check_year_end(row, whole);
}

// Invariants 2 and 3, for the holdings the event moved.
std::optional<InvariantFailure> InvariantCheck::check_holdings(const store::JournalRow& row, bool whole) {
  std::set<BalanceKeyIds> touched;
  std::set<std::pair<BalanceKeyIds, BalanceKeyIds>> pledges;  // (receivable, allowance) keys
  const auto* receivable = master_.accounts.find(detail::account::receivable);
  const auto* allowance = master_.accounts.find(detail::account::allowance);
  for (const StoredPosting& p : row.postings) {
    const Role role = role_of(p.account_id);
    if (role == Role::none || role == Role::exchange || role == Role::year_result) continue;
    // Cash is one pool per fund and currency, whoever paid it in.
    const BalanceKeyIds key = role == Role::cash ? BalanceKeyIds{p.account_id, p.fund_id, 0, 0, 0, p.currency_id}
                                                 : BalanceKeyIds{p.account_id, p.fund_id, p.donor_id, p.project_id,
                                                                 p.pledge_id, p.currency_id};
    Sums& sums = holdings_[key];
    sums.amount += p.amount_minor;
    sums.usd += p.functional_minor;
    touched.insert(key);
    if ((role == Role::receivable || role == Role::allowance) && p.pledge_id && receivable && allowance) {
      pledges.insert({{receivable->id, p.fund_id, p.donor_id, 0, p.pledge_id, p.currency_id},
                      {allowance->id, p.fund_id, p.donor_id, 0, p.pledge_id, p.currency_id}});
    }
  }
  if (!whole) {
    for (const BalanceKeyIds& key : touched) inherited_keys_.emplace(key, true);
    return std::nullopt;
  }
  for (const BalanceKeyIds& key : touched) {
    if (inherited_keys_.count(key)) continue;
    ++counts_.checked[2];
    const Sums& sums = holdings_[key];
    const Role role = role_of(key[0]);
    std::string problem;
    if (sums.amount == 0 && sums.usd != 0) {
      problem = amount_text(0, key[5]) + " carries USD " + Decimal::from_minor_units(sums.usd, 2).to_string();
    } else if ((role == Role::held_credit || role == Role::deferred) && sums.amount > 0) {
      problem = "money held has a debit balance of " + amount_text(sums.amount, key[5]);
    } else if (role == Role::held_debit && sums.amount < 0) {
      problem = "an advance has a credit balance of " + amount_text(-sums.amount, key[5]);
    }
    if (!problem.empty()) return InvariantFailure{2, key_text(key), problem, row.event.seq};
  }
  for (const auto& [receivable_key, allowance_key] : pledges) {
    if (inherited_keys_.count(receivable_key) || inherited_keys_.count(allowance_key)) continue;
    ++counts_.checked[3];
    const Sums owed = holdings_[receivable_key];
    const Sums allowed{-holdings_[allowance_key].amount, -holdings_[allowance_key].usd};
    if (allowed.amount < 0 || allowed.usd < 0 || allowed.amount > owed.amount || allowed.usd > owed.usd) {
      return InvariantFailure{3, "pledge " + master_.pledges.by_id(receivable_key[4]).code,
                              "allowed for " + amount_text(allowed.amount, receivable_key[5]) + " (USD " +
                                  Decimal::from_minor_units(allowed.usd, 2).to_string() + ") of a receivable of " +
                                  amount_text(owed.amount, receivable_key[5]) + " (USD " +
                                  Decimal::from_minor_units(owed.usd, 2).to_string() + ")",
                              row.event.seq};
    }
  }
  return std::nullopt;
}

// Invariant 4, for the funds whose cash the event lowered.
std::optional<InvariantFailure> InvariantCheck::check_cash(const store::JournalRow& row, bool whole,
                                                           store::ReadTxn& txn) {
  if (!whole || outside_cash_rule(row.event.type)) return std::nullopt;
  const bool takes_cash = std::any_of(row.postings.begin(), row.postings.end(), [this](const StoredPosting& p) {
    return role_of(p.account_id) == Role::cash && p.amount_minor < 0;
  });
  if (!takes_cash || (row.event.type == "reversal" && outside_cash_rule(kind_of(row, txn)))) return std::nullopt;
  // The canonical body writes the flag as this, and a string field could only hold it escaped.
  if (row.event.body.find("\"allow_overdraft\":true") != std::string::npos) return std::nullopt;
  std::map<std::int64_t, std::int64_t> usd_added;
  std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> amount_added;
  for (const StoredPosting& p : row.postings) {
    if (role_of(p.account_id) != Role::cash) continue;
    usd_added[p.fund_id] += p.functional_minor;
    amount_added[{p.fund_id, p.currency_id}] += p.amount_minor;
  }
  for (const auto& [fund, added] : usd_added) {
    if (added >= 0) continue;
    ++counts_.checked[4];
    if (cash_usd_[fund] < 0) {
      return InvariantFailure{4, "1100 " + master_.funds.by_id(fund).code,
                              "the event takes its cash to USD " + Decimal::from_minor_units(cash_usd_[fund], 2).to_string(),
                              row.event.seq};
    }
  }
  for (const auto& [fund_currency, added] : amount_added) {
    if (added >= 0) continue;
    ++counts_.checked[4];
    const Sums& held = cash_[fund_currency];
    if (held.amount < 0) {
      return InvariantFailure{4, "1100 " + master_.funds.by_id(fund_currency.first).code,
                              "the event takes its cash to " + amount_text(held.amount, fund_currency.second), row.event.seq};
    }
  }
  return std::nullopt;
}

// Invariant 5, after a close of December.
std::optional<InvariantFailure> InvariantCheck::check_year_end(const store::JournalRow& row, bool whole) {
  if (row.event.type != "period_close") return std::nullopt;
  const auto close = std::get<PeriodCloseEvent>(detail::parse_stored_body(row.event.body));
  if (close.period.index() != 12) return std::nullopt;
  const int year = close.period.year();
  for (const auto& [key, by_year] : results_) {
    // Transfers between funds were left in 3200 by the rules of version 1 in some ledgers.
    if (master_.accounts.by_id(key[0]).code == detail::account::transfers && !whole) continue;
    Sums through;
    for (const auto& [posting_year, sums] : by_year) {
      if (posting_year > year) break;
      through.amount += sums.amount;
      through.usd += sums.usd;
    }
    ++counts_.checked[5];
    if (through.amount != 0 || through.usd != 0) {
      return InvariantFailure{5, master_.accounts.by_id(key[0]).code + " " + master_.funds.by_id(key[1]).code,
                              "through " + std::to_string(year) + "-12-31 it holds " + amount_text(through.amount, key[2]) +
                                  " (USD " + Decimal::from_minor_units(through.usd, 2).to_string() + ")",
                              row.event.seq};
    }
  }
  return std::nullopt;
}

std::optional<InvariantFailure> InvariantCheck::finish(const detail::Snapshot& snapshot) {
  for (const detail::PledgeRecord& pledge : master_.pledges.all()) {
    const PledgeSums sums = pledges_.count(pledge.id) ? pledges_.at(pledge.id) : PledgeSums{0, 0, 0, 0, 0, pledge.seq};
    const PledgeStatus status = detail::pledge_status(snapshot, pledge);
    const int units = master_.currencies.by_id(pledge.currency_id).minor_units;
    std::int64_t cut = 0;
    std::int64_t unrecognized = 0;
    for (const detail::InstalmentRow& instalment : snapshot.txn->instalments(pledge.id)) {
      cut += instalment.cut_minor;
      if (instalment.recognized_seq == 0) unrecognized += instalment.amount_minor - instalment.cut_minor;
    }
    std::vector<std::tuple<const char*, const Decimal*, std::int64_t>> figures = {
        {"received", &status.received, sums.received},
        {"written off", &status.written_off, sums.written_off},
        {"receivable", &status.receivable, sums.receivable},
        {"deferred", &status.deferred, sums.deferred},
    };
    // A reversed pledge is cancelled whole: its figures say so, whatever it was reduced by.
    if (!pledge.reversed) {
      figures.emplace_back("reduced", &status.reduced, sums.reduced + cut);
      figures.emplace_back("outstanding", &status.outstanding, sums.receivable + unrecognized);
    }
    for (const auto& [name, shown, from_postings] : figures) {
      ++counts_.checked[6];
      if (*shown == Decimal::from_minor_units(from_postings, units)) continue;
      return InvariantFailure{6, "pledge " + pledge.code,
                              std::string(name) + " " + amount_text(shown->to_minor_units(units), pledge.currency_id) +
                                  " in its figures, " + amount_text(from_postings, pledge.currency_id) + " by its postings",
                              sums.last_seq};
    }
  }
  counts_.inherited_keys = static_cast<std::int64_t>(inherited_keys_.size());
  return std::nullopt;
}

}  // namespace fundledger::audit
