#include "codec/client_message.hpp"

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/text.hpp"

namespace everyvoice::codec {
namespace {

using nlohmann::json;
using namespace everyvoice::core;

constexpr int max_depth = 4;

struct Failure {
  DecodeError error;
};

[[noreturn]] void fail(std::string code, std::string message) { throw Failure{{std::move(code), std::move(message)}}; }

// Nesting depth of JSON text, counted without parsing (strings skipped), to refuse deep input
// before building it.
int nesting_depth(std::string_view text) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

// The fields of one message: typed getters that remember which keys were read, so that any key
// left over is reported as unknown.
class Fields {
 public:
  explicit Fields(const json& object) : object_(object) {}

  const json* find(const char* key) {
    seen_.insert(key);
    auto it = object_.find(key);
    return it == object_.end() || it->is_null() ? nullptr : &*it;
  }

  std::optional<std::string> text(const char* key, std::size_t max_chars, bool required) {
    const json* v = find(key);
    if (!v) {
      if (required) fail("missing_field", std::string("\"") + key + "\" is required");
      return std::nullopt;
    }
    if (!v->is_string()) fail("wrong_type", std::string("\"") + key + "\" must be a string");
    const auto& s = v->get_ref<const std::string&>();
    const auto length = utf8_length(s);
    if (!length) fail("bad_value", std::string("\"") + key + "\" is not valid UTF-8");
    if (*length > max_chars)
      fail("too_long", std::string("\"") + key + "\" is longer than " + std::to_string(max_chars) + " characters");
    return s;
  }
  std::string required_text(const char* key, std::size_t max_chars) { return *text(key, max_chars, true); }

  std::optional<std::uint64_t> unsigned_number(const char* key, std::uint64_t max, bool required) {
    const json* v = find(key);
    if (!v) {
      if (required) fail("missing_field", std::string("\"") + key + "\" is required");
      return std::nullopt;
    }
    if (!v->is_number_unsigned() && !(v->is_number_integer() && v->get<std::int64_t>() >= 0))
      fail("wrong_type", std::string("\"") + key + "\" must be a whole number of at least 0");
    const auto n = v->get<std::uint64_t>();
    if (n > max) fail("bad_value", std::string("\"") + key + "\" must be at most " + std::to_string(max));
    return n;
  }

  std::optional<std::int64_t> integer(const char* key, std::int64_t min, std::int64_t max, bool required) {
    const json* v = find(key);
    if (!v) {
      if (required) fail("missing_field", std::string("\"") + key + "\" is required");
      return std::nullopt;
    }
    if (!v->is_number_integer()) fail("wrong_type", std::string("\"") + key + "\" must be a whole number");
    const auto n = v->get<std::int64_t>();
    if (n < min || n > max)
      fail("bad_value", std::string("\"") + key + "\" must be from " + std::to_string(min) + " to " + std::to_string(max));
    return n;
  }

  std::vector<std::string> text_list(const char* key, std::size_t max_items, std::size_t max_chars) {
    const json* v = find(key);
    if (!v) return {};
    if (!v->is_array()) fail("wrong_type", std::string("\"") + key + "\" must be an array of strings");
    if (v->size() > max_items)
      fail("too_long", std::string("\"") + key + "\" has more than " + std::to_string(max_items) + " items");
    std::vector<std::string> out;
    for (const auto& item : *v) {
      if (!item.is_string()) fail("wrong_type", std::string("\"") + key + "\" must be an array of strings");
      const auto& text = item.get_ref<const std::string&>();
      const auto length = utf8_length(text);
      if (!length) fail("bad_value", std::string("\"") + key + "\" holds text that is not valid UTF-8");
      if (*length > max_chars)
        fail("too_long", std::string("an item of \"") + key + "\" is longer than " + std::to_string(max_chars) + " characters");
      out.push_back(text);
    }
    return out;
  }

