// The minutes of a meeting, for facilitators to download: Markdown (to read and share), JSON (for
// other tools) or CSV (the speaking figures, for a spreadsheet).
#pragma once

#include <string>
#include <string_view>

#include "core/meeting_state.hpp"

namespace everyvoice::codec {

// "md" (to read), "doc" (the same document as JSON blocks, for the minutes page), "json" (every
// section) or "csv" (the speaking figures); "" for any other format.
std::string render_minutes(const core::MeetingState& state, std::string_view code, std::string_view format, core::Millis now);

// The Content-Type of a minutes format.
std::string_view minutes_content_type(std::string_view format);

}  // namespace everyvoice::codec
