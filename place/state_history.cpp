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
  if (!deltas_.empty() && delta.revision != deltas_.back().revision + 1) {
    deltas_.clear();
    committed_at_.clear();
    entries_ = 0;
    bytes_ = 0;
  }
  entries_ += delta.before.size();
  bytes_ += snapshot_bytes(delta);
  deltas_.push_back(std::move(delta));
  committed_at_.push_back(at);
  while (deltas_.size() > limits_.max_depth ||
         (deltas_.size() > limits_.min_depth &&
          (entries_ > limits_.entry_budget || bytes_ > limits_.byte_budget))) {
    pop_oldest();
  }
}

void StateHistory::pop_oldest() {
  entries_ -= deltas_.front().before.size();
  bytes_ -= snapshot_bytes(deltas_.front());
  deltas_.pop_front();
  committed_at_.pop_front();
}

std::optional<double> StateHistory::committed_at(uint64_t revision) const {
  if (deltas_.empty() || revision < deltas_.front().revision || revision > newest())
    return std::nullopt;
  return committed_at_[revision - deltas_.front().revision];
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