  std::vector<std::uint32_t> number_list(const char* key, std::size_t max_items) {
    const json* v = find(key);
    if (!v) return {};
    if (!v->is_array()) fail("wrong_type", std::string("\"") + key + "\" must be an array of whole numbers");
    if (v->size() > max_items)
      fail("too_long", std::string("\"") + key + "\" has more than " + std::to_string(max_items) + " items");
    std::vector<std::uint32_t> out;
    for (const auto& item : *v) {
      if (!item.is_number_unsigned() && !(item.is_number_integer() && item.get<std::int64_t>() >= 0))
        fail("wrong_type", std::string("\"") + key + "\" must be an array of whole numbers of at least 0");
      const auto n = item.get<std::uint64_t>();
      if (n > 1000) fail("bad_value", std::string("\"") + key + "\" holds a number above 1000");
      out.push_back(static_cast<std::uint32_t>(n));
    }
    return out;
  }

  std::uint32_t id_number(const char* key) {
    const auto n = *unsigned_number(key, 0xFFFFFFFFu, true);
    if (n == 0) fail("bad_value", std::string("\"") + key + "\" must be 1 or more");
    return static_cast<std::uint32_t>(n);
  }

  std::optional<bool> boolean(const char* key, bool required) {
    const json* v = find(key);
    if (!v) {
      if (required) fail("missing_field", std::string("\"") + key + "\" is required");
      return std::nullopt;
    }
    if (!v->is_boolean()) fail("wrong_type", std::string("\"") + key + "\" must be true or false");
    return v->get<bool>();
  }

  template <class E>
  std::optional<E> choice(const char* key, std::optional<E> (*parse)(std::string_view), bool required) {
    auto s = text(key, 32, required);
    if (!s) return std::nullopt;
    auto value = parse(*s);
    if (!value) fail("bad_value", std::string("\"") + key + "\" has no value \"" + *s + "\"");
    return value;
  }

  ParticipantId participant(const char* key, bool required, ParticipantId otherwise) {
    auto n = unsigned_number(key, 0xFFFFFFFFu, required);
    if (n && *n == 0) fail("bad_value", std::string("\"") + key + "\" must be a participant id (1 or more)");
    return n ? static_cast<ParticipantId>(*n) : otherwise;
  }

  void reject_unknown() const {
    for (const auto& [key, value] : object_.items()) {
      if (!seen_.contains(key)) fail("unknown_field", "unknown field \"" + key + "\"");
    }
  }

