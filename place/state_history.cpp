#include "place/state_history.hpp"

#include <algorithm>

namespace allo::place {
namespace {

size_t snapshot_bytes(const RevisionDelta& delta) {
  size_t bytes = 0;
  for (const auto& [id, before] : delta.before) {
    if (before) bytes += before->keyed_dump.size();
  }
  return bytes;
}

}  // namespace

StateHistory::StateHistory(StateHistoryLimits limits) : limits_(limits) {
  limits_.min_depth = std::max<size_t>(limits_.min_depth, 1);
  limits_.max_depth = std::max(limits_.max_depth, limits_.min_depth);
}

void StateHistory::push(RevisionDelta delta, double at) {
  if (!deltas_.empty() && delta.revision != newest() + 1) {
    deltas_.clear();
    entries_ = 0;
    bytes_ = 0;
  }
  size_t bytes = snapshot_bytes(delta);
  entries_ += delta.before.size();
  bytes_ += bytes;
  deltas_.push_back({std::move(delta), at, bytes});
  while (deltas_.size() > limits_.max_depth ||
         (deltas_.size() > limits_.min_depth &&
          (entries_ > limits_.entry_budget || bytes_ > limits_.byte_budget))) {
    pop_oldest();
  }
}

void StateHistory::pop_oldest() {
  entries_ -= deltas_.front().delta.before.size();
  bytes_ -= deltas_.front().bytes;
  deltas_.pop_front();
}

std::optional<double> StateHistory::committed_at(uint64_t revision) const {
  if (deltas_.empty() || revision < oldest() || revision > newest()) return std::nullopt;
  return deltas_[revision - oldest()].committed_at;
}

std::optional<std::unordered_map<std::string, EntityPtr>> StateHistory::changes_since(
    uint64_t from) const {
  if (from == 0 || deltas_.empty() || from >= newest()) return std::nullopt;
  // The delta of revision from+1 must still be here.
  if (oldest() > from + 1) return std::nullopt;
  std::unordered_map<std::string, EntityPtr> out;
  for (auto it = deltas_.begin() + static_cast<std::ptrdiff_t>(from + 1 - oldest());
       it != deltas_.end(); ++it) {
    for (const auto& [id, before] : it->delta.before) out.try_emplace(id, before);
  }
  return out;
}

}  // namespace allo::place
