// How events and meeting states are written as bytes for the event log: a compact binary form,
// versioned, with one field list per type (event_format.cpp) and the numbers of event kinds and enum
// values from one append-only table (stored_tags.hpp), never from declaration order. Round-trip
// tested against the core's own equality, and pinned byte for byte (tests/store/event_format_test.cpp).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "core/events.hpp"
#include "core/group.hpp"
#include "core/meeting_state.hpp"

namespace everyvoice::store {

struct FormatError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// A snapshot written with another state layout: not an error in the data (snapshots are a
// cache), the meeting is replayed from its events instead.
struct SnapshotOutdated : FormatError {
  using FormatError::FormatError;
};

std::string encode_event(const core::Event& event);
std::size_t encoded_size(const core::Event& event);  // encode_event(event).size(), counted without writing
core::Event decode_event(std::string_view bytes);  // throws FormatError

std::string encode_state(const core::MeetingState& state);
core::MeetingState decode_state(std::string_view bytes);  // throws FormatError, SnapshotOutdated

// A group's events (core/group.hpp), in the group_events table. A group has no snapshot: its
// events are few (one per meeting, agreement change and decision) and replayed when it is loaded.
std::string encode_group_event(const core::GroupEvent& event);
core::GroupEvent decode_group_event(std::string_view bytes);  // throws FormatError

std::string encode_ballot(const core::Ballot& ballot);
core::Ballot decode_ballot(std::string_view bytes);  // throws FormatError

}  // namespace everyvoice::store
