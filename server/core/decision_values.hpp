// Values shared by the decision commands, events and state: a poll's settings, a ballot, a poll's
// result, a decision record entry, and a meeting's link to its group.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.hpp"

namespace everyvoice::core {

struct PollSpec {
  std::string question;
  PollKind kind = PollKind::single_choice;
  std::vector<std::string> options;  // choice and ranked polls: 2 to max_poll_options
  std::uint32_t max_choices = 1;     // multiple choice: how many options a ballot may mark
  std::int32_t scale_min = 0;        // scale polls (fist-to-five: 0 to 5)
  std::int32_t scale_max = 5;
  std::string min_label;
  std::string max_label;
  bool anonymous = false;
  ResultsShown shown = ResultsShown::at_close;  // anonymous polls: always at_close
  std::uint32_t min_voters = 3;                 // anonymous polls: results withheld below this (k)
  bool is_decision = false;                     // its result enters the decision record at close
  bool operator==(const PollSpec&) const = default;
};

// One person's vote. `choices` are option indexes: one for single choice, up to max_choices for
// multiple choice, an order of preference for ranked choice. `scale` for scale polls, `text` for
// open text.
struct Ballot {
  std::vector<std::uint32_t> choices;
  std::int32_t scale = 0;
  std::string text;
  bool operator==(const Ballot&) const = default;
  auto operator<=>(const Ballot&) const = default;
};

// One round of an instant-runoff count: first preferences still standing, and who was eliminated.
struct RunoffRound {
  std::vector<std::uint32_t> counts;  // per option; 0 for options eliminated earlier
  std::int32_t eliminated = -1;       // option eliminated after this round, -1 when none
  bool operator==(const RunoffRound&) const = default;
};

struct PollResult {
  std::uint32_t voters = 0;
  bool withheld = false;               // anonymous poll with fewer than min_voters: nothing else is set
  std::vector<std::uint32_t> counts;   // per option (choice, ranked first preferences) or per scale value
  double mean = 0.0;                   // scale polls
  std::vector<RunoffRound> rounds;     // ranked choice
  std::int32_t winner = -1;            // choice and ranked polls: the winning option; -1 for a tie or none
  std::vector<std::string> answers;    // open text, sorted so their order says nothing about who wrote them
  bool operator==(const PollResult&) const = default;
};

// An entry of the append-only decision record. `hash` is the SHA-256 of this record's fields and
// the previous record's hash, so an edited history is detectable (verify_decision_chain).
struct Decision {
  std::uint32_t id = 0;
  std::string title;
  std::string text;    // the exact proposal text (that version) or poll question
  std::string method;  // "consent round", "quick consent check", "poll (single_choice)", ...
  std::uint32_t present_count = 0;
  std::vector<std::string> present_names;  // empty when the method was anonymous
  std::string result;
  std::vector<std::string> dissent;  // concerns, stand-asides, votes for other options
  Millis at = 0;
  std::string review_date;  // YYYY-MM-DD or empty
  std::uint32_t agenda_item = 0;
  std::string prev_hash;
  std::string hash;
  bool operator==(const Decision&) const = default;
};

// The group a meeting belongs to (GroupAgreementCarried; core/group.hpp), as it was when the
// meeting was created. Empty `group`: a meeting on its own.
struct GroupLink {
  std::string group;  // the group's code
  std::string name;
  std::uint32_t agreement_version = 0;  // the group's agreement version it started with
  std::vector<std::uint32_t> carried;   // group item ids, carried in as agreement items first_item, first_item + 1, ...
  std::uint32_t first_item = 1;
  std::vector<std::uint32_t> reviews;   // the group's decisions (indexes) whose review it took up
  bool operator==(const GroupLink&) const = default;
};

// A meeting role a group hands out from its members' offers (core/group.hpp: assign_roles), in
// the order roles are assigned.
enum class MeetingRole : std::uint8_t { note_taker, timekeeper, greeter };
inline constexpr std::size_t meeting_role_count = 3;
std::string_view name_of(MeetingRole);  // "note_taker", "timekeeper", "greeter" (core/group.cpp)
// Who holds a role in a meeting of a group (RolesAssigned): the group member, by id and by name.
struct RoleHolder {
  MeetingRole role = MeetingRole::note_taker;
  std::uint32_t member = 0;
  std::string name;
  bool operator==(const RoleHolder&) const = default;
};

inline constexpr std::size_t max_poll_options = 20;
inline constexpr std::size_t max_option_chars = 200;
inline constexpr std::size_t max_question_chars = 500;
inline constexpr std::size_t max_answer_chars = 500;      // open-text answers
inline constexpr std::size_t max_proposal_chars = 5000;   // proposal text
inline constexpr std::size_t max_title_chars = 200;
inline constexpr std::size_t max_point_chars = 1000;      // written points and questions
inline constexpr std::size_t max_agreement_chars = 300;   // an agreement item
inline constexpr std::size_t max_comment_chars = 1000;    // concern and objection texts

}  // namespace everyvoice::core
