#include "codec/server_message.hpp"

#include "codec/client_message.hpp"
#include "codec/views.hpp"
#include "core/polls.hpp"

namespace everyvoice::codec {

using nlohmann::json;

namespace {
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }
}  // namespace

std::string encode_welcome(std::string_view id, std::string_view code, const core::MeetingState& state,
                           core::ParticipantId you, const std::optional<std::string>& token, core::Millis now) {
  json j{{"type", "welcome"},
         {"id", id},
         {"protocol", protocol_version},
         {"protocol_minor", protocol_minor},
         {"code", code},
         {"you", views::you(state, you)},
         {"audience", audience_name(audience_for(state.participants.at(you - 1).role))},
         {"seq", state.seq},
         {"now", now}};
  if (token) j["token"] = *token;
  return dump(j);
}

std::string encode_snapshot(const core::MeetingState& state, std::string_view code, Audience audience, core::Millis now) {
  json view{{"people", views::people(state, audience)}, {"people_complete", views::lists_everyone(state, audience)}};
  views::add_sections(view, state, code, audience, now, all_sections, 0);
  if (receives_figures(audience)) view["figures"] = views::figures(state, now, !views::big_meeting(state));
  return dump({{"type", "snapshot"}, {"seq", state.seq}, {"now", now}, {"view", std::move(view)}});
}

bool update_lists(const core::MeetingState& state, const core::Stamped& event, Audience audience) {
  return !is_count_event(event.event) && views::event_shown(state, event, audience);
}

std::string encode_update(const core::MeetingState& state, std::span<const core::Stamped> events, Audience audience,
                          core::Millis now, std::uint32_t sections, std::size_t new_decisions) {
  json list = json::array();
  for (const auto& e : events)
    if (update_lists(state, e, audience)) list.push_back(views::event(state, e, audience));
  json out{{"type", "update"}, {"seq", state.seq}, {"now", now}, {"events", std::move(list)}};
  // The meeting section of an update leaves out the code: it never changes.
  views::add_sections(out, state, "", audience, now, sections & ~section_meeting, state.decisions.size() - new_decisions);
  if (sections & section_meeting) out["meeting"] = views::meeting(state, "", audience);
  return dump(out);
}

std::string encode_poll_results(const core::MeetingState& state, std::uint32_t poll) {
  const auto& p = state.polls.at(poll - 1);
  return dump({{"type", "poll_results"}, {"seq", state.seq}, {"poll", poll}, {"result", views::poll_result(p, core::count_poll(p))}});
}

std::string encode_figures(const core::MeetingState& state, core::Millis now) {
  return dump({{"type", "figures"}, {"seq", state.seq}, {"now", now}, {"figures", views::figures(state, now, !views::big_meeting(state))}});
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
