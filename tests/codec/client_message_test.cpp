// Decoding client messages (server/codec/client_message.hpp) against the examples in
// protocol/examples: every file in client/ decodes to what it says, every file in client-invalid/
// fails with the code its name starts with. Then the decoding rules one by one.
#include "codec/client_message.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <typeinfo>
#include <vector>

namespace everyvoice::codec {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace everyvoice::core;

// The sender's participant id in these tests: "for" defaults to it.
constexpr ParticipantId me = 7;

fs::path examples_dir() { return fs::path(EVERYVOICE_PROTOCOL_DIR) / "examples"; }

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<fs::path> json_files(const fs::path& folder) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::string test_name(const ::testing::TestParamInfo<fs::path>& info) {
  std::string name = info.param.stem().string();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

// --- the decoded message, written back as JSON with every field (defaults included) ---

json command_json(const Command& command) {
  return std::visit(
      [](const auto& c) -> json {
        using C = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<C, Join>) {
          ADD_FAILURE() << "a client message never decodes to the core's Join (that is the server's)";
          return {};
        } else if constexpr (std::is_same_v<C, AddProxy>) {
          return {{"type", "add_proxy"}, {"name", c.name}, {"location", name_of(c.location)}};
        } else if constexpr (std::is_same_v<C, UpdateProfile>) {
          return {{"type", "update_profile"}, {"for", c.who}, {"location", name_of(c.location)},
                  {"preference", name_of(c.preference)}};
        } else if constexpr (std::is_same_v<C, SetPresence>) {
          return {{"type", "set_presence"}, {"for", c.who}, {"presence", name_of(c.presence)}};
        } else if constexpr (std::is_same_v<C, SetRole>) {
          return {{"type", "set_role"}, {"participant", c.who}, {"role", name_of(c.role)}};
        } else if constexpr (std::is_same_v<C, HandOverFacilitation>) {
          return {{"type", "hand_over"}, {"participant", c.to}};
        } else if constexpr (std::is_same_v<C, RemoveParticipant>) {
          return {{"type", "remove_participant"}, {"participant", c.who}};
        } else if constexpr (std::is_same_v<C, SetLocked>) {
          return {{"type", "set_locked"}, {"locked", c.locked}};
        } else if constexpr (std::is_same_v<C, RaiseHand>) {
          return {{"type", "raise_hand"}, {"for", c.who}, {"kind", name_of(c.kind)}};
        } else if constexpr (std::is_same_v<C, LowerHand>) {
          return {{"type", "lower_hand"}, {"for", c.who}};
        } else if constexpr (std::is_same_v<C, CallNext>) {
          return {{"type", "call_next"}};
        } else if constexpr (std::is_same_v<C, CallSpeaker>) {
          return {{"type", "call_speaker"}, {"participant", c.who}, {"reason", c.reason}};
        } else if constexpr (std::is_same_v<C, MoveEntry>) {
          return {{"type", "move_entry"}, {"participant", c.who}, {"position", c.position}, {"reason", c.reason}};
        } else if constexpr (std::is_same_v<C, RemoveEntry>) {
          return {{"type", "remove_entry"}, {"participant", c.who}, {"reason", c.reason}};
        } else if constexpr (std::is_same_v<C, EndTurn>) {
          return {{"type", "end_turn"}};
        } else if constexpr (std::is_same_v<C, SetPolicy>) {
          return {{"type", "set_policy"}, {"policy", name_of(c.policy)}};
        } else if constexpr (std::is_same_v<C, SetTurnLimit>) {
          return {{"type", "set_turn_limit"}, {"seconds", c.seconds}};
        } else if constexpr (std::is_same_v<C, StartRound>) {
          EXPECT_EQ(c.seed, 0u) << "the seed is the server's to choose";
          return {{"type", "start_round"}, {"topic", c.topic}, {"order", name_of(c.order)}};
        } else if constexpr (std::is_same_v<C, RoundSpeak>) {
          return {{"type", "round_speak"}};
        } else if constexpr (std::is_same_v<C, RoundPass>) {
          return {{"type", "round_pass"}};
        } else if constexpr (std::is_same_v<C, RoundSkip>) {
          return {{"type", "round_skip"}, {"reason", c.reason}};
        } else if constexpr (std::is_same_v<C, EndRound>) {
          return {{"type", "end_round"}};
        } else if constexpr (std::is_same_v<C, EndMeeting>) {
          return {{"type", "end_meeting"}};
        } else if constexpr (std::is_same_v<C, OpenPoll>) {
          const PollSpec& p = c.spec;
          json j{{"type", "open_poll"},       {"question", p.question},       {"kind", name_of(p.kind)},
                 {"options", p.options},      {"max_choices", p.max_choices}, {"scale_min", p.scale_min},
                 {"scale_max", p.scale_max},  {"min_label", p.min_label},     {"max_label", p.max_label},
                 {"anonymous", p.anonymous},  {"results", name_of(p.shown)},  {"min_voters", p.min_voters},
                 {"decision", p.is_decision}};
          if (c.draft) j["draft"] = true;  // said only when asked for, as the examples do
          return j;
        } else if constexpr (std::is_same_v<C, OpenDraftPoll>) {
          return {{"type", "open_draft_poll"}, {"poll", c.poll}};
        } else if constexpr (std::is_same_v<C, CastVote>) {
          return {{"type", "vote"},           {"poll", c.poll},          {"for", c.who},
                  {"choices", c.ballot.choices}, {"value", c.ballot.scale}, {"text", c.ballot.text}};
        } else if constexpr (std::is_same_v<C, ClosePoll>) {
          return {{"type", "close_poll"}, {"poll", c.poll}, {"review_date", c.review_date}};
        } else if constexpr (std::is_same_v<C, CancelPoll>) {
          return {{"type", "cancel_poll"}, {"poll", c.poll}};
        } else if constexpr (std::is_same_v<C, PresentProposal>) {
          return {{"type", "present_proposal"}, {"title", c.title}, {"text", c.text},
                  {"agreement_item", c.agreement_item}, {"removes_item", c.removes_item}, {"draft", c.draft}};
        } else if constexpr (std::is_same_v<C, PresentDraftProposal>) {
          return {{"type", "present_draft_proposal"}, {"proposal", c.proposal}};
        } else if constexpr (std::is_same_v<C, CarryPointForward>) {
          return {{"type", "carry_point_forward"}, {"point", c.point}};
        } else if constexpr (std::is_same_v<C, SetConsentPhase>) {
          return {{"type", "set_consent_phase"}, {"proposal", c.proposal}, {"phase", name_of(c.phase)}};
        } else if constexpr (std::is_same_v<C, AnswerConsent>) {
          return {{"type", "answer_consent"}, {"proposal", c.proposal}, {"for", c.who}, {"answer", name_of(c.answer)},
                  {"text", c.text}};
        } else if constexpr (std::is_same_v<C, WithdrawObjection>) {
          return {{"type", "withdraw_objection"}, {"objection", c.objection}};
        } else if constexpr (std::is_same_v<C, AmendProposal>) {
          json j{{"type", "amend_proposal"}, {"proposal", c.proposal}, {"text", c.text}};
          if (c.title) j["title"] = *c.title;
          return j;
        } else if constexpr (std::is_same_v<C, AdoptProposal>) {
          return {{"type", "adopt_proposal"}, {"proposal", c.proposal}, {"review_date", c.review_date}};
        } else if constexpr (std::is_same_v<C, CloseProposal>) {
          return {{"type", "close_proposal"}, {"proposal", c.proposal}, {"withdrawn", c.withdrawn}, {"reason", c.reason}};
        } else if constexpr (std::is_same_v<C, ProposeAgreementItem>) {
          return {{"type", "propose_agreement_item"}, {"text", c.text}, {"anonymous", c.anonymous}};
        } else if constexpr (std::is_same_v<C, QuickConsentCheck>) {
          return {{"type", "consent_check"}, {"item", c.item}, {"adopt", c.adopt}};
        } else if constexpr (std::is_same_v<C, FlagAgreementItem>) {
          return {{"type", "flag_agreement_item"}, {"item", c.item}};
        } else if constexpr (std::is_same_v<C, SubmitPoint>) {
          return {{"type", "submit_point"}, {"kind", name_of(c.kind)}, {"text", c.text}, {"anonymous", c.anonymous}, {"follow", c.follow}};
        } else if constexpr (std::is_same_v<C, UpvotePoint>) {
          return {{"type", "upvote_point"}, {"point", c.point}};
        } else if constexpr (std::is_same_v<C, SetPointStatus>) {
          return {{"type", "set_point_status"}, {"point", c.point}, {"status", name_of(c.status)}, {"reason", c.reason}};
        } else if constexpr (std::is_same_v<C, SendSignal>) {
          return {{"type", "send_signal"}, {"kind", name_of(c.kind)}};
        } else if constexpr (std::is_same_v<C, SetSignalSettings>) {
          return {{"type", "set_signal_settings"}, {"window_seconds", c.window_seconds},
                  {"display_threshold", c.display_threshold}};
        } else if constexpr (std::is_same_v<C, AddAgendaItem>) {
          return {{"type", "add_agenda_item"}, {"title", c.title}, {"timebox_minutes", c.timebox_minutes}};
        } else if constexpr (std::is_same_v<C, StartAgendaItem>) {
          return {{"type", "start_agenda_item"}, {"item", c.item}};
        } else if constexpr (std::is_same_v<C, SetCallLink>) {
          return {{"type", "set_call_link"}, {"link", c.link}};
        } else if constexpr (std::is_same_v<C, SetPointsShown>) {
          return {{"type", "set_points_shown"}, {"count", c.count}};
        } else if constexpr (std::is_same_v<C, SetPointsModerated>) {
          return {{"type", "set_points_moderated"}, {"moderated", c.moderated}};
        } else if constexpr (std::is_same_v<C, StartMeeting>) {
          return {{"type", "start_meeting"}};
        } else {
          // A command the codec does not decode (yet): a message that decodes to it needs a line here.
          ADD_FAILURE() << "message_json does not know the command " << typeid(C).name();
          return {};
        }
      },
      command);
}

json message_json(const ClientMessage& message) {
  return std::visit(
      [](const auto& m) -> json {
        using M = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<M, JoinRequest>) {
          return {{"type", "join"},
                  {"code", m.code},
                  {"name", m.name},
                  {"role", name_of(m.role)},
                  {"location", name_of(m.location)},
                  {"preference", name_of(m.preference)},
                  {"facilitator_key", m.facilitator_key ? json(*m.facilitator_key) : json(nullptr)},
                  {"member_keys", m.member_keys},
                  {"snapshot", m.snapshot}};
        } else if constexpr (std::is_same_v<M, ResumeRequest>) {
          return {{"type", "resume"}, {"code", m.code}, {"token", m.token}, {"last_seq", m.last_seq}};
        } else if constexpr (std::is_same_v<M, Ping>) {
          return {{"type", "ping"}};
        } else {
          return command_json(m);
        }
      },
      message);
}

