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
