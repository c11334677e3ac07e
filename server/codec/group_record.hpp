// A group's record for its organisers (GET /api/groups/{code}): its meetings, its working together
// agreement with every version, and its decision log, chained across meetings. JSON (for the
// group page and other tools) or Markdown (the group report, to read, print and share).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/group.hpp"

namespace everyvoice::codec {

nlohmann::json group_record(const core::GroupState& group, std::string_view code);
// An idea as its group's organisers see it, and as its author follows it (without the follow hash).
nlohmann::json group_idea(const core::GroupIdea& idea);
std::string group_report_md(const core::GroupState& group, std::string_view code);
// A member as the group's organisers see them, and as they see themselves.
nlohmann::json group_member(const core::GroupState& group, const core::GroupMember& member);
// What a member sees of the group through their member link: the group's name, their own data,
// their own participation record and the roles they held.
nlohmann::json member_view(const core::GroupState& group, const core::GroupMember& member);
// The participation record (CSV, RFC 4180): one row per consenting member per meeting they
// attended, with their speaking time and turns. Members who did not agree to it have no rows.
std::string participation_csv(const core::GroupState& group);

}  // namespace everyvoice::codec
