#include "core/decision_record.hpp"

#include "core/rules.hpp"
#include "core/sha256.hpp"
#include "core/text.hpp"

namespace everyvoice::core {
namespace {

void field(std::string& out, std::string_view value) {
  out += std::to_string(value.size());
  out += ':';
  out += value;
  out += '\n';
}

}  // namespace

std::string decision_digest_input(const Decision& d) {
  std::string out;
  field(out, std::to_string(d.id));
  field(out, d.title);
  field(out, d.text);
  field(out, d.method);
  field(out, std::to_string(d.present_count));
  field(out, std::to_string(d.present_names.size()));
  for (const auto& n : d.present_names) field(out, n);
  field(out, d.result);
  field(out, std::to_string(d.dissent.size()));
  for (const auto& x : d.dissent) field(out, x);
  field(out, std::to_string(d.at));
  field(out, d.review_date);
  field(out, std::to_string(d.agenda_item));
  field(out, d.prev_hash);
  return out;
}

std::string decision_hash(const Decision& d) { return sha256_hex(decision_digest_input(d)); }

std::optional<std::size_t> verify_decision_chain(const std::vector<Decision>& record) {
  std::string prev = genesis_hash;
  for (std::size_t i = 0; i < record.size(); ++i) {
    if (record[i].prev_hash != prev || decision_hash(record[i]) != record[i].hash) return i;
    prev = record[i].hash;
  }
  return std::nullopt;
}

namespace rules {

std::vector<const Participant*> present_people(const MeetingState& state) {
  std::vector<const Participant*> out;
  for (const auto& p : state.participants)
    if (is_present(p)) out.push_back(&p);
  return out;
}

Decision make_decision(const Context& ctx, std::string title, std::string text, std::string method, bool anonymous,
                       std::string result, std::vector<std::string> dissent, std::string review_date,
                       const std::set<ParticipantId>& took_part) {
  Decision d;
  d.id = static_cast<std::uint32_t>(ctx.state.decisions.size() + 1);
  d.title = std::move(title);
  d.text = std::move(text);
  d.method = std::move(method);
  for (const Participant& p : ctx.state.participants) {
    if (!is_present(p) && !took_part.contains(p.id)) continue;
    ++d.present_count;
    if (!anonymous) d.present_names.push_back(p.name);
  }
  d.result = std::move(result);
  d.dissent = std::move(dissent);
  d.at = ctx.now;
  d.review_date = std::move(review_date);
  d.agenda_item = ctx.state.current_item;
  d.prev_hash = ctx.state.decisions.empty() ? genesis_hash : ctx.state.decisions.back().hash;
  d.hash = decision_hash(d);
  return d;
}

std::optional<Outcome> check_review_date(std::string_view date) {
  if (date.empty()) return std::nullopt;
  const auto digit = [&](std::size_t i) { return date[i] >= '0' && date[i] <= '9'; };
  bool ok = date.size() == 10 && date[4] == '-' && date[7] == '-';
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) ok = ok && digit(i);
  if (!ok) return Outcome::reject(ErrorCode::invalid_argument, "a review date is written YYYY-MM-DD");
  const int year = (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 + (date[3] - '0');
  const int month = (date[5] - '0') * 10 + (date[6] - '0');
  const int day = (date[8] - '0') * 10 + (date[9] - '0');
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  constexpr int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > days[month - 1] + (month == 2 && leap ? 1 : 0))
    return Outcome::reject(ErrorCode::invalid_argument, "the review date is not a day of the calendar");
  return std::nullopt;
}

std::optional<Outcome> check_text(std::string_view text, std::size_t max_chars, std::string_view what, bool required) {
  if (required && trim(text).empty())
    return Outcome::reject(ErrorCode::text_invalid, std::string(what) + " cannot be empty");
  if (!acceptable_text(text, max_chars))
    return Outcome::reject(ErrorCode::text_invalid, std::string(what) + " must be valid text of at most " +
                                                        std::to_string(max_chars) + " characters");
  return std::nullopt;
}

void apply_event(MeetingState& s, const DecisionRecorded& e, Millis) { s.decisions.push_back(e.decision); }

}  // namespace rules
}  // namespace everyvoice::core
