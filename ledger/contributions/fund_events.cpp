// Money leaving or moving between funds, and corrections: refund, expense, transfer, interest,
// reversal.
#include "core/event_json.hpp"
#include "core/ledger_impl.hpp"
#include "core/posting_builder.hpp"
#include "core/text.hpp"

#include <fundledger/error.hpp>
#include <fundledger/money.hpp>

#include <SQLiteCpp/Statement.h>

#include <algorithm>

namespace fundledger {

using detail::Dimensions;
using detail::PostingBuilder;
using detail::proportional_minor;
using detail::field_error;
using detail::quote;
using detail::StoredPosting;

namespace {

std::string usd_text(std::int64_t minor) { return Decimal::from_minor_units(minor, 2).to_string() + " USD"; }

}  // namespace

RecordResult Ledger::Impl::record_refund(const RefundEvent& given) {
  const auto& currency = currency_for_use(given.currency, "currency");
  RefundEvent refund = given;
  refund.amount = positive_amount(given.amount, currency, "amount");
  const std::string body = detail::body_fields(Event{refund}).render();
  if (std::int64_t seq = existing_event_seq(refund.id, "refund", body)) return {false, seq};

  const auto& donor = donor_named(refund.donor, "donor");
  const auto& fund = fund_named(refund.fund, "fund");
  std::int64_t pledge_id = 0;
  if (!refund.pledge.empty()) {
    const auto& pledge = pledge_named(refund.pledge, "pledge");
    if (pledge.donor_id != donor.id || pledge.fund_id != fund.id) {
      throw Error(ErrorCode::bad_input, field_error("pledge", "pledge " + refund.pledge + " is not from donor " +
                                                                  refund.donor + " to fund " + refund.fund));
    }
    pledge_id = pledge.id;
  }
  PostingBuilder builder(*this, refund.date, "refund " + refund.id);
  if (!refund.pays.empty()) return record_refund_payment(refund, body, builder, currency, donor.id, fund.id);
  const std::int64_t payable = builder.account("2300");
  std::optional<Holding> drawn;
  if (!refund.receipt.empty()) {
    // Money still held from a receipt goes back: relieved at the USD it carries.
    drawn = refunded_holding(refund, currency, donor.id, fund.id);
    builder.relieve(drawn->account_id, fund.id, currency, refund.amount, drawn->position(),
                    {drawn->donor_id, 0, drawn->pledge_id});
  } else {
    // Revenue already recognized is given back.
    builder.add(builder.account("4900"), fund.id, currency, refund.amount, {donor.id, 0, pledge_id});
  }
  builder.add(payable, fund.id, currency, -refund.amount, {donor.id, 0, pledge_id});
  const StoredPosting owed = builder.postings().back();
  if (refund.paid) {
    builder.add_with_usd(payable, fund.id, currency, refund.amount, -owed.functional_minor, {donor.id, 0, pledge_id});
    builder.relieve(builder.account("1100"), fund.id, currency, -refund.amount, cash_position(fund.id, currency.id),
                    {donor.id, 0, 0});
  }
  const std::vector<StoredPosting> postings = builder.finish();
  const std::int64_t seq = append_event("refund", refund.id, refund.date, body, postings);
  if (drawn) {
    const StoredPosting& relief = postings.front();
    move_holding(seq, drawn->seq, -relief.amount_minor, -relief.functional_minor);
  }
  if (!refund.paid) add_holding(seq, owed);
  return {true, seq};
}

Ledger::Impl::Holding Ledger::Impl::refunded_holding(const RefundEvent& refund, const detail::CurrencyRecord& currency,
                                                     std::int64_t donor_id, std::int64_t fund_id) {
  const std::int64_t receipt_seq = seq_of_event(refund.receipt, nullptr);
  auto holding = receipt_seq ? holding_of(receipt_seq) : std::nullopt;
  const std::string_view account = holding ? std::string_view(state.accounts.by_id(holding->account_id).code) : "";
  if (!holding || (account != "2100" && account != "2150")) {
    throw Error(ErrorCode::bad_input, field_error("receipt", quote(refund.receipt) + " holds no advance or "
                                                             "unidentified receipt to refund"));
  }
  if (holding->fund_id != fund_id || holding->currency_id != currency.id ||
      (holding->donor_id && holding->donor_id != donor_id)) {
    throw Error(ErrorCode::bad_input,
                field_error("receipt", "receipt " + refund.receipt + " holds " + state.currencies.by_id(holding->currency_id).code +
                                           " in fund " + state.funds.by_id(holding->fund_id).code +
                                           (holding->donor_id ? " for donor " + state.donors.by_id(holding->donor_id).code : "") +
                                           ", not " + currency.code + " in fund " + refund.fund + " for donor " + refund.donor));
  }
  SQLite::Statement received(database, "SELECT date FROM events WHERE seq = ?");
  received.bind(1, receipt_seq);
  if (received.executeStep() && refund.date.day_number() < received.getColumn(0).getInt()) {
    throw Error(ErrorCode::bad_input,
                field_error("date", "refund " + refund.id + " is dated " + refund.date.to_string() + ", before " +
                                        refund.receipt + " was received (" +
                                        Date::from_day_number(received.getColumn(0).getInt()).to_string() + ")"));
  }
  const std::int64_t amount_minor = refund.amount.to_minor_units(currency.minor_units);
  if (amount_minor > holding->amount_minor) {
    throw Error(ErrorCode::bad_input,
                field_error("amount", "receipt " + refund.receipt + " holds only " +
                                          Decimal::from_minor_units(holding->amount_minor, currency.minor_units).to_string() +
                                          " " + currency.code + " that could be refunded"));
  }
  return *holding;
}

// The payment of a refund recorded earlier as payable: the payable, with its own keys, relieved at
// the USD it carries; the cash at the USD it carries.
RecordResult Ledger::Impl::record_refund_payment(const RefundEvent& refund, const std::string& body,
                                                 PostingBuilder& builder, const detail::CurrencyRecord& currency,
                                                 std::int64_t donor_id, std::int64_t fund_id) {
  const std::int64_t payable = builder.account("2300");
  const std::int64_t payable_seq = seq_of_event(refund.pays, nullptr);
  auto holding = payable_seq ? holding_of(payable_seq) : std::nullopt;
  if (!holding || holding->account_id != payable) {
    throw Error(ErrorCode::unknown_reference, field_error("pays", "no payable refund " + quote(refund.pays)));
  }
  if (holding->fund_id != fund_id || holding->donor_id != donor_id || holding->currency_id != currency.id) {
    throw Error(ErrorCode::bad_input, field_error("pays", "refund " + refund.pays + " is owed to another donor, "
                                                              "fund or currency"));
  }
  const std::int64_t amount_minor = refund.amount.to_minor_units(currency.minor_units);
  if (amount_minor > holding->amount_minor) {
    throw Error(ErrorCode::bad_input,
                field_error("amount", "refund " + refund.pays + " has only " +
                                          Decimal::from_minor_units(holding->amount_minor, currency.minor_units).to_string() +
                                          " " + currency.code + " left to pay"));
  }
  const std::int64_t relieved = builder.relieve(payable, fund_id, currency, refund.amount, holding->position(),
                                                {holding->donor_id, 0, holding->pledge_id});
  builder.relieve(builder.account("1100"), fund_id, currency, -refund.amount, cash_position(fund_id, currency.id),
                  {donor_id, 0, 0});
  const std::int64_t seq = append_event("refund", refund.id, refund.date, body, builder.finish());
  move_holding(seq, holding->seq, -amount_minor, -relieved);
  return {true, seq};
}

RecordResult Ledger::Impl::record_expense(const ExpenseEvent& given) {
  const auto& currency = currency_for_use(given.currency, "currency");
  ExpenseEvent expense = given;
  expense.amount = positive_amount(given.amount, currency, "amount");
  const std::string body = detail::body_fields(Event{expense}).render();
  if (std::int64_t seq = existing_event_seq(expense.id, "expense", body)) return {false, seq};

  const auto& fund = fund_named(expense.fund, "fund");
  std::int64_t project_id = 0;
  std::optional<Decimal> psc_rate = expense.psc_rate;
  if (!expense.project.empty()) {
    const auto* project = state.projects.find(expense.project);
    if (!project) throw Error(ErrorCode::unknown_reference, field_error("project", "unknown project " + quote(expense.project)));
    if (project->fund_id != fund.id) {
      throw Error(ErrorCode::bad_input, field_error("project", "project " + expense.project + " belongs to fund " +
                                                                   project->event.fund + ", not " + expense.fund));
    }
    project_id = project->id;
    if (!psc_rate) psc_rate = project->event.psc_rate;
  }
  if (!psc_rate) psc_rate = Decimal::parse(setting_on("psc_rate", expense.date));
  if (psc_rate->sign() < 0 || *psc_rate >= Decimal::from_integer(1)) {
    throw Error(ErrorCode::bad_input, field_error("psc_rate", "expected a rate from 0 to below 1, like 0.13, not " +
                                                                  psc_rate->to_string()));
  }
  const Rounding rounding = rounding_on(expense.date);
  const Decimal psc = (expense.amount * *psc_rate).rescale(currency.minor_units, rounding);

  PostingBuilder builder(*this, expense.date, "expense " + expense.id);
  const std::int64_t cash = builder.account("1100");
  const Dimensions on_project{0, project_id, 0};
  // The cash leaves at the USD it carries; the expense is valued at the day's rate.
  detail::Position held = cash_position(fund.id, currency.id);
  auto pay = [&](const Decimal& amount) {
    held.functional_minor += builder.relieve(cash, fund.id, currency, -amount, held);
    held.amount_minor -= amount.to_minor_units(currency.minor_units);
  };
  builder.add(builder.account(expense.category == ExpenseCategory::grant ? "5100" : "5200"), fund.id, currency,
              expense.amount, on_project);
  pay(expense.amount);
  if (!psc.is_zero()) {
    builder.add(builder.account("5300"), fund.id, currency, psc, on_project);
    pay(psc);
    const std::string psc_fund_code = setting_on("psc_fund", expense.date);
    if (!psc_fund_code.empty()) {
      // The PSC charged here is the PSC fund's income, in the same entry.
      const auto& psc_fund = fund_named(psc_fund_code, "psc_fund setting");
      builder.add(cash, psc_fund.id, currency, psc);
      builder.add(builder.account("4300"), psc_fund.id, currency, -psc, on_project);
    }
  }
  std::vector<StoredPosting> postings = builder.finish();
  if (!expense.allow_overdraft) {
    std::int64_t spent = 0;
    for (const StoredPosting& p : postings) {
      if (p.account_id == cash && p.fund_id == fund.id) spent -= p.functional_minor;
    }
    const std::int64_t available = cash_usd_minor(fund.id, expense.date);
    if (spent > available) {
      throw Error(ErrorCode::bad_input,
                  "expense " + expense.id + " of " + usd_text(spent) + " (with PSC) is more than the cash of fund " +
                      fund.code + " (" + usd_text(available) + "); record it with allow_overdraft (--allow-overdraft) to spend beyond it");
    }
  }
  return {true, append_event("expense", expense.id, expense.date, body, postings)};
}

RecordResult Ledger::Impl::record_transfer(const TransferEvent& given) {
  const auto& currency = currency_for_use(given.currency, "currency");
  TransferEvent transfer = given;
  transfer.amount = positive_amount(given.amount, currency, "amount");
  const std::string body = detail::body_fields(Event{transfer}).render();
  if (std::int64_t seq = existing_event_seq(transfer.id, "transfer", body)) return {false, seq};

  const auto& from = fund_named(transfer.from_fund, "from_fund");
  const auto& to = fund_named(transfer.to_fund, "to_fund");
  if (from.id == to.id) throw Error(ErrorCode::bad_input, field_error("to_fund", "a transfer needs two different funds"));
  PostingBuilder builder(*this, transfer.date, "transfer " + transfer.id);
  const std::int64_t cash = builder.account("1100");
  const std::int64_t transfers = builder.account("3200");
  builder.add(transfers, from.id, currency, transfer.amount);
  const std::int64_t usd =
      -builder.relieve(cash, from.id, currency, -transfer.amount, cash_position(from.id, currency.id));
  builder.add(cash, to.id, currency, transfer.amount);
  builder.add(transfers, to.id, currency, -transfer.amount);
  std::vector<StoredPosting> postings = builder.finish();
  const std::int64_t available = cash_usd_minor(from.id, transfer.date);
  if (usd > available) {
    throw Error(ErrorCode::bad_input, "transfer " + transfer.id + " of " + usd_text(usd) + " is more than the cash of fund " +
                                          from.code + " (" + usd_text(available) + ")");
  }
  return {true, append_event("transfer", transfer.id, transfer.date, body, postings)};
}

RecordResult Ledger::Impl::record_interest(const InterestEvent& given) {
  const auto& usd_currency = currency_for_use(functional_currency_code, "amount");
  InterestEvent interest = given;
  interest.amount = positive_amount(given.amount, usd_currency, "amount");
  const std::string body = detail::body_fields(Event{interest}).render();
  if (std::int64_t seq = existing_event_seq(interest.id, "interest", body)) return {false, seq};

  PostingBuilder builder(*this, interest.date, "interest " + interest.id);
  const std::int64_t cash = builder.account("1100");
  // Each fund's cash in USD at the end of the day before: the weights of the apportionment.
  SQLite::Statement query(database,
                          "SELECT fund_id, SUM(functional_minor) FROM postings WHERE account_id = ? AND date < ? "
                          "GROUP BY fund_id HAVING SUM(functional_minor) > 0 ORDER BY fund_id");
  query.bind(1, cash);
  query.bind(2, interest.date.day_number());
  std::vector<std::int64_t> funds;
  std::vector<Decimal> weights;
  while (query.executeStep()) {
    funds.push_back(query.getColumn(0).getInt64());
    weights.push_back(Decimal::from_minor_units(query.getColumn(1).getInt64(), 2));
  }
  if (funds.empty()) {
    throw Error(ErrorCode::bad_input, "interest " + interest.id + ": no fund had cash on " +
                                          interest.date.add_days(-1).to_string() + " to apportion it to");
  }
  const std::vector<Decimal> parts = allocate(interest.amount, weights);
  const std::int64_t revenue = builder.account("4800");
  for (std::size_t i = 0; i < funds.size(); ++i) {
    if (parts[i].is_zero()) continue;
    builder.add(cash, funds[i], usd_currency, parts[i]);
    builder.add(revenue, funds[i], usd_currency, -parts[i]);
  }
  return {true, append_event("interest", interest.id, interest.date, body, builder.finish())};
}

RecordResult Ledger::Impl::record_reversal(const ReversalEvent& reversal) {
  const std::string body = detail::body_fields(Event{reversal}).render();
  if (std::int64_t seq = existing_event_seq(reversal.id, "reversal", body)) return {false, seq};

  std::string type;
  const std::int64_t target = seq_of_event(reversal.reverses, &type);
  if (!target) {
    throw Error(ErrorCode::unknown_reference, field_error("reverses", "no event with id " + quote(reversal.reverses)));
  }
  check_open(reversal.date, "reversal " + reversal.id);
  if (type == "reversal") {
    throw Error(ErrorCode::bad_input, field_error("reverses", quote(reversal.reverses) +
                                                                  " is itself a reversal: record the original event "
                                                                  "again under a new id instead"));
  }
  {
    SQLite::Statement query(database, "SELECT reversal_seq FROM reversals WHERE reversed_seq = ?");
    query.bind(1, target);
    if (query.executeStep()) {
      throw Error(ErrorCode::conflict, field_error("reverses", quote(reversal.reverses) +
                                                                   " is already reversed (seq " +
                                                                   std::to_string(query.getColumn(0).getInt64()) + ")"));
    }
  }
  std::vector<StoredPosting> postings = load_postings(target);
  if (postings.empty()) {
    throw Error(ErrorCode::bad_input, field_error("reverses", quote(reversal.reverses) + " posted nothing to reverse"));
  }
  SQLite::Statement original_date(database, "SELECT date FROM events WHERE seq = ?");
  original_date.bind(1, target);
  if (original_date.executeStep() && reversal.date.day_number() < original_date.getColumn(0).getInt()) {
    throw Error(ErrorCode::bad_input, field_error("date", "a reversal cannot be dated before the event it reverses (" +
                                                              Date::from_day_number(original_date.getColumn(0).getInt()).to_string() + ")"));
  }
  // What the reversed event held or moved is undone with it.
  auto holding = holding_of(target);
  if (holding && holding->amount_minor != holding->initial_minor) {
    throw Error(ErrorCode::bad_input, field_error("reverses", "part of what " + reversal.reverses +
                                                                  " holds was applied or paid: reverse that first"));
  }
  if (type == "pledge") {
    const auto& pledge = pledge_named(reversal.reverses, "reverses");
    SQLite::Statement settled(database,
                              "SELECT COUNT(*) FROM postings p JOIN events e ON e.seq = p.seq "
                              "WHERE p.pledge_id = ? AND e.type != 'pledge' AND p.seq NOT IN "
                              "(SELECT reversed_seq FROM reversals UNION SELECT reversal_seq FROM reversals)");
    settled.bind(1, pledge.id);
    if (settled.executeStep() && settled.getColumn(0).getInt64() > 0) {
      throw Error(ErrorCode::bad_input, field_error("reverses", "pledge " + reversal.reverses +
                                                                    " has receipts or other events against it: reverse "
                                                                    "them first, or record a reduction"));
    }
  }
  for (StoredPosting& posting : postings) {
    posting.amount_minor = -posting.amount_minor;
    posting.functional_minor = -posting.functional_minor;
    posting.date.reset();  // every negation is dated the reversal's day, in an open period
  }
  const std::int64_t seq = append_event("reversal", reversal.id, reversal.date, body, postings);
  SQLite::Statement record(database, "INSERT INTO reversals (reversed_seq, reversal_seq) VALUES (?, ?)");
  record.bind(1, target);
  record.bind(2, seq);
  record.exec();
  // The holding loses what its event's posting gave it; a year-end revaluation of it stays with it,
  // as it stays on the account.
  if (holding) move_holding(seq, holding->seq, -holding->initial_minor, -holding->initial_functional_minor);
  // Moves the reversed event made on holdings are undone.
  SQLite::Statement moves(database, "SELECT holding_seq, amount_minor, functional_minor FROM holding_moves WHERE event_seq = ?");
  moves.bind(1, target);
  std::vector<std::array<std::int64_t, 3>> undo;
  while (moves.executeStep()) {
    undo.push_back({moves.getColumn(0).getInt64(), moves.getColumn(1).getInt64(), moves.getColumn(2).getInt64()});
  }
  for (const auto& move : undo) move_holding(seq, move[0], -move[1], -move[2]);
  // Instalments the reversed event recognized fall due again.
  SQLite::Statement unrecognize(database, "UPDATE instalments SET recognized = 0 WHERE recognized = ?");
  unrecognize.bind(1, target);
  unrecognize.exec();
  if (type == "pledge") {
    SQLite::Statement cancel(database, "UPDATE pledges SET reversed = 1 WHERE code = ?");
    cancel.bind(1, reversal.reverses);
    cancel.exec();
  }
  return {true, seq};
}

}  // namespace fundledger
