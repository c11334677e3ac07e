// A meeting driven the way the server drives it: commands in, stamped events applied, a clock
// that only moves when a test says so.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/meeting.hpp"

namespace everyvoice::core::testing {

class MeetingFixture : public ::testing::Test {
 protected:
  MeetingState state;
  std::vector<Stamped> log;
  Millis now = 1'700'000'000'000;

  Handled run(ParticipantId actor, const Command& command) {
    Handled h = handle(state, actor, command, now);
    log.insert(log.end(), h.events.begin(), h.events.end());
    return h;
  }
  // Runs a command that must be accepted.
  void ok(ParticipantId actor, const Command& command) {
    Handled h = run(actor, command);
    ASSERT_TRUE(h.accepted()) << h.rejection->message;
  }
  // Runs a command that must be refused with `code`, and checks the state did not change.
  void refused(ParticipantId actor, const Command& command, ErrorCode code) {
    const MeetingState before = state;
    Handled h = run(actor, command);
    ASSERT_FALSE(h.accepted());
    EXPECT_EQ(h.rejection->code, code) << h.rejection->message;
    EXPECT_FALSE(h.rejection->message.empty());
    EXPECT_EQ(state, before);
  }
  ParticipantId join(const std::string& name, Role role = Role::participant, Location where = Location::remote) {
    Handled h = run(server_actor, Join{name, role, where, Preference::none});
    EXPECT_TRUE(h.accepted()) << (h.rejection ? h.rejection->message : "");
    return static_cast<ParticipantId>(state.participants.size());
  }
  void advance(Millis ms) { now += ms; }
  // A whole turn of `ms` for `who`, given by the facilitator `by`.
  void speak(ParticipantId by, ParticipantId who, Millis ms, const std::string& reason = "test") {
    ok(by, CallSpeaker{who, reason});
    advance(ms);
    ok(by, EndTurn{});
  }
};

// The room most decision tests use: a facilitator, a co-facilitator, three participants and the
// room display (an observer in the room), joined in that order.
class RoomFixture : public MeetingFixture {
 protected:
  ParticipantId fac = 0, co = 0, ana = 0, bo = 0, cy = 0, display = 0;

  void SetUp() override {
    fac = join("Fac", Role::facilitator);
    co = join("Co", Role::co_facilitator);
    ana = join("Ana");
    bo = join("Bo");
    cy = join("Cy");
    display = join("Room display", Role::observer, Location::in_room);
  }
};

}  // namespace everyvoice::core::testing
