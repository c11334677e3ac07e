// Process signals: anonymous, counted over a sliding window that ends at `now`; the facilitator
// sets the window and the display threshold.
#include "core/signals.hpp"

#include "meeting_fixture.hpp"

#include <array>

namespace everyvoice::core {
namespace {


using Counts = std::array<std::uint32_t, signal_kind_count>;

constexpr std::size_t idx(SignalKind k) { return static_cast<std::size_t>(k); }

class SignalsTest : public testing::RoomFixture {
 protected:
  Millis t0 = 0;

  void SetUp() override {
    RoomFixture::SetUp();
    t0 = now;
  }
  void at(Millis ms_after_t0) { now = t0 + ms_after_t0; }
};

TEST_F(SignalsTest, DefaultsAreTwoMinutesAndThreePeople) {
  EXPECT_EQ(state.signal_window_seconds, 120u);
  EXPECT_EQ(state.signal_display_threshold, 3u);
  EXPECT_EQ(signal_counts(state, now), Counts{});
  EXPECT_EQ(signal_kind_count, 6u);
}

TEST_F(SignalsTest, ASignalIsAnAnonymousMark) {
  const Handled h = run(ana, SendSignal{SignalKind::slow_down});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].event, (Event{SignalSent{SignalKind::slow_down}}));
  ASSERT_EQ(state.signals.size(), 1u);
  EXPECT_EQ(state.signals[0], (SignalMark{SignalKind::slow_down, now}));
  refused(display, SendSignal{SignalKind::cant_hear}, ErrorCode::not_allowed);
  ok(fac, SendSignal{SignalKind::need_break});  // facilitators may signal too
  EXPECT_EQ(state.signals.size(), 2u);
}

TEST_F(SignalsTest, EveryKindIsCountedOnItsOwn) {
  ok(ana, SendSignal{SignalKind::slow_down});
  ok(bo, SendSignal{SignalKind::lost});
  ok(cy, SendSignal{SignalKind::cant_hear});
  ok(co, SendSignal{SignalKind::off_topic});
  ok(fac, SendSignal{SignalKind::need_break});
  ok(ana, SendSignal{SignalKind::not_heard});
  ok(bo, SendSignal{SignalKind::not_heard});
  EXPECT_EQ(signal_counts(state, now), (Counts{1, 1, 1, 1, 1, 2}));
}

