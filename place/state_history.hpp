// The last revisions' deltas (what changed and the value before), enough to
// build a merge patch from any revision a client may still hold. Stores only
// changes, never whole-world copies. Not thread-safe (event loop only).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>

#include "place/world.hpp"
#include "proto/limits.hpp"

namespace allo::place {

// How far back the place keeps deltas. Clients keep limits::kStateHistoryRevisions
// revisions, so a patch from a revision more than that many behind the
// newest one *sent to that client* may not merge (StateFlow::may_patch_from
// decides per client). A client whose stream flow control held can be much
// further behind the world than that and still hold its acknowledged
// revision, so the history reaches further back while it is cheap: at least
// `min_depth` revisions, and up to `max_depth` while the kept deltas hold at
// most `entry_budget` changed entities and `byte_budget` bytes of old
// snapshots (which they keep alive); a busy world keeps fewer.
struct StateHistoryLimits {
  size_t min_depth = limits::kStateHistoryRevisions - 1;
  size_t max_depth = 400;                 // 20 s at 20 Hz
  size_t entry_budget = 65536;            // changed entities over all kept deltas
  size_t byte_budget = 64 * 1024 * 1024;  // their old snapshots' serialized bytes
};

class StateHistory {
 public:
  explicit StateHistory(StateHistoryLimits limits);
  // Exactly `depth` revisions (tests).
  explicit StateHistory(size_t depth)
      : StateHistory(StateHistoryLimits{depth, depth, SIZE_MAX, SIZE_MAX}) {}

  // The delta of the next revision, committed (and sent) at `at` seconds.
  void push(RevisionDelta delta, double at);

  // Every entity changed after revision `from` up to the newest revision,
  // with its snapshot at `from` (nullptr: it did not exist then). nullopt when
  // `from` is 0, not older than the newest revision, or no longer covered.
  std::optional<std::unordered_map<std::string, EntityPtr>> changes_since(uint64_t from) const;

  uint64_t newest() const { return deltas_.empty() ? 0 : deltas_.back().delta.revision; }
  size_t size() const { return deltas_.size(); }
  size_t entries() const { return entries_; }
  size_t bytes() const { return bytes_; }
  // When `revision` was committed, while its delta is kept.
  std::optional<double> committed_at(uint64_t revision) const;

 private:
  struct Kept {
    RevisionDelta delta;
    double committed_at;
    size_t bytes;  // of the old snapshots it keeps alive
  };
  uint64_t oldest() const { return deltas_.front().delta.revision; }
  void pop_oldest();

  StateHistoryLimits limits_;
  std::deque<Kept> deltas_;
  size_t entries_ = 0;
  size_t bytes_ = 0;
};

}  // namespace allo::place
