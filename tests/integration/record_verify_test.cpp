// The decision record is auditable outside the server: a real meeting makes three decisions (a
// quick consent check, a decision poll, a consent round), its minutes JSON is downloaded as an
// auditor would, and protocol/tools/verify_record.py (PROTOCOL.md 7.9) checks it; a copy with one
// character of one decision's text changed, and one with an entry removed, must fail, naming it.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "test_client.hpp"

namespace everyvoice::testing {
namespace {

namespace fs = std::filesystem;

struct Verdict {
  int status = -1;
  std::string out;
};

// Runs the verifier on `minutes` (written to a file first), as an auditor would.
Verdict verify(const std::string& minutes) {
  const fs::path dir = fs::temp_directory_path() / ("everyvoice-record-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "minutes.json";
  std::ofstream(file, std::ios::binary) << minutes;
  const std::string command = "/usr/bin/python3 " EVERYVOICE_PROTOCOL_DIR "/tools/verify_record.py '" + file.string() + "' 2>&1";
  Verdict v;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return v;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) v.out.append(buf, n);
  const int raw = ::pclose(pipe);
  v.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  fs::remove_all(dir);
  return v;
}

TEST(RecordVerify, TheServersMinutesVerifyAndATamperedCopyDoesNot) {
  ServerProcess server;
  const CreatedMeeting meeting = create_meeting(server.port(), "Comité de quartier");
  WsClient fac(server.port()), zoe(server.port()), ming(server.port());
  fac.join(meeting.code, "Fatima", {{"facilitator_key", meeting.facilitator_key}});
  zoe.join(meeting.code, "Zoë");
  ming.join(meeting.code, "明 🌱");

  // 1. A quick consent check on an agreement item.
  ASSERT_EQ(zoe.command({{"type", "propose_agreement_item"}, {"text", "Phones on silent 📵"}})["type"], "ack");
  ASSERT_EQ(fac.command({{"type", "consent_check"}, {"item", 1}})["type"], "ack");
  // 2. A named decision poll (its text holds newlines: the numbered options), with a review date.
  ASSERT_EQ(fac.command({{"type", "open_poll"}, {"question", "Which evening?"}, {"kind", "single_choice"},
                         {"options", {"Tuesday", "Thursday"}}, {"decision", true}})["type"], "ack");
  ASSERT_EQ(zoe.command({{"type", "vote"}, {"poll", 1}, {"choices", {0}}})["type"], "ack");
  ASSERT_EQ(ming.command({{"type", "vote"}, {"poll", 1}, {"choices", {1}}})["type"], "ack");
  ASSERT_EQ(fac.command({{"type", "close_poll"}, {"poll", 1}, {"review_date", "2027-03-31"}})["type"], "ack");
  // 3. A consent round, adopted with a stand-aside.
  ASSERT_EQ(fac.command({{"type", "present_proposal"}, {"title", "会议时间"},
                         {"text", "We meet every other Tuesday at 18:00."}})["type"], "ack");
  ASSERT_EQ(fac.command({{"type", "set_consent_phase"}, {"proposal", 1}, {"phase", "consent"}})["type"], "ack");
  ASSERT_EQ(zoe.command({{"type", "answer_consent"}, {"proposal", 1}, {"answer", "consent"}})["type"], "ack");
  ASSERT_EQ(ming.command({{"type", "answer_consent"}, {"proposal", 1}, {"answer", "stand_aside"}})["type"], "ack");
  ASSERT_EQ(fac.command({{"type", "adopt_proposal"}, {"proposal", 1}})["type"], "ack");

  const HttpReply reply = http_call(server.port(), "GET", "/api/meetings/" + meeting.code + "/minutes?format=json", "",
                                    {{"X-Facilitator-Key", meeting.facilitator_key}});
  ASSERT_EQ(reply.status, 200);
  const json minutes = json::parse(reply.body);
  ASSERT_EQ(minutes["decisions"].size(), 3u);
  EXPECT_EQ(minutes["decisions_chain_ok"], true);

  // The server's own bytes, untouched.
  const Verdict good = verify(reply.body);
  EXPECT_EQ(good.status, 0) << good.out;
  EXPECT_NE(good.out.find("All 3 decisions check out"), std::string::npos) << good.out;

  // One character of decision 2's text changed (Tuesday -> Tuesdax).
  json edited = minutes;
  std::string& text = edited["decisions"][1]["text"].get_ref<std::string&>();
  ASSERT_NE(text.find("Tuesday"), std::string::npos);
  text[text.find("Tuesday") + 6] = 'x';
  const Verdict changed = verify(edited.dump(2, ' ', false));
  EXPECT_EQ(changed.status, 1) << changed.out;
  EXPECT_NE(changed.out.find("decision 1 (id 1, 'Agreement item adopted'): OK"), std::string::npos) << changed.out;
  EXPECT_NE(changed.out.find("decision 2 (id 2, 'Which evening?'): FAILS"), std::string::npos) << changed.out;
  EXPECT_EQ(changed.out.find("decision 3"), std::string::npos) << "it stops at the first bad entry\n" << changed.out;

  // A non-ASCII character changed in decision 3's title (会 -> 今): byte lengths stay, the hash does not.
  edited = minutes;
  std::string& title = edited["decisions"][2]["title"].get_ref<std::string&>();
  ASSERT_EQ(title.rfind("会", 0), 0u);
  title.replace(0, std::string("会").size(), "今");
  const Verdict retitled = verify(edited.dump(2, ' ', false));
  EXPECT_EQ(retitled.status, 1) << retitled.out;
  EXPECT_NE(retitled.out.find("decision 3 (id 3, '今议时间'): FAILS: its fields do not give its hash"), std::string::npos)
      << retitled.out;

  // Decision 2 removed: decision 3 no longer follows decision 1.
  edited = minutes;
  edited["decisions"].erase(1);
  const Verdict removed = verify(edited.dump(2, ' ', false));
  EXPECT_EQ(removed.status, 1) << removed.out;
  EXPECT_NE(removed.out.find("decision 2 (id 3, '会议时间'): FAILS: the chain is broken here"), std::string::npos)
      << removed.out;
}

}  // namespace
}  // namespace everyvoice::testing
