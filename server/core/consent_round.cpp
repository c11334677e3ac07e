// Consent rounds: proposals, answers, objections, amendments and endings.
#include "core/consent_round.hpp"

#include "core/go_round.hpp"
#include "core/record_words.hpp"
#include "core/rules.hpp"
#include "core/text.hpp"

namespace everyvoice::core {

std::vector<const Objection*> open_objections(const MeetingState& s, std::uint32_t proposal) {
  std::vector<const Objection*> out;
  for (const auto& o : s.objections)
    if (o.proposal == proposal && o.status == ObjectionStatus::open) out.push_back(&o);
  return out;
}

namespace rules {
namespace {

// The go-round of the reactions phase is about the proposal: "Reactions: <title>", cut (at a
// character) to the length any round topic may have.
std::string reactions_topic(std::string_view language, std::string_view title) {
  std::string topic = record_words(language, "topic.reactions");
  std::size_t chars = utf8_length(topic).value_or(topic.size());
  for (std::size_t i = 0; i < title.size();) {
    const auto c = static_cast<unsigned char>(title[i]);
    const std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (chars == max_topic_chars) break;
    topic.append(title.substr(i, len));
    ++chars;
    i += len;
  }
  return topic;
}

const Proposal* find_proposal(const MeetingState& s, std::uint32_t id) {
  return id >= 1 && id <= s.proposals.size() ? &s.proposals[id - 1] : nullptr;
}

// Finds an active proposal or says why not.
std::optional<Outcome> check_active(const Context& ctx, std::uint32_t id, const Proposal*& out) {
  out = find_proposal(ctx.state, id);
  if (!out) return Outcome::reject(ErrorCode::not_found, "there is no proposal " + std::to_string(id) + " in this meeting");
  if (out->phase == ConsentPhase::draft)
    return Outcome::reject(ErrorCode::closed, "this proposal is a draft: present it first (present_draft_proposal)");
  if (!out->active()) return Outcome::reject(ErrorCode::closed, "this proposal has ended");
  return std::nullopt;
}

std::string name_or_someone(const MeetingState& s, ParticipantId id) {
  const Participant* p = s.find(id);
  return p ? p->name : record_words(s.language, "someone");
}

// Concerns, stand-asides and open objections, for the record.
std::vector<std::string> dissent_of(const MeetingState& s, const Proposal& p) {
  std::vector<std::string> out;
  for (const auto& [who, record] : p.answers) {
    if (record.answer == ConsentAnswer::concern)
      out.push_back(record_words(s.language, "dissent.concern", {{"name", name_or_someone(s, who)}, {"text", record.text}}));
    if (record.answer == ConsentAnswer::stand_aside)
      out.push_back(record_words(s.language, "dissent.stood_aside", {{"name", name_or_someone(s, who)}}));
  }
  for (const Objection* o : open_objections(s, p.id))
    out.push_back(record_words(s.language, "dissent.objection", {{"name", name_or_someone(s, o->author)}, {"text", o->reason}}));
  return out;
}

// Who answered the version decided on: they took part, even if away now.
std::set<ParticipantId> answered(const Proposal& p) {
  std::set<ParticipantId> out;
  for (const auto& [who, record] : p.answers) out.insert(who);
  return out;
}

std::string answers_summary(const MeetingState& s, const Proposal& p) {
  std::array<int, 4> n{};
  for (const auto& [who, record] : p.answers) ++n[static_cast<std::size_t>(record.answer)];
  return record_words(s.language, "summary", {{"consent", std::to_string(n[0])}, {"concern", std::to_string(n[1])},
                                              {"objection", std::to_string(n[2])}, {"stand_aside", std::to_string(n[3])}});
}

std::string consent_method(const MeetingState& s, const Proposal& p) {
  return record_words(s.language, "method.consent_round", {{"version", std::to_string(p.version())}});
}

}  // namespace

Outcome decide_command(const Context& ctx, const PresentProposal& c) {
  if (!ctx.actor_runs_queue()) return not_allowed("present a proposal");
  if (auto bad = check_text(c.title, max_title_chars, "The title", true)) return *bad;
  if (auto bad = check_text(c.text, max_proposal_chars, "The proposal", true)) return *bad;
  if (c.agreement_item != 0) {
    if (c.agreement_item > ctx.state.agreement.size())
      return Outcome::reject(ErrorCode::not_found, "there is no agreement item " + std::to_string(c.agreement_item));
    const auto status = ctx.state.agreement[c.agreement_item - 1].status;
    if (c.removes_item ? status != AgreementStatus::adopted : status != AgreementStatus::proposed)
      return Outcome::reject(ErrorCode::invalid_argument, c.removes_item ? "only an adopted item can be removed"
                                                                         : "only a proposed item can be adopted");
  } else if (c.removes_item) {
    return Outcome::reject(ErrorCode::invalid_argument, "removes_item needs an agreement_item");
  }
  const auto id = static_cast<std::uint32_t>(ctx.state.proposals.size() + 1);
  if (c.draft)
    return Outcome::of({ProposalDrafted{id, std::string(trim(c.title)), std::string(trim(c.text)), c.agreement_item, c.removes_item}});
  return Outcome::of({ProposalPresented{id, std::string(trim(c.title)), std::string(trim(c.text)), c.agreement_item, c.removes_item}});
}

// A draft is presented as it was prepared; the agreement item it names must still be in the state
// the proposal needs (it may have been adopted or removed meanwhile).
Outcome decide_command(const Context& ctx, const PresentDraftProposal& c) {
  if (!ctx.actor_runs_queue()) return not_allowed("present a proposal");
  const Proposal* p = find_proposal(ctx.state, c.proposal);
  if (!p) return Outcome::reject(ErrorCode::not_found, "there is no proposal " + std::to_string(c.proposal) + " in this meeting");
  if (p->phase != ConsentPhase::draft) return Outcome::reject(ErrorCode::closed, "this proposal is not a draft waiting to be presented");
  if (p->agreement_item != 0) {
    const auto status = ctx.state.agreement[p->agreement_item - 1].status;
    if (p->removes_item ? status != AgreementStatus::adopted : status != AgreementStatus::proposed)
      return Outcome::reject(ErrorCode::invalid_argument, p->removes_item ? "the agreement item it would remove is no longer adopted"
                                                                          : "the agreement item it would adopt is no longer proposed");
  }
  return Outcome::of({DraftProposalPresented{c.proposal}});
}

Outcome decide_command(const Context& ctx, const SetConsentPhase& c) {
  if (!ctx.actor_runs_queue()) return not_allowed("move a proposal to another phase");
  const Proposal* p = nullptr;
  if (auto bad = check_active(ctx, c.proposal, p)) return *bad;
  if (c.phase != ConsentPhase::clarifying && c.phase != ConsentPhase::reactions && c.phase != ConsentPhase::consent)
    return Outcome::reject(ErrorCode::invalid_argument,
                           "a phase is clarifying, reactions or consent; adopt or close the proposal to end it");
  if (p->phase == c.phase) return Outcome::of({});
  std::vector<Event> events{ConsentPhaseChanged{c.proposal, c.phase}};
  // The reaction round is a go-round over everyone present.
  if (c.phase == ConsentPhase::reactions && !ctx.state.active_round()) {
    auto order = round_order(ctx.state, RoundOrder::join_order, 0);
    if (!order.empty()) {
      auto ended = end_current_turn(ctx);
      events.insert(events.begin(), ended.begin(), ended.end());
      events.push_back(RoundStarted{static_cast<std::uint32_t>(ctx.state.rounds.size() + 1), reactions_topic(ctx.state.language, p->title),
                                    RoundOrder::join_order, 0, std::move(order)});
    }
  }
  return Outcome::of(std::move(events));
}

Outcome decide_command(const Context& ctx, const AnswerConsent& c) {
  const Proposal* p = nullptr;
  if (auto bad = check_active(ctx, c.proposal, p)) return *bad;
  if (p->phase != ConsentPhase::consent)
    return Outcome::reject(ErrorCode::wrong_phase, "answers are given in the consent phase");
  const Participant* who = ctx.state.find_active(c.who);
  if (!who) return unknown(c.who);
  if (!ctx.acts_for(c.who)) return not_allowed("answer for someone else");
  if (who->role == Role::observer) return Outcome::reject(ErrorCode::not_allowed, "the room display does not answer");
  const bool needs_text = c.answer == ConsentAnswer::concern || c.answer == ConsentAnswer::objection;
  if (needs_text) {
    if (auto bad = check_text(c.text, max_comment_chars,
                              c.answer == ConsentAnswer::objection ? "An objection's reason" : "A concern", true))
      return *bad;
  } else if (!c.text.empty()) {
    if (auto bad = check_text(c.text, max_comment_chars, "A comment", false)) return *bad;
  }
  std::vector<Event> events;
  // A new answer replaces this person's open objection, if any.
  for (const Objection* o : open_objections(ctx.state, c.proposal))
    if (o->author == c.who) events.push_back(ObjectionWithdrawn{o->id});
  const std::uint32_t objection =
      c.answer == ConsentAnswer::objection ? static_cast<std::uint32_t>(ctx.state.objections.size() + 1) : 0;
  events.push_back(ConsentAnswered{c.proposal, p->version(), c.who, c.answer, std::string(trim(c.text)), objection});
  return Outcome::of(std::move(events));
}

Outcome decide_command(const Context& ctx, const WithdrawObjection& c) {
  if (c.objection < 1 || c.objection > ctx.state.objections.size())
    return Outcome::reject(ErrorCode::not_found, "there is no objection " + std::to_string(c.objection));
  const Objection& o = ctx.state.objections[c.objection - 1];
  if (!ctx.acts_for(o.author)) return not_allowed("withdraw someone else's objection");
  if (o.status != ObjectionStatus::open) return Outcome::reject(ErrorCode::closed, "this objection is not open");
  return Outcome::of({ObjectionWithdrawn{c.objection}});
}

Outcome decide_command(const Context& ctx, const AmendProposal& c) {
  if (!ctx.actor_runs_queue()) return not_allowed("amend a proposal");
  const Proposal* p = nullptr;
  if (auto bad = check_active(ctx, c.proposal, p)) return *bad;
  if (auto bad = check_text(c.text, max_proposal_chars, "The proposal", true)) return *bad;
  if (c.title)
    if (auto bad = check_text(*c.title, max_title_chars, "The title", true)) return *bad;
  // A new title is a new version too (an objection may be to the title alone).
  const bool retitled = c.title && trim(*c.title) != p->title;
  if (trim(c.text) == p->versions.back() && !retitled)
    return Outcome::reject(ErrorCode::invalid_argument,
                           "the amended text and title are the same as the current version");
  std::vector<Event> events{ProposalAmended{c.proposal, p->version() + 1, std::string(trim(c.text))}};
  if (retitled) events.push_back(ProposalRetitled{c.proposal, std::string(trim(*c.title))});
  return Outcome::of(std::move(events));
}

Outcome decide_command(const Context& ctx, const AdoptProposal& c) {
  if (!ctx.actor_runs_queue()) return not_allowed("adopt a proposal");
  const Proposal* p = nullptr;
  if (auto bad = check_active(ctx, c.proposal, p)) return *bad;
  if (p->phase != ConsentPhase::consent)
    return Outcome::reject(ErrorCode::wrong_phase, "ask for consent before adopting");
  if (const auto open = open_objections(ctx.state, c.proposal); !open.empty())
    return Outcome::reject(ErrorCode::objection_open,
                           std::to_string(open.size()) + (open.size() == 1 ? " objection is" : " objections are") +
                               " open: amend the proposal to integrate it, or its author withdraws it");
  if (auto bad = check_review_date(c.review_date)) return *bad;
  std::vector<Event> events{ProposalEnded{c.proposal, ConsentPhase::adopted, ""}};
  // The record names the version adopted: its title (p->title is titles.back()) and its text.
  events.push_back(DecisionRecorded{make_decision(ctx, p->title, p->versions.back(),
                                                  consent_method(ctx.state, *p), false,
                                                  record_words(ctx.state.language, "result.adopted",
                                                               {{"summary", answers_summary(ctx.state, *p)}}),
                                                  dissent_of(ctx.state, *p),
                                                  c.review_date, answered(*p))});
  if (p->agreement_item != 0) {
    const auto& item = ctx.state.agreement[p->agreement_item - 1];
    events.push_back(AgreementItemChanged{p->agreement_item,
                                          p->removes_item ? AgreementStatus::removed : AgreementStatus::adopted,
                                          item.version + 1});
  }
  return Outcome::of(std::move(events));
}

Outcome decide_command(const Context& ctx, const CloseProposal& c) {
  if (!ctx.actor_runs_queue()) return not_allowed("close a proposal");
  // A draft is deleted: it was never put to anyone, so nothing enters the decision record.
  if (const Proposal* draft = find_proposal(ctx.state, c.proposal); draft && draft->phase == ConsentPhase::draft)
    return Outcome::of({ProposalEnded{c.proposal, ConsentPhase::withdrawn, ""}});
  const Proposal* p = nullptr;
  if (auto bad = check_active(ctx, c.proposal, p)) return *bad;
  if (auto bad = check_text(c.reason, max_reason_chars, "The reason", false)) return *bad;
  const ConsentPhase outcome = c.withdrawn ? ConsentPhase::withdrawn : ConsentPhase::not_adopted;
  const std::string_view language = ctx.state.language;
  std::string result = c.withdrawn ? record_words(language, "result.withdrawn")
                                   : record_words(language, "result.not_adopted", {{"summary", answers_summary(ctx.state, *p)}});
  if (!trim(c.reason).empty())
    result = record_words(language, "result.with_reason", {{"result", result}, {"reason", std::string(trim(c.reason))}});
  return Outcome::of({ProposalEnded{c.proposal, outcome, std::string(trim(c.reason))},
                      DecisionRecorded{make_decision(ctx, p->title, p->versions.back(),
                                                     consent_method(ctx.state, *p),
                                                     false, std::move(result), dissent_of(ctx.state, *p), "",
                                                     answered(*p))}});
}

// A proposal as presented or prepared: both events carry the same fields.
template <class E>
Proposal proposal_of(const E& e) {
  Proposal p;
  p.id = e.proposal;
  p.title = e.title;
  p.versions.push_back(e.text);
  p.titles.push_back(e.title);
  p.agreement_item = e.agreement_item;
  p.removes_item = e.removes_item;
  return p;
}

void apply_event(MeetingState& s, const ProposalPresented& e, Millis) {
  Proposal p = proposal_of(e);
  p.agenda_item = s.current_item;
  s.proposals.push_back(std::move(p));
}

void apply_event(MeetingState& s, const ProposalDrafted& e, Millis) {
  Proposal p = proposal_of(e);
  p.phase = ConsentPhase::draft;
  p.presented = false;
  s.proposals.push_back(std::move(p));
}

// As ProposalPresented, for a proposal that was prepared: its agenda item is the one current now.
void apply_event(MeetingState& s, const DraftProposalPresented& e, Millis) {
  Proposal& p = s.proposals[e.proposal - 1];
  p.phase = ConsentPhase::clarifying;
  p.presented = true;
  p.agenda_item = s.current_item;
}

void apply_event(MeetingState& s, const ConsentPhaseChanged& e, Millis) { s.proposals[e.proposal - 1].phase = e.phase; }

void apply_event(MeetingState& s, const ConsentAnswered& e, Millis) {
  s.proposals[e.proposal - 1].answers[e.who] = ConsentRecord{e.answer, e.text};
  if (e.objection != 0)
    s.objections.push_back(Objection{e.objection, e.proposal, e.version, e.who, e.text, ObjectionStatus::open});
}

void apply_event(MeetingState& s, const ObjectionWithdrawn& e, Millis) {
  auto& o = s.objections[e.objection - 1];
  o.status = ObjectionStatus::withdrawn;
  auto& answers = s.proposals[o.proposal - 1].answers;
  if (auto it = answers.find(o.author); it != answers.end() && it->second.answer == ConsentAnswer::objection)
    answers.erase(it);  // they answer again
}

void apply_event(MeetingState& s, const ProposalAmended& e, Millis) {
  auto& p = s.proposals[e.proposal - 1];
  p.versions.push_back(e.text);
  p.titles.push_back(p.title);  // the same title unless a ProposalRetitled follows
  p.answers.clear();
  p.phase = ConsentPhase::consent;
  for (auto& o : s.objections)
    if (o.proposal == e.proposal && o.status == ObjectionStatus::open) o.status = ObjectionStatus::integrated;
}

// The version just made by ProposalAmended has a new title.
void apply_event(MeetingState& s, const ProposalRetitled& e, Millis) {
  auto& p = s.proposals[e.proposal - 1];
  p.title = e.title;
  p.titles.back() = e.title;
}

// An objection cannot outlive its proposal: one still open when the proposal ends (closed or
// withdrawn unadopted; adoption needs none open) is closed with it. It was not resolved, so it is
// neither withdrawn nor integrated; the decision this ending records lists it as dissent.
void apply_event(MeetingState& s, const ProposalEnded& e, Millis) {
  auto& p = s.proposals[e.proposal - 1];
  p.phase = e.outcome;
  p.end_reason = e.reason;
  for (auto& o : s.objections)
    if (o.proposal == e.proposal && o.status == ObjectionStatus::open) o.status = ObjectionStatus::closed;
}

}  // namespace rules
}  // namespace everyvoice::core
