// Seeds for fuzz_store_decode: real events, states and ballots in the event log's byte format, each
// behind the byte that picks its decoder (0 event, 1 state, 2 ballot). Written fresh by
// tests/fuzz/run.sh before each run, so they always match the current format.
//   make_store_seeds <dir>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "fuzz_meeting.hpp"
#include "store/event_format.hpp"

namespace {

using namespace everyvoice;

template <std::size_t I = 0>
void add_missing_kinds(std::map<std::size_t, core::Event>& kinds) {
  if constexpr (I < std::variant_size_v<core::Event>) {
    if (!kinds.contains(I)) kinds.emplace(I, core::Event{std::in_place_index<I>});
    add_missing_kinds<I + 1>(kinds);
  }
}

bool write(const std::string& dir, const std::string& name, char picker, const std::string& bytes) {
  std::ofstream out(dir + "/" + name, std::ios::binary);
  out.put(picker);
  out << bytes;
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_store_seeds <dir>\n");
    return 2;
  }
  const std::string dir = argv[1];
  std::vector<fuzz::Room> rooms{fuzz::busy_room(), fuzz::round_room(), fuzz::quiet_room()};
  // An ended meeting, locked first: two more events, and a state that refuses everything.
  fuzz::Room ended = fuzz::quiet_room();
  ended.name = "ended";
  ended.ok(ended.people.fac, core::SetLocked{true});
  ended.ok(ended.people.fac, core::EndMeeting{});
  rooms.push_back(std::move(ended));

  // One event of each kind: the first the meetings produced, else a default one.
  std::map<std::size_t, core::Event> kinds;
  for (const auto& room : rooms)
    for (const auto& e : room.log) kinds.try_emplace(e.event.index(), e.event);
  add_missing_kinds(kinds);

  bool ok = true;
  for (const auto& [index, event] : kinds)
    ok &= write(dir, "event-" + std::to_string(index), '\0', store::encode_event(event));
  for (const auto& room : rooms) ok &= write(dir, "state-" + room.name, '\1', store::encode_state(room.state));
  const std::vector<core::Ballot> ballots{{{0}, 0, ""}, {{2, 0, 1}, 0, ""}, {{}, -3, ""}, {{}, 0, "hopeful"}};
  for (std::size_t i = 0; i < ballots.size(); ++i)
    ok &= write(dir, "ballot-" + std::to_string(i), '\2', store::encode_ballot(ballots[i]));
  if (!ok) {
    std::fprintf(stderr, "make_store_seeds: cannot write to %s\n", dir.c_str());
    return 1;
  }
  return 0;
}
