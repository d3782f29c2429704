#include "place/state_history.hpp"

namespace allo::place {

StateHistory::StateHistory(size_t depth) : depth_(depth == 0 ? 1 : depth) {}

void StateHistory::push(RevisionDelta delta) {
  if (!deltas_.empty() && delta.revision != deltas_.back().revision + 1) deltas_.clear();
  deltas_.push_back(std::move(delta));
  while (deltas_.size() > depth_) deltas_.pop_front();
}

std::optional<std::unordered_map<std::string, EntityPtr>> StateHistory::changes_since(
    uint64_t from) const {
  if (from == 0 || deltas_.empty() || from >= newest()) return std::nullopt;
  // The delta of revision from+1 must still be here.
  if (deltas_.front().revision > from + 1) return std::nullopt;
  std::unordered_map<std::string, EntityPtr> out;
  for (auto it = deltas_.begin() + static_cast<std::ptrdiff_t>(from + 1 - deltas_.front().revision);
       it != deltas_.end(); ++it) {
    for (const auto& [id, before] : it->before) out.try_emplace(id, before);
  }
  return out;
}

}  // namespace allo::place