TEST_F(SignalsTest, CountedWithinTheSlidingWindow) {
  at(0);
  ok(ana, SendSignal{SignalKind::slow_down});
  at(30'000);
  ok(bo, SendSignal{SignalKind::lost});
  at(60'000);
  ok(cy, SendSignal{SignalKind::slow_down});
  Counts c = signal_counts(state, t0 + 60'000);
  EXPECT_EQ(c[idx(SignalKind::slow_down)], 2u);
  EXPECT_EQ(c[idx(SignalKind::lost)], 1u);
  // The window is (now - 120 s, now]: at exactly 120 s the first mark has dropped out.
  EXPECT_EQ(signal_counts(state, t0 + 119'999)[idx(SignalKind::slow_down)], 2u);
  c = signal_counts(state, t0 + 120'000);
  EXPECT_EQ(c[idx(SignalKind::slow_down)], 1u);
  EXPECT_EQ(c[idx(SignalKind::lost)], 1u);
  c = signal_counts(state, t0 + 150'000);
  EXPECT_EQ(c[idx(SignalKind::slow_down)], 1u);
  EXPECT_EQ(c[idx(SignalKind::lost)], 0u);
  EXPECT_EQ(signal_counts(state, t0 + 180'000), Counts{});
  // Marks later than `now` do not count (a count asked for an earlier moment).
  EXPECT_EQ(signal_counts(state, t0 + 10'000)[idx(SignalKind::slow_down)], 1u);
  EXPECT_EQ(signal_counts(state, t0 + 10'000)[idx(SignalKind::lost)], 0u);
}

TEST_F(SignalsTest, OldMarksAreForgottenWhenTheNextSignalArrives) {
  at(0);
  ok(ana, SendSignal{SignalKind::slow_down});
  at(100'000);
  ok(bo, SendSignal{SignalKind::lost});
  EXPECT_EQ(state.signals.size(), 2u);
  at(150'000);  // the first mark is out of the window now
  ok(cy, SendSignal{SignalKind::lost});
  ASSERT_EQ(state.signals.size(), 2u);
  EXPECT_EQ(state.signals[0], (SignalMark{SignalKind::lost, t0 + 100'000}));
  EXPECT_EQ(state.signals[1], (SignalMark{SignalKind::lost, t0 + 150'000}));
  EXPECT_EQ(signal_counts(state, now), (Counts{0, 2, 0, 0, 0, 0}));
  EXPECT_EQ(replay(log), state);
}

TEST_F(SignalsTest, OnlyTheFacilitatorChangesTheSettingsWithinRange) {
  refused(ana, SetSignalSettings{60, 2}, ErrorCode::not_allowed);
  refused(co, SetSignalSettings{60, 2}, ErrorCode::not_allowed);  // facilitator only
  refused(display, SetSignalSettings{60, 2}, ErrorCode::not_allowed);
  refused(fac, SetSignalSettings{9, 2}, ErrorCode::invalid_argument);
  refused(fac, SetSignalSettings{3601, 2}, ErrorCode::invalid_argument);
  refused(fac, SetSignalSettings{60, 0}, ErrorCode::invalid_argument);
  refused(fac, SetSignalSettings{60, 1001}, ErrorCode::invalid_argument);
  const Handled h = run(fac, SetSignalSettings{60, 2});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].event, (Event{SignalSettingsChanged{60, 2}}));
  EXPECT_EQ(state.signal_window_seconds, 60u);
  EXPECT_EQ(state.signal_display_threshold, 2u);
  ok(fac, SetSignalSettings{10, 1});
  ok(fac, SetSignalSettings{3600, 1000});
  EXPECT_EQ(state.signal_window_seconds, 3600u);
}

TEST_F(SignalsTest, ANewWindowAppliesToTheCountAtOnce) {
  at(0);
  ok(ana, SendSignal{SignalKind::slow_down});
  at(40'000);
  ok(bo, SendSignal{SignalKind::slow_down});
  at(50'000);
  EXPECT_EQ(signal_counts(state, now)[idx(SignalKind::slow_down)], 2u);
  ok(fac, SetSignalSettings{30, 3});  // window 30 s: only the mark at 40 s counts at 50 s
  EXPECT_EQ(signal_counts(state, now)[idx(SignalKind::slow_down)], 1u);
  ok(fac, SetSignalSettings{600, 3});  // a longer window brings back marks still held
  EXPECT_EQ(signal_counts(state, now)[idx(SignalKind::slow_down)], 2u);
  at(70'000);
  ok(cy, SendSignal{SignalKind::slow_down});
  EXPECT_EQ(signal_counts(state, now)[idx(SignalKind::slow_down)], 3u);
  EXPECT_EQ(replay(log), state);
}

TEST_F(SignalsTest, OnePersonCanSendTheSameSignalRepeatedly) {
  // Signals carry nobody, so the core counts signals, not people: three from one person reach a
  // threshold of three. (Reported as a limitation: the display threshold is described as "people".)
  ok(ana, SendSignal{SignalKind::lost});
  ok(ana, SendSignal{SignalKind::lost});
  ok(ana, SendSignal{SignalKind::lost});
  EXPECT_EQ(signal_counts(state, now)[idx(SignalKind::lost)], 3u);
  EXPECT_GE(signal_counts(state, now)[idx(SignalKind::lost)], state.signal_display_threshold);
}

}  // namespace
}  // namespace everyvoice::core
