#include "core/types.hpp"

#include <array>
#include <utility>

namespace everyvoice::core {
namespace {

template <class E, std::size_t N>
using Names = std::array<std::pair<E, std::string_view>, N>;

constexpr Names<Role, 4> role_names{{{Role::facilitator, "facilitator"},
                                     {Role::co_facilitator, "co_facilitator"},
                                     {Role::participant, "participant"},
                                     {Role::observer, "observer"}}};
constexpr Names<Location, 2> location_names{{{Location::in_room, "in_room"}, {Location::remote, "remote"}}};
constexpr Names<Preference, 4> preference_names{{{Preference::none, "none"},
                                                 {Preference::speak, "speak"},
                                                 {Preference::write, "write"},
                                                 {Preference::listen, "listen"}}};
constexpr Names<Presence, 2> presence_names{{{Presence::here, "here"}, {Presence::away, "away"}}};
constexpr Names<HandKind, 4> hand_kind_names{{{HandKind::point_of_process, "point_of_process"},
                                              {HandKind::clarifying_question, "clarifying_question"},
                                              {HandKind::direct_reply, "direct_reply"},
                                              {HandKind::new_point, "new_point"}}};
constexpr Names<QueuePolicy, 3> policy_names{{{QueuePolicy::fifo, "fifo"},
                                              {QueuePolicy::progressive, "progressive"},
                                              {QueuePolicy::hybrid, "hybrid"}}};
constexpr Names<RoundOrder, 3> round_order_names{{{RoundOrder::join_order, "join_order"},
                                                  {RoundOrder::shuffled, "shuffled"},
                                                  {RoundOrder::quietest_first, "quietest_first"}}};

constexpr Names<PollKind, 5> poll_kind_names{{{PollKind::single_choice, "single_choice"},
                                              {PollKind::multiple_choice, "multiple_choice"},
                                              {PollKind::scale, "scale"},
                                              {PollKind::ranked_choice, "ranked_choice"},
                                              {PollKind::open_text, "open_text"}}};
constexpr Names<ResultsShown, 3> results_shown_names{{{ResultsShown::live, "live"},
                                                      {ResultsShown::after_vote, "after_vote"},
                                                      {ResultsShown::at_close, "at_close"}}};
constexpr Names<PollStatus, 4> poll_status_names{{{PollStatus::open, "open"},
                                                  {PollStatus::closed, "closed"},
                                                  {PollStatus::cancelled, "cancelled"},
                                                  {PollStatus::draft, "draft"}}};
constexpr Names<ConsentPhase, 7> consent_phase_names{{{ConsentPhase::clarifying, "clarifying"},
                                                      {ConsentPhase::reactions, "reactions"},
                                                      {ConsentPhase::consent, "consent"},
                                                      {ConsentPhase::adopted, "adopted"},
                                                      {ConsentPhase::not_adopted, "not_adopted"},
                                                      {ConsentPhase::withdrawn, "withdrawn"},
                                                      {ConsentPhase::draft, "draft"}}};
constexpr Names<ConsentAnswer, 4> consent_answer_names{{{ConsentAnswer::consent, "consent"},
                                                        {ConsentAnswer::concern, "concern"},
                                                        {ConsentAnswer::objection, "objection"},
                                                        {ConsentAnswer::stand_aside, "stand_aside"}}};
constexpr Names<ObjectionStatus, 4> objection_status_names{{{ObjectionStatus::open, "open"},
                                                            {ObjectionStatus::withdrawn, "withdrawn"},
                                                            {ObjectionStatus::integrated, "integrated"},
                                                            {ObjectionStatus::closed, "closed"}}};
constexpr Names<PointKind, 2> point_kind_names{{{PointKind::point, "point"}, {PointKind::question, "question"}}};
constexpr Names<PointStatus, 5> point_status_names{{{PointStatus::open, "open"},
                                                    {PointStatus::taken_up, "taken_up"},
                                                    {PointStatus::answered, "answered"},
                                                    {PointStatus::hidden, "hidden"},
                                                    {PointStatus::pending, "pending"}}};
constexpr Names<SignalKind, 6> signal_kind_names{{{SignalKind::slow_down, "slow_down"},
                                                  {SignalKind::lost, "lost"},
                                                  {SignalKind::cant_hear, "cant_hear"},
                                                  {SignalKind::off_topic, "off_topic"},
                                                  {SignalKind::need_break, "need_break"},
                                                  {SignalKind::not_heard, "not_heard"}}};
constexpr Names<AgreementStatus, 3> agreement_status_names{{{AgreementStatus::proposed, "proposed"},
                                                            {AgreementStatus::adopted, "adopted"},
                                                            {AgreementStatus::removed, "removed"}}};

template <class E, std::size_t N>
std::string_view find_name(const Names<E, N>& names, E value) {
  for (const auto& [e, n] : names)
    if (e == value) return n;
  return "unknown";
}

template <class E, std::size_t N>
std::optional<E> find_value(const Names<E, N>& names, std::string_view name) {
  for (const auto& [e, n] : names)
    if (n == name) return e;
  return std::nullopt;
}

}  // namespace

std::string_view name_of(Role v) { return find_name(role_names, v); }
std::string_view name_of(Location v) { return find_name(location_names, v); }
std::string_view name_of(Preference v) { return find_name(preference_names, v); }
std::string_view name_of(Presence v) { return find_name(presence_names, v); }
std::string_view name_of(HandKind v) { return find_name(hand_kind_names, v); }
std::string_view name_of(QueuePolicy v) { return find_name(policy_names, v); }
std::string_view name_of(RoundOrder v) { return find_name(round_order_names, v); }

std::string_view name_of(PollKind v) { return find_name(poll_kind_names, v); }
std::string_view name_of(ResultsShown v) { return find_name(results_shown_names, v); }
std::string_view name_of(PollStatus v) { return find_name(poll_status_names, v); }
std::string_view name_of(ConsentPhase v) { return find_name(consent_phase_names, v); }
std::string_view name_of(ConsentAnswer v) { return find_name(consent_answer_names, v); }
std::string_view name_of(ObjectionStatus v) { return find_name(objection_status_names, v); }
std::string_view name_of(PointKind v) { return find_name(point_kind_names, v); }
std::string_view name_of(PointStatus v) { return find_name(point_status_names, v); }
std::string_view name_of(SignalKind v) { return find_name(signal_kind_names, v); }
std::string_view name_of(AgreementStatus v) { return find_name(agreement_status_names, v); }

std::optional<Role> parse_role(std::string_view s) { return find_value(role_names, s); }
std::optional<Location> parse_location(std::string_view s) { return find_value(location_names, s); }
std::optional<Preference> parse_preference(std::string_view s) { return find_value(preference_names, s); }
std::optional<Presence> parse_presence(std::string_view s) { return find_value(presence_names, s); }
std::optional<HandKind> parse_hand_kind(std::string_view s) { return find_value(hand_kind_names, s); }
std::optional<QueuePolicy> parse_queue_policy(std::string_view s) { return find_value(policy_names, s); }
std::optional<RoundOrder> parse_round_order(std::string_view s) { return find_value(round_order_names, s); }

std::optional<PollKind> parse_poll_kind(std::string_view s) { return find_value(poll_kind_names, s); }
std::optional<ResultsShown> parse_results_shown(std::string_view s) { return find_value(results_shown_names, s); }
std::optional<ConsentPhase> parse_consent_phase(std::string_view s) { return find_value(consent_phase_names, s); }
std::optional<ConsentAnswer> parse_consent_answer(std::string_view s) { return find_value(consent_answer_names, s); }
std::optional<PointKind> parse_point_kind(std::string_view s) { return find_value(point_kind_names, s); }
std::optional<SignalKind> parse_signal_kind(std::string_view s) { return find_value(signal_kind_names, s); }

}  // namespace everyvoice::core