// What an optional field is when the message leaves it out (or sends null). PROTOCOL.md lists the
// same defaults.
json defaults_for(const std::string& type) {
  static const json table{
      {"join", {{"role", "participant"}, {"location", "remote"}, {"preference", "none"}, {"facilitator_key", nullptr},
                {"member_keys", json::array()}, {"snapshot", true}}},
      {"add_proxy", {{"location", "in_room"}}},
      {"update_profile", {{"for", me}}},
      {"set_presence", {{"for", me}}},
      {"raise_hand", {{"for", me}, {"kind", "new_point"}}},
      {"lower_hand", {{"for", me}}},
      {"call_speaker", {{"reason", ""}}},
      {"start_round", {{"topic", ""}, {"order", "join_order"}}},
      {"open_poll",
       {{"options", json::array()}, {"scale_min", 0}, {"scale_max", 5}, {"min_label", ""}, {"max_label", ""},
        {"anonymous", false}, {"min_voters", 3}, {"decision", false}}},
      {"vote", {{"for", me}, {"choices", json::array()}, {"value", 0}, {"text", ""}}},
      {"close_poll", {{"review_date", ""}}},
      {"present_proposal", {{"agreement_item", 0}, {"removes_item", false}, {"draft", false}}},
      {"answer_consent", {{"for", me}, {"text", ""}}},
      {"adopt_proposal", {{"review_date", ""}}},
      {"close_proposal", {{"withdrawn", false}, {"reason", ""}}},
      {"propose_agreement_item", {{"anonymous", false}}},
      {"consent_check", {{"adopt", true}}},
      {"submit_point", {{"kind", "point"}, {"anonymous", false}, {"follow", ""}}},
      {"set_point_status", {{"reason", ""}}},
      {"add_agenda_item", {{"timebox_minutes", 0}}},
  };
  return table.contains(type) ? table.at(type) : json::object();
}

