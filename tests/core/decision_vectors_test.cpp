// The decision record's test vectors (protocol/examples/decision-record/vectors.json) are this
// code's output, so the file cannot drift from the server: a meeting is driven through every kind
// of outcome with non-ASCII names and text, and each entry of the file must equal, field for field,
// the entry the core recorded, with the hash and the exact bytes hashed (PROTOCOL.md 7.9).
// To write the file afresh (only when the record itself changes, never the hash function):
//   EVERYVOICE_WRITE_DECISION_VECTORS=1 ./build/tests/core_tests --gtest_filter='DecisionVectors.*'
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "core/decision_record.hpp"
#include "codec/views.hpp"
#include "core/sha256.hpp"
#include "meeting_fixture.hpp"

namespace everyvoice::core {
namespace {

using nlohmann::json;
using testing::MeetingFixture;

const std::string vectors_path = std::string(EVERYVOICE_PROTOCOL_DIR) + "/examples/decision-record/vectors.json";

// An entry as the server writes it: the codec's own function (codec/views.cpp), so the vectors
// are what clients receive.
json to_json(const MeetingState& state, std::size_t i) { return everyvoice::codec::views::decisions(state, i)[0]; }

// An entry as an outside verifier reads it; throws if a key is missing or of another type.
Decision from_json(const json& j) {
  Decision d;
  d.id = j.at("id").get<std::uint32_t>();
  d.title = j.at("title").get<std::string>();
  d.text = j.at("text").get<std::string>();
  d.method = j.at("method").get<std::string>();
  d.present_count = j.at("present_count").get<std::uint32_t>();
  d.present_names = j.at("present_names").get<std::vector<std::string>>();
  d.result = j.at("result").get<std::string>();
  d.dissent = j.at("dissent").get<std::vector<std::string>>();
  d.at = j.at("at").get<Millis>();
  d.review_date = j.at("review_date").get<std::string>();
  d.agenda_item = j.at("agenda_item").get<std::uint32_t>();
  d.prev_hash = j.at("prev_hash").get<std::string>();
  d.hash = j.at("hash").get<std::string>();
  return d;
}

class DecisionVectors : public MeetingFixture {
 protected:
  ParticipantId fac = 0, zoe = 0, ming = 0, sam = 0;

  void SetUp() override {
    fac = join("Fatima", Role::facilitator, Location::in_room);
    zoe = join("Zoë", Role::participant, Location::in_room);
    ming = join("明");
    sam = join("Sam 🌱");
  }

