#include "store/commit_pacing.hpp"

#include <algorithm>

namespace everyvoice::store {

void CommitPacing::wrote(Writer writer, Time started) {
  recent_[next_] = writer;
  next_ = (next_ + 1) % remembered;
  count_ = std::min(count_ + 1, remembered);
  last_start_ = started;
}

std::size_t CommitPacing::recent_people() const {
  std::size_t people = 0;
  for (std::size_t i = 0; i < count_; ++i)
    if (std::find(recent_.begin(), recent_.begin() + static_cast<std::ptrdiff_t>(i), recent_[i]) ==
        recent_.begin() + static_cast<std::ptrdiff_t>(i))
      ++people;
  return people;
}

std::optional<CommitPacing::Time> CommitPacing::start_at(Time now) const {
  if (window_.count() == 0 || !last_start_ || now >= *last_start_ + window_) return std::nullopt;
  if (recent_people() < siblings_) return std::nullopt;
  return *last_start_ + window_;
}

}  // namespace everyvoice::store