// The file's message as the decoded value should be: without the id, defaults filled in.
json expected_from_file(const json& file) {
  const std::string type = file.at("type").get<std::string>();
  json expected = defaults_for(type);
  json given = json::object();
  for (const auto& [key, value] : file.items())
    if (key != "id" && !value.is_null()) given[key] = value;
  if (type == "open_poll") {
    // Defaults that depend on other fields; "preset" is a shorthand, not a field of the poll.
    if (given.contains("preset")) {
      given.erase("preset");
      expected.update(json{{"kind", "scale"}, {"scale_min", 0}, {"scale_max", 5}, {"min_label", "0: block"},
                           {"max_label", "5: full support"}});
    }
    const json options = given.value("options", json::array());
    const std::string kind = given.value("kind", expected.value("kind", ""));
    expected["max_choices"] = kind == "multiple_choice" ? options.size() : 1u;
    expected["results"] = given.value("anonymous", false) ? "at_close" : "live";
  }
  for (const auto& [key, value] : given.items()) expected[key] = value;
  return expected;
}

// --- every valid example ---

class ValidExample : public ::testing::TestWithParam<fs::path> {};

TEST_P(ValidExample, DecodesToWhatTheFileSays) {
  const std::string text = read_file(GetParam());
  const json file = json::parse(text);
  const Decoded decoded = decode_client_message(text, me);
  ASSERT_FALSE(decoded.error) << decoded.error->code << ": " << decoded.error->message;
  ASSERT_TRUE(decoded.message);
  EXPECT_EQ(decoded.id, file.at("id").get<std::string>());
  EXPECT_EQ(message_json(*decoded.message), expected_from_file(file));
}

INSTANTIATE_TEST_SUITE_P(Protocol, ValidExample, ::testing::ValuesIn(json_files(examples_dir() / "client")), test_name);

// --- every invalid example ---

class InvalidExample : public ::testing::TestWithParam<fs::path> {};

