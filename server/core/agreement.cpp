// The working together agreement: items proposed by anyone (named or anonymous), adopted or
// removed by a consent round (consent_round.cpp) or a quick consent check, flagged anonymously.
#include "core/record_words.hpp"
#include "core/rules.hpp"
#include "core/text.hpp"

namespace everyvoice::core::rules {
namespace {

const AgreementItem* find_item(const MeetingState& s, std::uint32_t id) {
  return id >= 1 && id <= s.agreement.size() ? &s.agreement[id - 1] : nullptr;
}

Outcome no_item(std::uint32_t id) {
  return Outcome::reject(ErrorCode::not_found, "there is no agreement item " + std::to_string(id));
}

}  // namespace

Outcome decide_command(const Context& ctx, const ProposeAgreementItem& c) {
  const Participant* p = ctx.actor_participant();
  if (!p || p->role == Role::observer) return not_allowed("propose an agreement item");
  if (auto bad = check_text(c.text, max_agreement_chars, "An agreement item", true)) return *bad;
  return Outcome::of({AgreementItemProposed{static_cast<std::uint32_t>(ctx.state.agreement.size() + 1),
                                            std::string(trim(c.text)), c.anonymous ? 0 : ctx.actor}});
}

Outcome decide_command(const Context& ctx, const QuickConsentCheck& c) {
  if (!ctx.actor_runs_queue()) return not_allowed("record a consent check");
  const AgreementItem* item = find_item(ctx.state, c.item);
  if (!item) return no_item(c.item);
  if (c.adopt ? item->status != AgreementStatus::proposed : item->status != AgreementStatus::adopted)
    return Outcome::reject(ErrorCode::invalid_argument,
                           c.adopt ? "only a proposed item can be adopted" : "only an adopted item can be removed");
  const auto status = c.adopt ? AgreementStatus::adopted : AgreementStatus::removed;
  const std::string_view language = ctx.state.language;
  return Outcome::of({AgreementItemChanged{c.item, status, item->version + 1},
                      DecisionRecorded{make_decision(ctx, record_words(language, c.adopt ? "agreement.adopted_title" : "agreement.removed_title"),
                                                     item->text, record_words(language, "method.quick_check"), false,
                                                     record_words(language, c.adopt ? "agreement.adopted" : "agreement.removed"),
                                                     {}, "")}});
}

Outcome decide_command(const Context& ctx, const FlagAgreementItem& c) {
  const Participant* p = ctx.actor_participant();
  if (!p || p->role == Role::observer) return not_allowed("flag an agreement item");
  const AgreementItem* item = find_item(ctx.state, c.item);
  if (!item) return no_item(c.item);
  if (item->status != AgreementStatus::adopted)
    return Outcome::reject(ErrorCode::invalid_argument, "only adopted items can be flagged");
  return Outcome::of({AgreementFlagged{c.item}});
}

void apply_event(MeetingState& s, const AgreementItemProposed& e, Millis) {
  s.agreement.push_back(AgreementItem{e.item, e.text, e.author, AgreementStatus::proposed, 1, 0});
}

void apply_event(MeetingState& s, const AgreementItemChanged& e, Millis) {
  auto& item = s.agreement[e.item - 1];
  item.status = e.status;
  item.version = e.version;
}

void apply_event(MeetingState& s, const AgreementFlagged& e, Millis) { ++s.agreement[e.item - 1].flags; }

// The group's agreement, carried into a new meeting of the group: adopted items with no author.
void apply_event(MeetingState& s, const MemberAttended& e, Millis) { s.participants[e.participant - 1].member = e.member; }

void apply_event(MeetingState& s, const RolesAssigned& e, Millis) { s.roles = e.roles; }

void apply_event(MeetingState& s, const GroupAgreementCarried& e, Millis) {
  s.group = e.link;
  for (const auto& text : e.texts) {
    AgreementItem item;
    item.id = static_cast<std::uint32_t>(s.agreement.size() + 1);
    item.text = text;
    item.status = AgreementStatus::adopted;
    item.version = 2;  // proposed and adopted, in an earlier meeting
    s.agreement.push_back(std::move(item));
  }
}

}  // namespace everyvoice::core::rules
