// Consent rounds (sociocracy): a proposal goes through clarifying questions, a reaction round and
// the consent round, where each person answers consent, concern (with text), objection (with a
// reason) or stand aside. An objection is a tracked object: the proposal cannot be adopted while
// one is open. The facilitator integrates it by amending the proposal (a new version; earlier ones
// are kept; consent is asked again), or its author withdraws it. A proposal ends adopted, not
// adopted or withdrawn, and each ending enters the decision record.
#pragma once

#include <vector>

#include "core/meeting_state.hpp"

namespace everyvoice::core {

// Open objections to the proposal's current version.
std::vector<const Objection*> open_objections(const MeetingState& state, std::uint32_t proposal);

}  // namespace everyvoice::core
