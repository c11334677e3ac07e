// Live polls: single choice, multiple choice, scale, ranked choice (instant runoff) and open text;
// named or anonymous.
//
// Anonymity, as the core keeps it: an anonymous vote becomes two events that share nothing
// (VoterRecorded: who; BallotCounted: what); the poll keeps who has voted and the ballots apart,
// the ballots sorted so their order says nothing; anonymous polls show results only at close, and
// only when at least spec.min_voters voted (otherwise the result is withheld); nothing turns an
// anonymous poll named, and nothing reopens a closed poll. When a result is withheld, its ballots
// are discarded at close (state and store), so it cannot be worked out later.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/meeting_state.hpp"

namespace everyvoice::core {

// The poll's result from its ballots as they stand (for live results and at close).
PollResult count_poll(const Poll& poll);

// Why a ballot does not fit the poll, or nullopt when it does.
std::optional<std::string> ballot_problem(const PollSpec& spec, const Ballot& ballot);

// Whether results may be shown to someone now: always once closed (unless withheld); while open,
// for `live` polls, and for `after_vote` polls once `viewer_voted`. Never for anonymous polls
// while open.
bool results_visible(const Poll& poll, bool viewer_voted);

// A one-line result for the decision record: "Option B: 5 of 9 votes", "withheld: ...".
std::string describe_result(const Poll& poll, const PollResult& result, std::string_view language = "en");

}  // namespace everyvoice::core
