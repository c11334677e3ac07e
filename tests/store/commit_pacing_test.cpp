// The commit pacing policy on its own: commits and the people they carried in, the next start out.
#include "store/commit_pacing.hpp"

#include <gtest/gtest.h>

namespace everyvoice::store {
namespace {

using namespace std::chrono_literals;
using Time = CommitPacing::Time;

constexpr auto window = 2000us;
const Time t0 = Time{} + 1h;

TEST(CommitPacing, TheFirstCommitStartsAtOnce) {
  const CommitPacing p(window, 5);
  EXPECT_FALSE(p.start_at(t0));
}

// A vote storm: many people, a write every 400 µs. Commits start once per window.
TEST(CommitPacing, ManyPeopleWritingAtOnceShareACommitPerWindow) {
  CommitPacing p(window, 5);
  for (std::uint32_t person = 1; person <= 5; ++person) p.wrote({1, person}, t0);
  EXPECT_EQ(p.recent_people(), 5u);
  ASSERT_TRUE(p.start_at(t0 + 400us));
  EXPECT_EQ(*p.start_at(t0 + 400us), t0 + window) << "a window after the last commit started";
  EXPECT_FALSE(p.start_at(t0 + window)) << "the window is over: at once";
  EXPECT_FALSE(p.start_at(t0 + 5ms));
}

// One person sending as fast as they can: each command waits for the last one's ack, so nothing
// would arrive during a wait.
TEST(CommitPacing, OnePersonAloneIsNeverKeptWaiting) {
  CommitPacing p(window, 5);
  for (int i = 0; i < 100; ++i) p.wrote({1, 7}, t0 + std::chrono::microseconds(300 * i));
  EXPECT_EQ(p.recent_people(), 1u);
  EXPECT_FALSE(p.start_at(t0 + 30000us));
}

TEST(CommitPacing, PeopleAreAMeetingAndAPersonInIt) {
  CommitPacing p(window, 4);
  p.wrote({1, 1}, t0);
  p.wrote({2, 1}, t0);
  p.wrote({1, 2}, t0);
  p.wrote({1, 1}, t0);
  EXPECT_EQ(p.recent_people(), 3u) << "person 1 of meeting 1 twice";
  EXPECT_FALSE(p.start_at(t0 + 1us));
  p.wrote({3, 0}, t0);  // a server write (a presence change) in a third meeting
  EXPECT_EQ(p.recent_people(), 4u);
  EXPECT_TRUE(p.start_at(t0 + 1us));
}

// Only the last 16 writes count: once one person's commands have replaced a storm's, commits are
// at once again.
TEST(CommitPacing, AStormThatIsOverNoLongerPacesCommits) {
  CommitPacing p(window, 5);
  for (std::uint32_t person = 1; person <= 16; ++person) p.wrote({1, person}, t0);
  EXPECT_TRUE(p.start_at(t0 + 1us));
  for (std::size_t i = 0; i < CommitPacing::remembered - 4; ++i) p.wrote({1, 99}, t0);
  EXPECT_EQ(p.recent_people(), 5u);
  EXPECT_TRUE(p.start_at(t0 + 1us));
  p.wrote({1, 99}, t0);
  EXPECT_EQ(p.recent_people(), 4u);
  EXPECT_FALSE(p.start_at(t0 + 1us));
}

TEST(CommitPacing, AWindowOfZeroNeverWaits) {
  CommitPacing p(0us, 1);
  p.wrote({1, 1}, t0);
  EXPECT_FALSE(p.start_at(t0));
}

}  // namespace
}  // namespace everyvoice::store