TEST_P(InvalidExample, FailsWithTheCodeInItsName) {
  const std::string file_name = GetParam().filename().string();
  const auto dashes = file_name.find("--");
  ASSERT_NE(dashes, std::string::npos) << "name the file <error_code>--<what>.json";
  const std::string code = file_name.substr(0, dashes);
  const std::string text = read_file(GetParam());
  const Decoded decoded = decode_client_message(text, me);
  ASSERT_TRUE(decoded.error) << "decoded although its name says " << code;
  EXPECT_EQ(decoded.error->code, code) << decoded.error->message;
  EXPECT_FALSE(decoded.error->message.empty());
  EXPECT_FALSE(decoded.message);
  // Whenever the text is a JSON object with a usable id, the error names it.
  const json doc = json::parse(text, nullptr, false);
  if (code != "too_deep" && doc.is_object() && doc.contains("id") && doc["id"].is_string()) {
    const auto& id = doc["id"].get_ref<const std::string&>();
    if (!id.empty() && id.size() <= max_id_chars) {
      EXPECT_EQ(decoded.id, id);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Protocol, InvalidExample, ::testing::ValuesIn(json_files(examples_dir() / "client-invalid")),
                         test_name);

TEST(ClientExamples, FoldersAreNotEmptyAndCoverEveryTypeAndCode) {
  const auto valid = json_files(examples_dir() / "client");
  const auto invalid = json_files(examples_dir() / "client-invalid");
  ASSERT_FALSE(valid.empty()) << "no examples in " << (examples_dir() / "client");
  ASSERT_FALSE(invalid.empty()) << "no examples in " << (examples_dir() / "client-invalid");

  std::set<std::string> types;
  for (const auto& path : valid) types.insert(json::parse(read_file(path)).at("type").get<std::string>());
  for (const auto type : client_message_types())
    EXPECT_TRUE(types.contains(std::string(type))) << "no example of \"" << type << "\" in examples/client";

  std::set<std::string> codes;
  for (const auto& path : invalid) codes.insert(path.filename().string().substr(0, path.filename().string().find("--")));
  for (const char* code : {"bad_json", "not_an_object", "too_deep", "missing_field", "wrong_type", "bad_value", "too_long",
                           "unknown_type", "unknown_field"})
    EXPECT_TRUE(codes.contains(code)) << "no example of " << code << " in examples/client-invalid";
}

TEST(ClientExamples, TheCodecKnowsTheTypesThatProtocolMdLists) {
  const std::vector<std::string_view> expected{
      "join",           "resume",           "ping",          "add_proxy",         "update_profile",
      "set_presence",   "set_role",         "hand_over",     "remove_participant", "end_meeting",
      "set_locked",     "raise_hand",       "lower_hand",    "call_next",         "call_speaker",
      "move_entry",     "remove_entry",     "end_turn",      "set_policy",        "set_turn_limit",
      "start_round",    "round_speak",      "round_pass",    "round_skip",        "end_round",
      "open_poll",      "vote",             "close_poll",    "cancel_poll",       "present_proposal",
      "set_consent_phase", "answer_consent", "withdraw_objection", "amend_proposal", "adopt_proposal",
      "close_proposal", "propose_agreement_item", "consent_check", "flag_agreement_item", "submit_point",
      "upvote_point",   "set_point_status", "send_signal",   "set_signal_settings", "add_agenda_item",
      "start_agenda_item", "set_call_link", "set_points_shown", "set_points_moderated", "open_draft_poll",
      "start_meeting", "present_draft_proposal", "carry_point_forward"};
  EXPECT_EQ(client_message_types(), expected);
}

// --- representative examples, field by field ---

Decoded decode_example(const std::string& name, ParticipantId self = me) {
  const std::string text = read_file(examples_dir() / "client" / (name + ".json"));
  EXPECT_FALSE(text.empty()) << "missing example " << name;
  return decode_client_message(text, self);
}

// The command a message decoded to (a copy: the Decoded is often a temporary).
template <class T>
T command_of(const Decoded& d) {
  if (!d.message || !std::holds_alternative<Command>(*d.message) || !std::holds_alternative<T>(std::get<Command>(*d.message))) {
    ADD_FAILURE() << "not the expected command" << (d.error ? ": " + d.error->code + " " + d.error->message : "");
    return T{};
  }
  return std::get<T>(std::get<Command>(*d.message));
}

TEST(ClientExampleFields, Join) {
  const Decoded d = decode_example("join");
  ASSERT_TRUE(d.message && std::holds_alternative<JoinRequest>(*d.message));
  const auto& j = std::get<JoinRequest>(*d.message);
  EXPECT_EQ(d.id, "j1");
  EXPECT_EQ(j.code, "K7MQ4T");
  EXPECT_EQ(j.name, "Sam");
  EXPECT_EQ(j.role, Role::participant);
  EXPECT_EQ(j.location, Location::remote);
  EXPECT_EQ(j.preference, Preference::listen);
  EXPECT_FALSE(j.facilitator_key);

  const Decoded f = decode_example("join--facilitator");
  ASSERT_TRUE(f.message && std::holds_alternative<JoinRequest>(*f.message));
  const auto& fj = std::get<JoinRequest>(*f.message);
  EXPECT_EQ(fj.name, "Fatima");
  EXPECT_EQ(fj.role, Role::participant);  // the key, checked by the server, makes a facilitator
  EXPECT_EQ(fj.location, Location::in_room);
  EXPECT_EQ(fj.preference, Preference::speak);
  ASSERT_TRUE(fj.facilitator_key);
  EXPECT_EQ(*fj.facilitator_key, "9b1f0e7c2d4a48b6a3e5c7d9f1b3a5c7");

  const Decoded m = decode_example("join--member");
  ASSERT_TRUE(m.message && std::holds_alternative<JoinRequest>(*m.message));
  EXPECT_EQ(std::get<JoinRequest>(*m.message).member_keys,
            std::vector<std::string>{"R4TQ9N.5c2e8a1f9d3b47e6a0c4f8b2d6e1a9c3"});

  const Decoded o = decode_example("join--token-only");
  ASSERT_TRUE(o.message && std::holds_alternative<JoinRequest>(*o.message));
  EXPECT_FALSE(std::get<JoinRequest>(*o.message).snapshot);
  EXPECT_TRUE(std::get<JoinRequest>(*m.message).snapshot) << "a snapshot unless asked otherwise";

  const Decoded r = decode_example("join--room-display");
  ASSERT_TRUE(r.message && std::holds_alternative<JoinRequest>(*r.message));
  EXPECT_EQ(std::get<JoinRequest>(*r.message).role, Role::observer);

  const Decoded t = decode_example("join--typed-code-defaults");
  ASSERT_TRUE(t.message && std::holds_alternative<JoinRequest>(*t.message));
  const auto& tj = std::get<JoinRequest>(*t.message);
  EXPECT_EQ(tj.code, "k7mq-4t");  // as typed: the server normalizes it
  EXPECT_EQ(tj.name, "Zo\u00eb \u00d1\u00fa\u00f1ez \u674e");
  EXPECT_EQ(tj.role, Role::participant);
  EXPECT_EQ(tj.location, Location::remote);
  EXPECT_EQ(tj.preference, Preference::none);
}

TEST(ClientExampleFields, Resume) {
  const Decoded d = decode_example("resume");
  ASSERT_TRUE(d.message && std::holds_alternative<ResumeRequest>(*d.message));
  const auto& r = std::get<ResumeRequest>(*d.message);
  EXPECT_EQ(d.id, "r1");
  EXPECT_EQ(r.code, "K7MQ4T");
  EXPECT_EQ(r.token, "5f1e0c9a7b3d42e8a6c4b2d0e8f6a4c2");
  EXPECT_EQ(r.last_seq, 42u);
}

TEST(ClientExampleFields, RaiseHandWithForAndKind) {
  const auto proxy = command_of<RaiseHand>(decode_example("raise_hand--for-proxy"));
  EXPECT_EQ(proxy.who, 6u);
  EXPECT_EQ(proxy.kind, HandKind::clarifying_question);

  const auto reply = command_of<RaiseHand>(decode_example("raise_hand--direct-reply"));
  EXPECT_EQ(reply.who, me);
  EXPECT_EQ(reply.kind, HandKind::direct_reply);

  const auto plain = command_of<RaiseHand>(decode_example("raise_hand"));
  EXPECT_EQ(plain.who, me);
  EXPECT_EQ(plain.kind, HandKind::new_point);

  const auto nulls = command_of<RaiseHand>(decode_example("raise_hand--null-is-default"));
  EXPECT_EQ(nulls.who, me);
  EXPECT_EQ(nulls.kind, HandKind::new_point);
}

TEST(ClientExampleFields, CallSpeaker) {
  const auto in_order = command_of<CallSpeaker>(decode_example("call_speaker"));
  EXPECT_EQ(in_order.who, 2u);
  EXPECT_EQ(in_order.reason, "");
  const auto out_of_order = command_of<CallSpeaker>(decode_example("call_speaker--out-of-order"));
  EXPECT_EQ(out_of_order.who, 5u);
  EXPECT_EQ(out_of_order.reason, "direct reply to Ada's point");
}

TEST(ClientExampleFields, MoveEntry) {
  const auto m = command_of<MoveEntry>(decode_example("move_entry"));
  EXPECT_EQ(m.who, 2u);
  EXPECT_EQ(m.position, 0u);
  EXPECT_EQ(m.reason, "time-sensitive: has to leave at 11");
}

TEST(ClientExampleFields, SetPolicy) {
  EXPECT_EQ(command_of<SetPolicy>(decode_example("set_policy")).policy, QueuePolicy::hybrid);
}

TEST(ClientExampleFields, StartRound) {
  const auto r = command_of<StartRound>(decode_example("start_round"));
  EXPECT_EQ(r.topic, "Check-in: one word");
  EXPECT_EQ(r.order, RoundOrder::quietest_first);
  EXPECT_EQ(r.seed, 0u);
  const auto d = command_of<StartRound>(decode_example("start_round--defaults"));
  EXPECT_EQ(d.topic, "");
  EXPECT_EQ(d.order, RoundOrder::join_order);
}

TEST(ClientExampleFields, SetRoleAndLimits) {
  const auto role = command_of<SetRole>(decode_example("set_role"));
  EXPECT_EQ(role.who, 3u);
  EXPECT_EQ(role.role, Role::co_facilitator);
  EXPECT_EQ(command_of<SetTurnLimit>(decode_example("set_turn_limit")).seconds, 90u);
  EXPECT_EQ(command_of<SetTurnLimit>(decode_example("set_turn_limit--none")).seconds, 0u);
  EXPECT_TRUE(command_of<SetLocked>(decode_example("set_locked")).locked);
  EXPECT_EQ(command_of<SetCallLink>(decode_example("set_call_link")).link, "https://meet.example.org/tenants-forum");
  EXPECT_EQ(command_of<SetCallLink>(decode_example("set_call_link--none")).link, "");
  EXPECT_EQ(command_of<SetPointsShown>(decode_example("set_points_shown")).count, 3u);
  EXPECT_TRUE(command_of<SetPointsModerated>(decode_example("set_points_moderated")).moderated);
  EXPECT_EQ(command_of<StartMeeting>(decode_example("start_meeting")), StartMeeting{});
  EXPECT_TRUE(command_of<PresentProposal>(decode_example("present_proposal--draft")).draft);
  EXPECT_FALSE(command_of<PresentProposal>(decode_example("present_proposal")).draft);
  EXPECT_EQ(command_of<PresentDraftProposal>(decode_example("present_draft_proposal")).proposal, 2u);
  EXPECT_EQ(command_of<CarryPointForward>(decode_example("carry_point_forward")).point, 3u);
  EXPECT_EQ(command_of<SubmitPoint>(decode_example("submit_point--followable")).follow, "3f9c2a7e5b1d4c8e9a0b6d2f4e8c1a7b");
  EXPECT_EQ(command_of<SubmitPoint>(decode_example("submit_point")).follow, "");
  EXPECT_EQ(command_of<AddProxy>(decode_example("add_proxy")).location, Location::in_room);
}

TEST(ClientExampleFields, OpenPollAndVote) {
  EXPECT_FALSE(command_of<OpenPoll>(decode_example("open_poll")).draft);
  EXPECT_TRUE(command_of<OpenPoll>(decode_example("open_poll--draft")).draft);
  EXPECT_EQ(command_of<OpenDraftPoll>(decode_example("open_draft_poll")).poll, 2u);
  const auto single = command_of<OpenPoll>(decode_example("open_poll")).spec;
  EXPECT_EQ(single.question, "Which budget line first?");
  EXPECT_EQ(single.kind, PollKind::single_choice);
  EXPECT_EQ(single.options, (std::vector<std::string>{"Housing", "Transport", "Youth"}));
  EXPECT_EQ(single.max_choices, 1u);
  EXPECT_FALSE(single.anonymous);
  EXPECT_EQ(single.shown, ResultsShown::live);
  EXPECT_TRUE(single.is_decision);

  const auto preset = command_of<OpenPoll>(decode_example("open_poll--fist-to-five")).spec;
  EXPECT_EQ(preset.kind, PollKind::scale);
  EXPECT_EQ(preset.scale_min, 0);
  EXPECT_EQ(preset.scale_max, 5);
  EXPECT_EQ(preset.min_label, "0: block");
  EXPECT_EQ(preset.max_label, "5: full support");
  EXPECT_TRUE(preset.anonymous);
  EXPECT_EQ(preset.shown, ResultsShown::at_close);  // the default for an anonymous poll
  EXPECT_EQ(preset.min_voters, 3u);

  const auto multiple = command_of<OpenPoll>(decode_example("open_poll--multiple-after-vote")).spec;
  EXPECT_EQ(multiple.max_choices, 2u);
  EXPECT_EQ(multiple.shown, ResultsShown::after_vote);

  const auto vote = command_of<CastVote>(decode_example("vote--for-proxy"));
  EXPECT_EQ(vote.poll, 1u);
  EXPECT_EQ(vote.who, 6u);
  EXPECT_EQ(vote.ballot.choices, (std::vector<std::uint32_t>{2}));
  EXPECT_EQ(command_of<CastVote>(decode_example("vote")).who, me);
  EXPECT_EQ(command_of<CastVote>(decode_example("vote--negative-scale")).ballot.scale, -2);
  EXPECT_EQ(command_of<CastVote>(decode_example("vote--open-text")).ballot.text, "hopeful");
}

TEST(ClientExampleFields, ConsentAndTheRest) {
  const auto answer = command_of<AnswerConsent>(decode_example("answer_consent--objection"));
  EXPECT_EQ(answer.proposal, 1u);
  EXPECT_EQ(answer.who, me);
  EXPECT_EQ(answer.answer, ConsentAnswer::objection);
  EXPECT_EQ(answer.text, "Points of process must be able to interrupt");
  EXPECT_EQ(command_of<SetConsentPhase>(decode_example("set_consent_phase")).phase, ConsentPhase::consent);
  const auto close = command_of<CloseProposal>(decode_example("close_proposal"));
  EXPECT_TRUE(close.withdrawn);
  EXPECT_EQ(close.reason, "the venue is not free on Tuesdays");
  EXPECT_TRUE(command_of<QuickConsentCheck>(decode_example("consent_check")).adopt);
  EXPECT_FALSE(command_of<QuickConsentCheck>(decode_example("consent_check--remove")).adopt);
  const auto point = command_of<SubmitPoint>(decode_example("submit_point--anonymous-question"));
  EXPECT_EQ(point.kind, PointKind::question);
  EXPECT_TRUE(point.anonymous);
  EXPECT_EQ(command_of<SetPointStatus>(decode_example("set_point_status--hide")).status, PointStatus::hidden);
  EXPECT_EQ(command_of<SendSignal>(decode_example("send_signal")).kind, SignalKind::slow_down);
  EXPECT_EQ(command_of<StartAgendaItem>(decode_example("start_agenda_item--none")).item, 0u);
  EXPECT_EQ(command_of<AddAgendaItem>(decode_example("add_agenda_item")).timebox_minutes, 30u);
}

// Issue 14, item 4: an amendment may carry a new title (optional; null is the same as absent).
TEST(ClientExampleFields, AmendProposalWithAndWithoutANewTitle) {
  const auto plain = command_of<AmendProposal>(decode_example("amend_proposal"));
  EXPECT_EQ(plain.proposal, 1u);
  EXPECT_FALSE(plain.title);
  const auto retitled = command_of<AmendProposal>(decode_example("amend_proposal--new-title"));
  EXPECT_EQ(retitled.text, "We let each person finish before anyone speaks, except for a point of process.");
  ASSERT_TRUE(retitled.title);
  EXPECT_EQ(*retitled.title, "Adopt: we do not interrupt, except for a point of process");
  const std::string head = R"({"type":"amend_proposal","id":"a","proposal":1,"text":"T","title":)";
  const auto decoded = [&](const std::string& title) { return decode_client_message(head + title + "}", me); };
  EXPECT_FALSE(command_of<AmendProposal>(decoded("null")).title);
  EXPECT_EQ(command_of<AmendProposal>(decoded(R"("")")).title, std::optional<std::string>(""));  // the meeting refuses it
  EXPECT_EQ(decoded("7").error->code, "wrong_type");
  EXPECT_FALSE(decoded('"' + std::string(200, 't') + '"').error);
  EXPECT_EQ(decoded('"' + std::string(201, 't') + '"').error->code, "too_long");
}

// --- the rules, one by one ---

Decoded decode(const std::string& text, ParticipantId self = me) { return decode_client_message(text, self); }

std::string error_code(const Decoded& d) { return d.error ? d.error->code : "(decoded)"; }

TEST(ClientDecoding, ForDefaultsToTheSender) {
  EXPECT_EQ(command_of<RaiseHand>(decode(R"({"type":"raise_hand","id":"a"})")).who, me);
  EXPECT_EQ(command_of<RaiseHand>(decode(R"({"type":"raise_hand","id":"a"})", 12)).who, 12u);
  EXPECT_EQ(command_of<LowerHand>(decode(R"({"type":"lower_hand","id":"a"})")).who, me);
  EXPECT_EQ(command_of<LowerHand>(decode(R"({"type":"lower_hand","id":"a","for":null})", 3)).who, 3u);
  EXPECT_EQ(command_of<UpdateProfile>(decode(R"({"type":"update_profile","id":"a","location":"remote","preference":"none"})")).who, me);
  EXPECT_EQ(command_of<SetPresence>(decode(R"({"type":"set_presence","id":"a","presence":"away"})")).who, me);
  // An explicit "for" wins.
  EXPECT_EQ(command_of<RaiseHand>(decode(R"({"type":"raise_hand","id":"a","for":4})")).who, 4u);
  EXPECT_EQ(command_of<LowerHand>(decode(R"({"type":"lower_hand","id":"a","for":4})")).who, 4u);
  // Before joining the sender is 0: the message decodes, the server answers not_joined.
  EXPECT_EQ(command_of<RaiseHand>(decode(R"({"type":"raise_hand","id":"a"})", 0)).who, 0u);
  // But a client may not name participant 0 itself.
  EXPECT_EQ(error_code(decode(R"({"type":"lower_hand","id":"a","for":0})")), "bad_value");
}

TEST(ClientDecoding, TheIdIsReportedEvenWhenTheMessageFailsLater) {
  const struct {
    const char* text;
    const char* code;
  } cases[] = {
      {R"({"id":"m1"})", "missing_field"},                                      // no type
      {R"({"type":7,"id":"m2"})", "wrong_type"},                                // type not a string
      {R"({"type":"wave","id":"m3"})", "unknown_type"},                         //
      {R"({"type":"raise_hand","id":"m4","kind":"shout"})", "bad_value"},        //
      {R"({"type":"raise_hand","id":"m5","kind":7})", "wrong_type"},             //
      {R"({"type":"join","id":"m6","code":"K7MQ4T"})", "missing_field"},        //
      {R"({"type":"end_turn","id":"m7","now":true})", "unknown_field"},         //
      {R"({"type":"start_round","id":"m8","topic":7})", "wrong_type"},             //
      {R"(["not", "an", "object", {"id":"m9"}])", "not_an_object"},
  };
  for (const auto& c : cases) {
    const Decoded d = decode(c.text);
    EXPECT_EQ(error_code(d), c.code) << c.text;
    if (std::string(c.code) != "not_an_object") {
      EXPECT_FALSE(d.id.empty()) << c.text;
    }
    EXPECT_FALSE(d.message) << c.text;
  }
  EXPECT_EQ(decode(R"({"type":"wave","id":"m3"})").id, "m3");
  EXPECT_EQ(decode(R"({"type":"raise_hand","id":"m4","kind":"shout"})").id, "m4");
  // No id could be read: the error will carry null.
  EXPECT_EQ(decode("{oops").id, "");
  EXPECT_EQ(decode("[1]").id, "");
}

TEST(ClientDecoding, TheReasonTextTooLongCase) {
  const std::string text = R"({"type":"round_skip","id":"m8","reason":")" + std::string(201, 'x') + R"("})";
  const Decoded d = decode(text);
  EXPECT_EQ(error_code(d), "too_long");
  EXPECT_EQ(d.id, "m8");
}

TEST(ClientDecoding, IdsAreOneTo64Characters) {
  const std::string id64(64, 'i');
  const Decoded ok = decode(R"({"type":"ping","id":")" + id64 + R"("})");
  EXPECT_FALSE(ok.error);
  EXPECT_EQ(ok.id, id64);

  const Decoded too_long = decode(R"({"type":"ping","id":")" + std::string(65, 'i') + R"("})");
  EXPECT_EQ(error_code(too_long), "wrong_type");  // not too_long: the id rule is one rule
  EXPECT_EQ(too_long.id, "");                     // an unusable id is not echoed
  EXPECT_FALSE(too_long.message);

  // Characters, not bytes: 64 two-byte characters are fine, 65 are not.
  std::string e64, e65;
  for (int i = 0; i < 64; ++i) e64 += "\u00e9";
  e65 = e64 + "\u00e9";
  EXPECT_FALSE(decode(R"({"type":"ping","id":")" + e64 + R"("})").error);
  EXPECT_EQ(error_code(decode(R"({"type":"ping","id":")" + e65 + R"("})")), "wrong_type");

  EXPECT_EQ(error_code(decode(R"({"type":"ping","id":""})")), "wrong_type");
  EXPECT_EQ(error_code(decode(R"({"type":"ping","id":null})")), "wrong_type");
  EXPECT_EQ(error_code(decode(R"({"type":"ping","id":12})")), "wrong_type");
  EXPECT_EQ(error_code(decode(R"({"type":"ping"})")), "missing_field");
  // A bad id is reported after the type checks, but before the type is looked up.
  EXPECT_EQ(error_code(decode(R"({"type":"wave","id":""})")), "wrong_type");
}

TEST(ClientDecoding, NumbersAreWholeAndNotNegative) {
  const auto move = [](const std::string& position) {
    return decode(R"({"type":"move_entry","id":"n","participant":2,"reason":"r","position":)" + position + "}");
  };
  EXPECT_EQ(command_of<MoveEntry>(move("3")).position, 3u);
  EXPECT_EQ(error_code(move("-1")), "wrong_type");
  EXPECT_EQ(error_code(move("1.5")), "wrong_type");
  EXPECT_EQ(error_code(move("2.0")), "wrong_type");  // a fraction part, even .0, is not a whole number
  EXPECT_EQ(error_code(move("1e1")), "wrong_type");
  EXPECT_EQ(error_code(move("\"3\"")), "wrong_type");
  EXPECT_EQ(error_code(move("true")), "wrong_type");
  EXPECT_EQ(error_code(move("100001")), "bad_value");
  EXPECT_EQ(command_of<MoveEntry>(move("100000")).position, 100000u);

  EXPECT_EQ(error_code(decode(R"({"type":"call_speaker","id":"n","participant":-3})")), "wrong_type");
  EXPECT_EQ(error_code(decode(R"({"type":"call_speaker","id":"n","participant":2.5})")), "wrong_type");
  EXPECT_EQ(error_code(decode(R"({"type":"call_speaker","id":"n","participant":0})")), "bad_value");
  EXPECT_EQ(command_of<CallSpeaker>(decode(R"({"type":"call_speaker","id":"n","participant":4294967295})")).who,
            4294967295u);
  EXPECT_EQ(error_code(decode(R"({"type":"call_speaker","id":"n","participant":4294967296})")), "bad_value");
  EXPECT_EQ(error_code(decode(R"({"type":"set_turn_limit","id":"n","seconds":-60})")), "wrong_type");
  EXPECT_EQ(error_code(decode(R"({"type":"set_turn_limit","id":"n","seconds":3601})")), "bad_value");

  const auto resume = [](const std::string& last_seq) {
    return decode(R"({"type":"resume","id":"n","code":"K7MQ4T","token":"t","last_seq":)" + last_seq + "}");
  };
  EXPECT_EQ(error_code(resume("-1")), "wrong_type");
  EXPECT_EQ(error_code(resume("0.5")), "wrong_type");
  EXPECT_EQ(error_code(resume("18446744073709551616")), "wrong_type");  // beyond 64 bits: read as a fraction
  EXPECT_EQ(error_code(resume("9007199254740993")), "bad_value");       // above 2^53
  ASSERT_TRUE(resume("9007199254740992").message);
  EXPECT_EQ(std::get<ResumeRequest>(*resume("9007199254740992").message).last_seq, 9007199254740992u);
  // "-0" is read as the whole number 0.
  ASSERT_TRUE(resume("-0").message);
  EXPECT_EQ(std::get<ResumeRequest>(*resume("-0").message).last_seq, 0u);
}

TEST(ClientDecoding, EnumValuesThatDoNotExist) {
  EXPECT_EQ(error_code(decode(R"({"type":"raise_hand","id":"e","kind":"shout"})")), "bad_value");
  EXPECT_EQ(error_code(decode(R"({"type":"raise_hand","id":"e","kind":"New_Point"})")), "bad_value");
  EXPECT_EQ(error_code(decode(R"({"type":"set_policy","id":"e","policy":"random"})")), "bad_value");
  EXPECT_EQ(error_code(decode(R"({"type":"set_role","id":"e","participant":2,"role":"owner"})")), "bad_value");
  EXPECT_EQ(error_code(decode(R"({"type":"set_presence","id":"e","presence":"gone"})")), "bad_value");
  EXPECT_EQ(error_code(decode(R"({"type":"start_round","id":"e","order":"alphabetical"})")), "bad_value");
  EXPECT_EQ(error_code(decode(R"({"type":"update_profile","id":"e","location":"moon","preference":"none"})")),
            "bad_value");
  EXPECT_EQ(error_code(decode(R"({"type":"update_profile","id":"e","location":"remote","preference":"sing"})")),
            "bad_value");
  EXPECT_EQ(error_code(decode(R"({"type":"set_policy","id":"e","policy":""})")), "bad_value");
  // Enum text is read as text of at most 32 characters first: longer is too_long, not bad_value.
  EXPECT_EQ(error_code(decode(R"({"type":"set_policy","id":"e","policy":")" + std::string(33, 'p') + R"("})")),
            "too_long");
  // Joining, only participant and observer may be asked for; the facilitator key makes a facilitator.
  EXPECT_EQ(error_code(decode(R"({"type":"join","id":"e","code":"K","name":"N","role":"facilitator"})")), "bad_value");
  EXPECT_EQ(error_code(decode(R"({"type":"join","id":"e","code":"K","name":"N","role":"co_facilitator"})")),
            "bad_value");
  // set_role takes all four.
  for (const char* role : {"facilitator", "co_facilitator", "participant", "observer"})
    EXPECT_FALSE(decode(std::string(R"({"type":"set_role","id":"e","participant":2,"role":")") + role + "\"}").error)
        << role;
}

TEST(ClientDecoding, NullIsTheSameAsLeavingAFieldOut) {
  const Decoded join = decode(
      R"({"type":"join","id":"j","code":"K7MQ4T","name":"Sam","role":null,"location":null,"preference":null,"facilitator_key":null})");
  ASSERT_TRUE(join.message);
  const auto& j = std::get<JoinRequest>(*join.message);
  EXPECT_EQ(j.role, Role::participant);
  EXPECT_FALSE(j.facilitator_key);
  EXPECT_EQ(error_code(decode(R"({"type":"set_locked","id":"l","locked":null})")), "missing_field");
  // A field the type does not have is unknown even when null.
  EXPECT_EQ(error_code(decode(R"({"type":"call_next","id":"c","participant":null})")), "unknown_field");
}

TEST(ClientDecoding, OrderOfChecks) {
  // Depth is checked on the raw text before anything else, so deep broken text is too_deep.
  EXPECT_EQ(error_code(decode("[[[[[")), "too_deep");
  EXPECT_EQ(error_code(decode("[[[[")), "bad_json");
  // Four levels are allowed; brackets inside strings do not count.
  EXPECT_EQ(error_code(decode(R"({"type":"ping","id":"d","x":[[[1]]]})")), "unknown_field");
  EXPECT_EQ(error_code(decode(R"({"type":"ping","id":"d","x":[[[[1]]]]})")), "too_deep");
  const Decoded brackets = decode(R"({"type":"add_proxy","id":"d","name":"[[[[[{{{{{ \"]]"})");
  ASSERT_TRUE(brackets.message) << error_code(brackets);
  EXPECT_EQ(command_of<AddProxy>(brackets).name, "[[[[[{{{{{ \"]]");
  // A missing or mistyped field is reported before an unknown one.
  EXPECT_EQ(error_code(decode(R"({"type":"set_locked","id":"l","lock":true})")), "missing_field");
  EXPECT_EQ(error_code(decode(R"({"type":"set_locked","id":"l","locked":1,"x":1})")), "wrong_type");
  // An unknown type is reported before its fields are looked at.
  EXPECT_EQ(error_code(decode(R"({"type":"wave","id":"w","x":{}})")), "unknown_type");
  // Type is checked before id.
  EXPECT_EQ(error_code(decode(R"({"id":5})")), "missing_field");
}

TEST(ClientDecoding, TextLimitsCountCharacters) {
  std::string name240;
  for (int i = 0; i < 240; ++i) name240 += "\u674e";  // three bytes each
  const Decoded ok = decode(R"({"type":"add_proxy","id":"t","name":")" + name240 + R"("})");
  EXPECT_FALSE(ok.error) << error_code(ok);  // the codec allows 240; the meeting then allows 60
  EXPECT_EQ(error_code(decode(R"({"type":"add_proxy","id":"t","name":")" + name240 + R"(x"})")), "too_long");
  EXPECT_EQ(error_code(decode(R"({"type":"join","id":"t","code":")" + std::string(17, 'K') + R"(","name":"N"})")),
            "too_long");
  EXPECT_FALSE(decode(R"({"type":"join","id":"t","code":")" + std::string(16, 'K') + R"(","name":"N"})").error);
  EXPECT_EQ(error_code(decode(R"({"type":"resume","id":"t","code":"K","token":")" + std::string(129, 'f') +
                              R"(","last_seq":0})")),
            "too_long");
  EXPECT_EQ(error_code(decode(R"({"type":"start_round","id":"t","topic":")" + std::string(201, 't') + R"("})")),
            "too_long");
  // Text the codec lets through may still be refused by the meeting (an empty reason, a control
  // character): that is the core's reason_required / text_invalid, not a decoding error.
  EXPECT_FALSE(decode(R"({"type":"round_skip","id":"t","reason":""})").error);
  EXPECT_FALSE(decode(R"({"type":"round_skip","id":"t","reason":"a\u0001b"})").error);
}

TEST(ClientDecoding, ListsAndSignedNumbers) {
  const auto poll = [](const std::string& options) {
    return decode(R"({"type":"open_poll","id":"o","question":"Q","kind":"single_choice","options":)" + options + "}");
  };
  EXPECT_FALSE(poll("[\"a\",\"b\"]").error);
  EXPECT_FALSE(poll("[]").error);  // the meeting then asks for 2 to 20 options
  EXPECT_EQ(error_code(poll("\"a\"")), "wrong_type");
  EXPECT_EQ(error_code(poll("[\"a\",null]")), "wrong_type");  // null is not skipped inside a list
  std::string twenty_one = "[";
  for (int i = 0; i < 21; ++i) twenty_one += std::string(i ? "," : "") + "\"o" + std::to_string(i) + "\"";
  EXPECT_EQ(error_code(poll(twenty_one + "]")), "too_long");
  EXPECT_EQ(error_code(poll("[\"" + std::string(201, 'x') + "\"]")), "too_long");
  // Without a preset, a poll needs a kind.
  EXPECT_EQ(error_code(decode(R"({"type":"open_poll","id":"o","question":"Q"})")), "missing_field");
  EXPECT_EQ(error_code(decode(R"({"type":"open_poll","id":"o","question":"Q","preset":"thumbs"})")), "bad_value");

  const auto vote = [](const std::string& rest) { return decode(R"({"type":"vote","id":"v","poll":1,)" + rest + "}"); };
  EXPECT_EQ(command_of<CastVote>(vote(R"("choices":[3,0,1000])")).ballot.choices, (std::vector<std::uint32_t>{3, 0, 1000}));
  EXPECT_EQ(error_code(vote(R"("choices":[1001])")), "bad_value");
  EXPECT_EQ(error_code(vote(R"("choices":[-1])")), "wrong_type");
  EXPECT_EQ(error_code(vote(R"("choices":[1.0])")), "wrong_type");
  EXPECT_EQ(command_of<CastVote>(vote(R"("value":-100)")).ballot.scale, -100);
  EXPECT_EQ(error_code(vote(R"("value":-101)")), "bad_value");
  EXPECT_EQ(error_code(vote(R"("value":0.5)")), "wrong_type");
  EXPECT_EQ(error_code(decode(R"({"type":"vote","id":"v","poll":0})")), "bad_value");
  EXPECT_EQ(error_code(decode(R"({"type":"start_agenda_item","id":"a","item":-1})")), "wrong_type");
}

TEST(ClientDecoding, JsonTheParserRefuses) {
  EXPECT_EQ(error_code(decode("")), "bad_json");
  EXPECT_EQ(error_code(decode("{\"type\":\"ping\",\"id\":\"p\"} x")), "bad_json");
  EXPECT_EQ(error_code(decode("{\"type\":\"ping\",\"id\":\"p\xff\"}")), "bad_json");         // not UTF-8
  EXPECT_EQ(error_code(decode(R"({"type":"ping","id":"p\ud800"})")), "bad_json");          // lone surrogate
  EXPECT_EQ(error_code(decode(R"({"type":"set_turn_limit","id":"p","seconds":NaN})")), "bad_json");
  EXPECT_EQ(error_code(decode("null")), "not_an_object");
  EXPECT_EQ(error_code(decode("42")), "not_an_object");
  // Duplicate keys are not refused: the last one counts (do not rely on it).
  const Decoded dup = decode(R"({"type":"set_locked","id":"a","locked":false,"locked":true})");
  ASSERT_TRUE(dup.message);
  EXPECT_TRUE(command_of<SetLocked>(dup).locked);
}

TEST(ClientDecoding, ShapeOfTheResult) {
  ASSERT_TRUE(decode(R"({"type":"ping","id":"p"})").message);
  EXPECT_TRUE(std::holds_alternative<Ping>(*decode(R"({"type":"ping","id":"p"})").message));
  const Decoded cmd = decode(R"({"type":"call_next","id":"c"})");
  ASSERT_TRUE(cmd.message);
  EXPECT_TRUE(std::holds_alternative<CallNext>(std::get<Command>(*cmd.message)));
  // A message that decodes has no error, one that fails has no message.
  EXPECT_FALSE(cmd.error);
}

}  // namespace
}  // namespace everyvoice::codec