  // Seven decisions, one of each outcome: an agreement item adopted by a quick consent check, a
  // named poll (with dissent and a review date, under an agenda item), a consent round adopted at
  // version 2, one not adopted, one withdrawn, an anonymous poll whose result is withheld (no
  // names), and the agreement item removed again.
  void make_record() {
    ok(zoe, ProposeAgreementItem{"Phones on silent 📵", false});
    ok(fac, QuickConsentCheck{1, true});

    advance(60'000);
    ok(fac, AddAgendaItem{"Budget 2027", 20});
    ok(fac, StartAgendaItem{1});
    PollSpec evening;
    evening.question = "Which evening?";
    evening.options = {"Tuesday", "Thursday"};
    evening.is_decision = true;
    ok(fac, OpenPoll{evening});
    ok(fac, CastVote{1, fac, Ballot{{0}, 0, ""}});
    ok(zoe, CastVote{1, zoe, Ballot{{0}, 0, ""}});
    ok(ming, CastVote{1, ming, Ballot{{1}, 0, ""}});
    ok(sam, CastVote{1, sam, Ballot{{0}, 0, ""}});
    advance(30'000);
    ok(fac, ClosePoll{1, "2027-03-31"});

    advance(120'000);
    ok(fac, PresentProposal{"会议时间", "We meet every other Tuesday at 18:00.\nOnline too.", 0, false});
    ok(fac, SetConsentPhase{1, ConsentPhase::consent});
    ok(zoe, AnswerConsent{1, zoe, ConsentAnswer::concern, "Buses are rare after 20:00"});
    ok(ming, AnswerConsent{1, ming, ConsentAnswer::objection, "我晚上工作"});
    ok(fac, AmendProposal{1, "We meet every other Tuesday at 18:00.\nOnline too, with a video link."});
    ok(zoe, AnswerConsent{1, zoe, ConsentAnswer::consent, ""});
    ok(ming, AnswerConsent{1, ming, ConsentAnswer::consent, ""});
    ok(sam, AnswerConsent{1, sam, ConsentAnswer::stand_aside, ""});
    advance(5'000);
    ok(fac, AdoptProposal{1, ""});

    advance(60'000);
    ok(fac, PresentProposal{"Snacks", "Everyone brings snacks 🍪.", 0, false});
    ok(fac, SetConsentPhase{2, ConsentPhase::consent});
    ok(zoe, AnswerConsent{2, zoe, ConsentAnswer::objection, "Allergies"});
    ok(fac, CloseProposal{2, false, "no time left"});

    advance(60'000);
    ok(fac, PresentProposal{"Move to Fridays", "We meet on Fridays.", 0, false});
    ok(fac, CloseProposal{3, true, ""});

    advance(60'000);
    PollSpec confidence;
    confidence.question = "Confidence in the budget?";
    confidence.kind = PollKind::scale;
    confidence.scale_min = 0;
    confidence.scale_max = 5;
    confidence.anonymous = true;
    confidence.is_decision = true;
    ok(fac, OpenPoll{confidence});
    ok(zoe, CastVote{2, zoe, Ballot{{}, 4, ""}});
    ok(ming, CastVote{2, ming, Ballot{{}, 2, ""}});
    ok(fac, ClosePoll{2, ""});

    advance(60'000);
    ok(fac, StartAgendaItem{0});
    ok(fac, QuickConsentCheck{1, false});
    ASSERT_EQ(state.decisions.size(), 7u);
  }

  json vectors() const {
    json entries = json::array(), inputs = json::array();
    for (std::size_t i = 0; i < state.decisions.size(); ++i) {
      entries.push_back(to_json(state, i));
      inputs.push_back(decision_digest_input(state.decisions[i]));
    }
    return {{"about", "Test vectors of the decision record's hash chain (protocol/PROTOCOL.md, section 7.9). "
                      "`decisions` are entries exactly as the server sends them (snapshot, update, minutes JSON); "
                      "each entry's `hash` is the SHA-256, in lower-case hex, of the bytes in `digest_inputs` at the "
                      "same index (a JSON string: its UTF-8 encoding is the bytes hashed). Written by "
                      "tests/core/decision_vectors_test.cpp from the server's own code, which checks this file. "
                      "Check them with: python3 protocol/tools/verify_record.py vectors.json"},
            {"decisions", std::move(entries)},
            {"decisions_chain_ok", true},
            {"digest_inputs", std::move(inputs)}};
  }
};

TEST_F(DecisionVectors, TheFileHoldsExactlyTheRecordTheServerMakes) {
  make_record();
  ASSERT_FALSE(verify_decision_chain(state.decisions).has_value());
  if (std::getenv("EVERYVOICE_WRITE_DECISION_VECTORS")) {
    std::ofstream(vectors_path, std::ios::binary) << vectors().dump(2, ' ', false) << "\n";
  }
  std::ifstream in(vectors_path, std::ios::binary);
  ASSERT_TRUE(in) << "cannot read " << vectors_path;
  const json file = json::parse(in);
  const json& entries = file.at("decisions");
  const json& inputs = file.at("digest_inputs");
  ASSERT_EQ(entries.size(), state.decisions.size());
  ASSERT_EQ(inputs.size(), state.decisions.size());
  for (std::size_t i = 0; i < state.decisions.size(); ++i) {
    const Decision& made = state.decisions[i];
    SCOPED_TRACE("decision " + std::to_string(i + 1));
    EXPECT_EQ(entries[i], to_json(state, i));  // every key, nothing more
    const Decision read = from_json(entries[i]);
    EXPECT_EQ(read, made);
    EXPECT_EQ(inputs[i].get<std::string>(), decision_digest_input(made));
    EXPECT_EQ(sha256_hex(inputs[i].get<std::string>()), read.hash);
    EXPECT_EQ(decision_hash(read), read.hash);
  }
  EXPECT_EQ(file.at("decisions_chain_ok"), true);
}

TEST_F(DecisionVectors, EveryOutcomeAndEveryKindOfTextIsCovered) {
  make_record();
  const auto& r = state.decisions;
  EXPECT_EQ(r[0].method, "quick consent check");
  EXPECT_EQ(r[0].result, "adopted into the working together agreement");
  EXPECT_EQ(r[1].method, "poll (single_choice, named)");
  EXPECT_EQ(r[1].dissent, std::vector<std::string>{"1 vote for Thursday"});
  EXPECT_EQ(r[1].review_date, "2027-03-31");
  EXPECT_EQ(r[1].agenda_item, 1u);
  EXPECT_EQ(r[2].method, "consent round (version 2)");
  EXPECT_EQ(r[2].result.rfind("adopted: ", 0), 0u);
  EXPECT_EQ(r[3].result.rfind("not adopted: ", 0), 0u);
  EXPECT_EQ(r[4].result, "withdrawn");
  EXPECT_EQ(r[5].method, "poll (scale, anonymous)");
  EXPECT_EQ(r[5].result.rfind("withheld: ", 0), 0u);
  EXPECT_TRUE(r[5].present_names.empty());
  EXPECT_EQ(r[5].present_count, 4u);
  EXPECT_EQ(r[6].result, "removed from the working together agreement");
  EXPECT_EQ(r[6].agenda_item, 0u);
}

// Pins that do not come from the code under test: lengths are UTF-8 bytes, lists are a count then
// their items, numbers are decimal, the first prev_hash is 64 zeros. If the hash function changed,
// records already stored would stop verifying: these, and the first hash, must never change.
TEST_F(DecisionVectors, TheBytesHashedArePinned) {
  make_record();
  const Decision& first = state.decisions[0];
  const std::string expected =
      "1:1\n"
      "22:Agreement item adopted\n"
      "21:Phones on silent \xF0\x9F\x93\xB5\n"  // the emoji is 4 bytes: 17 + 4
      "19:quick consent check\n"
      "1:4\n"
      "1:4\n"
      "6:Fatima\n"
      "4:Zo\xC3\xAB\n"  // ë is 2 bytes
      "3:\xE6\x98\x8E\n"  // 明 is 3 bytes
      "8:Sam \xF0\x9F\x8C\xB1\n"
      "43:adopted into the working together agreement\n"
      "1:0\n"
      "13:1700000000000\n"
      "0:\n"
      "1:0\n"
      "64:0000000000000000000000000000000000000000000000000000000000000000\n";
  EXPECT_EQ(decision_digest_input(first), expected);
  EXPECT_EQ(first.hash, sha256_hex(expected));
  EXPECT_EQ(first.hash, "69518b27f4c6748dc91a0bfa8046c9d84476f37fc0fdb78d60e640613a25cb06");
  // A value holding newlines is not escaped: its byte length says where it ends.
  EXPECT_NE(decision_digest_input(state.decisions[1]).find("37:Which evening?\n1. Tuesday\n2. Thursday\n"),
            std::string::npos);
}

}  // namespace
}  // namespace everyvoice::core
