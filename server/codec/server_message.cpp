#include "codec/server_message.hpp"

#include "codec/client_message.hpp"
#include "codec/views.hpp"

namespace everyvoice::codec {

using nlohmann::json;

Audience audience_for(core::Role role) {
  switch (role) {
    case core::Role::facilitator:
    case core::Role::co_facilitator: return Audience::facilitator;
    case core::Role::observer: return Audience::display;
    case core::Role::participant: return Audience::participant;
  }
  return Audience::participant;
}

namespace {
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }
}  // namespace

std::string encode_welcome(std::string_view id, std::string_view code, const core::MeetingState& state,
                           core::ParticipantId you, const std::optional<std::string>& token, core::Millis now) {
  const auto& p = state.participants.at(you - 1);
  json j{{"type", "welcome"},
         {"id", id},
         {"protocol", protocol_version},
         {"code", code},
         {"you", views::person(p, audience_for(p.role))},
         {"audience", audience_for(p.role) == Audience::facilitator ? "facilitator"
                      : audience_for(p.role) == Audience::display   ? "display"
                                                                    : "participant"},
         {"seq", state.seq},
         {"now", now}};
  if (token) j["token"] = *token;
  return dump(j);
}

std::string encode_snapshot(const core::MeetingState& state, std::string_view code, Audience audience, core::Millis now) {
  json view{{"meeting", views::meeting(state, code)},
            {"people", views::people(state, audience)},
            {"queue", views::queue(state)},
            {"turn", views::turn(state, now)},
            {"round", views::round(state)}};
  if (audience == Audience::facilitator) view["figures"] = views::figures(state, now);
  return dump({{"type", "snapshot"}, {"seq", state.seq}, {"now", now}, {"view", std::move(view)}});
}

std::string encode_update(const core::MeetingState& state, const std::vector<core::Stamped>& events, Audience audience,
                          core::Millis now) {
  json list = json::array();
  for (const auto& e : events) list.push_back(views::event(state, e, audience));
  return dump({{"type", "update"},
               {"seq", state.seq},
               {"now", now},
               {"events", std::move(list)},
               {"meeting", {{"locked", state.locked}, {"policy", core::name_of(state.policy)},
                            {"turn_limit_seconds", state.turn_limit_seconds}}},
               {"queue", views::queue(state)},
               {"turn", views::turn(state, now)},
               {"round", views::round(state)}});
}

std::string encode_figures(const core::MeetingState& state, core::Millis now) {
  return dump({{"type", "figures"}, {"seq", state.seq}, {"now", now}, {"figures", views::figures(state, now)}});
}

std::string encode_ack(std::string_view id, core::Seq seq) { return dump({{"type", "ack"}, {"id", id}, {"seq", seq}}); }

std::string encode_error(std::string_view id, std::string_view code, std::string_view message) {
  return dump({{"type", "error"}, {"id", id.empty() ? json(nullptr) : json(id)}, {"code", code}, {"message", message}});
}

std::string encode_heartbeat(core::Seq seq, core::Millis now) {
  return dump({{"type", "heartbeat"}, {"seq", seq}, {"now", now}});
}

std::string encode_pong(std::string_view id, core::Seq seq, core::Millis now) {
  return dump({{"type", "pong"}, {"id", id}, {"seq", seq}, {"now", now}});
}

}  // namespace everyvoice::codec