 private:
  const json& object_;
  std::set<std::string, std::less<>> seen_{"type", "id"};
};

using Builder = std::function<ClientMessage(Fields&, ParticipantId self)>;

const std::vector<std::pair<std::string_view, Builder>>& builders() {
  static const std::vector<std::pair<std::string_view, Builder>> table{
      {"join",
       [](Fields& f, ParticipantId) -> ClientMessage {
         JoinRequest j;
         j.code = f.required_text("code", max_code_chars);
         j.name = f.required_text("name", max_name_chars * 4);  // the core counts characters after trimming
         j.role = f.choice<Role>("role", parse_role, false).value_or(Role::participant);
         if (j.role != Role::participant && j.role != Role::observer)
           fail("bad_value", "\"role\" must be \"participant\" or \"observer\"; facilitators join with a facilitator_key");
         j.location = f.choice<Location>("location", parse_location, false).value_or(Location::remote);
         j.preference = f.choice<Preference>("preference", parse_preference, false).value_or(Preference::none);
         j.facilitator_key = f.text("facilitator_key", max_secret_chars, false);
         j.member_keys = f.text_list("member_keys", max_member_keys, max_secret_chars);
         j.snapshot = f.boolean("snapshot", false).value_or(true);
         return j;
       }},
      {"resume",
       [](Fields& f, ParticipantId) -> ClientMessage {
         ResumeRequest r;
         r.code = f.required_text("code", max_code_chars);
         r.token = f.required_text("token", max_secret_chars);
         r.last_seq = *f.unsigned_number("last_seq", std::uint64_t{1} << 53, true);
         return r;
       }},
      {"ping", [](Fields&, ParticipantId) -> ClientMessage { return Ping{}; }},
      {"add_proxy",
       [](Fields& f, ParticipantId) -> ClientMessage {
         return Command{AddProxy{f.required_text("name", max_name_chars * 4),
                                 f.choice<Location>("location", parse_location, false).value_or(Location::in_room)}};
       }},
      {"update_profile",
       [](Fields& f, ParticipantId self) -> ClientMessage {
         const auto who = f.participant("for", false, self);
         const auto location = *f.choice<Location>("location", parse_location, true);
         const auto preference = *f.choice<Preference>("preference", parse_preference, true);
         return Command{UpdateProfile{who, location, preference}};
       }},
      {"set_presence",
       [](Fields& f, ParticipantId self) -> ClientMessage {
         const auto who = f.participant("for", false, self);
         return Command{SetPresence{who, *f.choice<Presence>("presence", parse_presence, true)}};
       }},
      {"set_role",
       [](Fields& f, ParticipantId) -> ClientMessage {
         const auto who = f.participant("participant", true, 0);
         return Command{SetRole{who, *f.choice<Role>("role", parse_role, true)}};
       }},
      {"hand_over",
       [](Fields& f, ParticipantId) -> ClientMessage {
         return Command{HandOverFacilitation{f.participant("participant", true, 0)}};
       }},
      {"remove_participant",
       [](Fields& f, ParticipantId) -> ClientMessage {
         return Command{RemoveParticipant{f.participant("participant", true, 0)}};
       }},
      {"end_meeting", [](Fields&, ParticipantId) -> ClientMessage { return Command{EndMeeting{}}; }},
      {"set_locked",
       [](Fields& f, ParticipantId) -> ClientMessage { return Command{SetLocked{*f.boolean("locked", true)}}; }},
      {"raise_hand",
       [](Fields& f, ParticipantId self) -> ClientMessage {
         const auto who = f.participant("for", false, self);
         return Command{RaiseHand{who, f.choice<HandKind>("kind", parse_hand_kind, false).value_or(HandKind::new_point)}};
       }},
      {"lower_hand",
       [](Fields& f, ParticipantId self) -> ClientMessage { return Command{LowerHand{f.participant("for", false, self)}}; }},
      {"call_next", [](Fields&, ParticipantId) -> ClientMessage { return Command{CallNext{}}; }},
      {"call_speaker",
       [](Fields& f, ParticipantId) -> ClientMessage {
         const auto who = f.participant("participant", true, 0);
         return Command{CallSpeaker{who, f.text("reason", max_reason_chars, false).value_or("")}};
       }},
      {"move_entry",
       [](Fields& f, ParticipantId) -> ClientMessage {
         const auto who = f.participant("participant", true, 0);
         const auto position = static_cast<std::uint32_t>(*f.unsigned_number("position", 100000, true));
         return Command{MoveEntry{who, position, f.required_text("reason", max_reason_chars)}};
       }},
      {"remove_entry",
       [](Fields& f, ParticipantId) -> ClientMessage {
         const auto who = f.participant("participant", true, 0);
         return Command{RemoveEntry{who, f.required_text("reason", max_reason_chars)}};
       }},
      {"end_turn", [](Fields&, ParticipantId) -> ClientMessage { return Command{EndTurn{}}; }},
      {"set_policy",
       [](Fields& f, ParticipantId) -> ClientMessage {
         return Command{SetPolicy{*f.choice<QueuePolicy>("policy", parse_queue_policy, true)}};
       }},
      {"set_turn_limit",
       [](Fields& f, ParticipantId) -> ClientMessage {
         return Command{SetTurnLimit{static_cast<std::uint32_t>(*f.unsigned_number("seconds", 3600, true))}};
       }},
      {"start_round",
       [](Fields& f, ParticipantId) -> ClientMessage {
         StartRound r;
         r.topic = f.text("topic", max_topic_chars, false).value_or("");
         r.order = f.choice<RoundOrder>("order", parse_round_order, false).value_or(RoundOrder::join_order);
         return Command{r};  // the server fills in the seed of a shuffled round
       }},
      {"round_speak", [](Fields&, ParticipantId) -> ClientMessage { return Command{RoundSpeak{}}; }},
      {"round_pass", [](Fields&, ParticipantId) -> ClientMessage { return Command{RoundPass{}}; }},
      {"round_skip",
       [](Fields& f, ParticipantId) -> ClientMessage {
         return Command{RoundSkip{f.required_text("reason", max_reason_chars)}};
       }},
      {"end_round", [](Fields&, ParticipantId) -> ClientMessage { return Command{EndRound{}}; }},
      {"open_poll",
       [](Fields& f, ParticipantId) -> ClientMessage {
         PollSpec spec;
         spec.question = f.required_text("question", max_question_chars);
         const auto preset = f.text("preset", 32, false);
         if (preset && *preset != "fist_to_five") fail("bad_value", "\"preset\" has no value \"" + *preset + "\"");
         if (preset) {
           spec.kind = PollKind::scale;
           spec.scale_min = 0;
           spec.scale_max = 5;
           spec.min_label = "0: block";
           spec.max_label = "5: full support";
         }
         spec.kind = f.choice<PollKind>("kind", parse_poll_kind, !preset).value_or(spec.kind);
         spec.options = f.text_list("options", max_poll_options, max_option_chars);
         spec.max_choices = static_cast<std::uint32_t>(f.unsigned_number("max_choices", max_poll_options, false).value_or(
             spec.kind == PollKind::multiple_choice ? spec.options.size() : 1));
         spec.scale_min = static_cast<std::int32_t>(f.integer("scale_min", -100, 100, false).value_or(spec.scale_min));
         spec.scale_max = static_cast<std::int32_t>(f.integer("scale_max", -100, 100, false).value_or(spec.scale_max));
         spec.min_label = f.text("min_label", 60, false).value_or(spec.min_label);
         spec.max_label = f.text("max_label", 60, false).value_or(spec.max_label);
         spec.anonymous = f.boolean("anonymous", false).value_or(false);
         spec.shown = f.choice<ResultsShown>("results", parse_results_shown, false)
                          .value_or(spec.anonymous ? ResultsShown::at_close : ResultsShown::live);
         spec.min_voters = static_cast<std::uint32_t>(f.unsigned_number("min_voters", 1000, false).value_or(3));
         spec.is_decision = f.boolean("decision", false).value_or(false);
         const bool draft = f.boolean("draft", false).value_or(false);
         return Command{OpenPoll{std::move(spec), draft}};
       }},
      {"vote",
       [](Fields& f, ParticipantId self) -> ClientMessage {
         CastVote v;
         v.poll = f.id_number("poll");
         v.who = f.participant("for", false, self);
         v.ballot.choices = f.number_list("choices", max_poll_options);
         v.ballot.scale = static_cast<std::int32_t>(f.integer("value", -100, 100, false).value_or(0));
         v.ballot.text = f.text("text", max_answer_chars, false).value_or("");
         return Command{std::move(v)};
       }},
      {"close_poll",
       [](Fields& f, ParticipantId) -> ClientMessage {
         const auto poll = f.id_number("poll");
         return Command{ClosePoll{poll, f.text("review_date", 10, false).value_or("")}};
       }},
      {"cancel_poll", [](Fields& f, ParticipantId) -> ClientMessage { return Command{CancelPoll{f.id_number("poll")}}; }},
      {"present_proposal",
       [](Fields& f, ParticipantId) -> ClientMessage {
         PresentProposal p;
         p.title = f.required_text("title", max_title_chars);
         p.text = f.required_text("text", max_proposal_chars);
         p.agreement_item = static_cast<std::uint32_t>(f.unsigned_number("agreement_item", 0xFFFFFFFFu, false).value_or(0));
         p.removes_item = f.boolean("removes_item", false).value_or(false);
         p.draft = f.boolean("draft", false).value_or(false);
         return Command{std::move(p)};
       }},
      {"set_consent_phase",
       [](Fields& f, ParticipantId) -> ClientMessage {
         const auto proposal = f.id_number("proposal");
         return Command{SetConsentPhase{proposal, *f.choice<ConsentPhase>("phase", parse_consent_phase, true)}};
       }},
      {"answer_consent",
       [](Fields& f, ParticipantId self) -> ClientMessage {
         AnswerConsent a;
         a.proposal = f.id_number("proposal");
         a.who = f.participant("for", false, self);
         a.answer = *f.choice<ConsentAnswer>("answer", parse_consent_answer, true);
         a.text = f.text("text", max_comment_chars, false).value_or("");
         return Command{std::move(a)};
       }},
      {"withdraw_objection",
       [](Fields& f, ParticipantId) -> ClientMessage { return Command{WithdrawObjection{f.id_number("objection")}}; }},
      {"amend_proposal",
       [](Fields& f, ParticipantId) -> ClientMessage {
         const auto proposal = f.id_number("proposal");
         auto text = f.required_text("text", max_proposal_chars);
         return Command{AmendProposal{proposal, std::move(text), f.text("title", max_title_chars, false)}};
       }},
      {"adopt_proposal",
       [](Fields& f, ParticipantId) -> ClientMessage {
         const auto proposal = f.id_number("proposal");
         return Command{AdoptProposal{proposal, f.text("review_date", 10, false).value_or("")}};
       }},
      {"close_proposal",
       [](Fields& f, ParticipantId) -> ClientMessage {
         const auto proposal = f.id_number("proposal");
         const bool withdrawn = f.boolean("withdrawn", false).value_or(false);
         return Command{CloseProposal{proposal, withdrawn, f.text("reason", max_reason_chars, false).value_or("")}};
       }},
      {"propose_agreement_item",
       [](Fields& f, ParticipantId) -> ClientMessage {
         auto text = f.required_text("text", max_agreement_chars);
         return Command{ProposeAgreementItem{std::move(text), f.boolean("anonymous", false).value_or(false)}};
       }},
      {"consent_check",
       [](Fields& f, ParticipantId) -> ClientMessage {
         const auto item = f.id_number("item");
         return Command{QuickConsentCheck{item, f.boolean("adopt", false).value_or(true)}};
       }},
      {"flag_agreement_item",
       [](Fields& f, ParticipantId) -> ClientMessage { return Command{FlagAgreementItem{f.id_number("item")}}; }},
      {"submit_point",
       [](Fields& f, ParticipantId) -> ClientMessage {
         SubmitPoint p;
         p.kind = f.choice<PointKind>("kind", parse_point_kind, false).value_or(PointKind::point);
         p.text = f.required_text("text", max_point_chars);
         p.anonymous = f.boolean("anonymous", false).value_or(false);
         // The author's follow secret: 32 lowercase hex characters made by their browser.
         p.follow = f.text("follow", 32, false).value_or("");
         if (!p.follow.empty() && (p.follow.size() != 32 || p.follow.find_first_not_of("0123456789abcdef") != std::string::npos))
           fail("bad_value", "\"follow\" must be 32 lowercase hex characters (a secret the author's browser keeps)");
         return Command{std::move(p)};
       }},
      {"upvote_point", [](Fields& f, ParticipantId) -> ClientMessage { return Command{UpvotePoint{f.id_number("point")}}; }},
      {"set_point_status",
       [](Fields& f, ParticipantId) -> ClientMessage {
         const auto point = f.id_number("point");
         const auto status_name = f.required_text("status", 32);
         std::optional<PointStatus> status;
         for (auto st : {PointStatus::open, PointStatus::taken_up, PointStatus::answered, PointStatus::hidden})
           if (name_of(st) == status_name) status = st;
         if (!status) fail("bad_value", "\"status\" has no value \"" + status_name + "\"");
         return Command{SetPointStatus{point, *status, f.text("reason", max_reason_chars, false).value_or("")}};
       }},
      {"send_signal",
       [](Fields& f, ParticipantId) -> ClientMessage {
         return Command{SendSignal{*f.choice<SignalKind>("kind", parse_signal_kind, true)}};
       }},
      {"set_signal_settings",
       [](Fields& f, ParticipantId) -> ClientMessage {
         const auto window = static_cast<std::uint32_t>(*f.unsigned_number("window_seconds", 3600, true));
         return Command{SetSignalSettings{window, static_cast<std::uint32_t>(*f.unsigned_number("display_threshold", 1000, true))}};
       }},
      {"add_agenda_item",
       [](Fields& f, ParticipantId) -> ClientMessage {
         auto title = f.required_text("title", max_title_chars);
         return Command{AddAgendaItem{std::move(title),
                                      static_cast<std::uint32_t>(f.unsigned_number("timebox_minutes", 600, false).value_or(0))}};
       }},
      {"start_agenda_item",
       [](Fields& f, ParticipantId) -> ClientMessage {
         return Command{StartAgendaItem{static_cast<std::uint32_t>(*f.unsigned_number("item", 0xFFFFFFFFu, true))}};
       }},
      {"set_call_link",
       [](Fields& f, ParticipantId) -> ClientMessage {
         return Command{SetCallLink{*f.text("link", max_call_link_bytes, true)}};
       }},
      {"set_points_shown",
       [](Fields& f, ParticipantId) -> ClientMessage {
         return Command{SetPointsShown{static_cast<std::uint32_t>(*f.unsigned_number("count", max_points_shown, true))}};
       }},
      {"set_points_moderated",
       [](Fields& f, ParticipantId) -> ClientMessage { return Command{SetPointsModerated{*f.boolean("moderated", true)}}; }},
      {"open_draft_poll",
       [](Fields& f, ParticipantId) -> ClientMessage { return Command{OpenDraftPoll{f.id_number("poll")}}; }},
      {"start_meeting", [](Fields&, ParticipantId) -> ClientMessage { return Command{StartMeeting{}}; }},
      {"present_draft_proposal",
       [](Fields& f, ParticipantId) -> ClientMessage { return Command{PresentDraftProposal{f.id_number("proposal")}}; }},
      {"carry_point_forward",
       [](Fields& f, ParticipantId) -> ClientMessage { return Command{CarryPointForward{f.id_number("point")}}; }},
  };
  return table;
}

}  // namespace

const std::vector<std::string_view>& client_message_types() {
  static const std::vector<std::string_view> types = [] {
    std::vector<std::string_view> t;
    for (const auto& [name, build] : builders()) t.push_back(name);
    return t;
  }();
  return types;
}

Decoded decode_client_message(std::string_view text, ParticipantId self) {
  Decoded out;
  try {
    if (nesting_depth(text) > max_depth) fail("too_deep", "the message is nested more than 4 levels deep");
    const json doc = json::parse(text, nullptr, false);
    if (doc.is_discarded()) fail("bad_json", "the message is not valid JSON");
    if (!doc.is_object()) fail("not_an_object", "a message is a JSON object");
    if (auto it = doc.find("id"); it != doc.end() && it->is_string()) {
      const auto& id = it->get_ref<const std::string&>();
      const auto length = utf8_length(id);
      if (length && *length >= 1 && *length <= max_id_chars) out.id = id;
    }
    const auto type_it = doc.find("type");
    if (type_it == doc.end()) fail("missing_field", "\"type\" is required");
    if (!type_it->is_string()) fail("wrong_type", "\"type\" must be a string");
    const auto id_it = doc.find("id");
    if (id_it == doc.end()) fail("missing_field", "\"id\" is required");
    if (!id_it->is_string() || out.id.empty())
      fail("wrong_type", "\"id\" must be a string of 1 to " + std::to_string(max_id_chars) + " characters");
    const auto& type = type_it->get_ref<const std::string&>();
    for (const auto& [name, build] : builders()) {
      if (name != type) continue;
      Fields fields(doc);
      ClientMessage message = build(fields, self);
      fields.reject_unknown();
      out.message = std::move(message);
      return out;
    }
    fail("unknown_type", "unknown message type \"" + type.substr(0, 40) + "\"");
  } catch (const Failure& f) {
    out.error = f.error;
  }
  return out;
}

}  // namespace everyvoice::codec
