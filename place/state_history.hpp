// The last revisions' deltas (what changed and the value before), enough to
// build a merge patch from any revision a client may still hold. Stores only
// changes, never whole-world copies. Not thread-safe (event loop only).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>

#include "place/world.hpp"

namespace allo::place {

class StateHistory {
 public:
  // `depth`: how many revisions back a patch may start. Clients keep
  // limits::kStateHistoryRevisions revisions, including the newest, so a base
  // more than depth-1 revisions old may already be gone on their side.
  explicit StateHistory(size_t depth);

  void push(RevisionDelta delta);

  // Every entity changed after revision `from` up to the newest revision,
  // with its snapshot at `from` (nullptr: it did not exist then). nullopt when
  // `from` is 0, not older than the newest revision, or no longer covered.
  std::optional<std::unordered_map<std::string, EntityPtr>> changes_since(uint64_t from) const;

  uint64_t newest() const { return deltas_.empty() ? 0 : deltas_.back().revision; }
  size_t size() const { return deltas_.size(); }

 private:
  size_t depth_;
  std::deque<RevisionDelta> deltas_;
};

}  // namespace allo::place
