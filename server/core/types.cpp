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

std::optional<Role> parse_role(std::string_view s) { return find_value(role_names, s); }
std::optional<Location> parse_location(std::string_view s) { return find_value(location_names, s); }
std::optional<Preference> parse_preference(std::string_view s) { return find_value(preference_names, s); }
std::optional<Presence> parse_presence(std::string_view s) { return find_value(presence_names, s); }
std::optional<HandKind> parse_hand_kind(std::string_view s) { return find_value(hand_kind_names, s); }
std::optional<QueuePolicy> parse_queue_policy(std::string_view s) { return find_value(policy_names, s); }
std::optional<RoundOrder> parse_round_order(std::string_view s) { return find_value(round_order_names, s); }

}  // namespace everyvoice::core
