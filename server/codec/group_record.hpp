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

}  // namespace everyvoice::codec
