// The agenda: items with a timebox; one is current; time used and the floor's sharing per item.
#pragma once

#include "core/meeting_state.hpp"

namespace everyvoice::core {

// Time spent on the item so far, including the running stretch when it is current.
Millis agenda_time_used(const AgendaItem& item, Millis now);

// Gini coefficient of speaking time within the item, over the people present now.
double agenda_item_gini(const MeetingState& state, const AgendaItem& item);

}  // namespace everyvoice::core
