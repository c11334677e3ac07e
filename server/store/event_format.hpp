// How events and meeting states are written as bytes for the event log: a compact binary form,
// versioned, with one field list per type (event_format.cpp). Round-trip tested against the core's
// own equality (tests/store/event_format_test.cpp): a field left out fails those tests.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "core/events.hpp"
#include "core/meeting_state.hpp"

namespace everyvoice::store {

struct FormatError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string encode_event(const core::Event& event);
core::Event decode_event(std::string_view bytes);  // throws FormatError

std::string encode_state(const core::MeetingState& state);
core::MeetingState decode_state(std::string_view bytes);  // throws FormatError

std::string encode_ballot(const core::Ballot& ballot);
core::Ballot decode_ballot(std::string_view bytes);  // throws FormatError

}  // namespace everyvoice::store
