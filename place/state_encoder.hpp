// Builds the channel-0 state messages of one tick. Each distinct message (a
// merge patch from one acked revision, or the full set) is computed and
// serialized once and its bytes shared by every client that needs it; an
// entity diffed against the same old snapshot is diffed once per tick.
// Not thread-safe (event loop only).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "place/state_history.hpp"
#include "place/world.hpp"

namespace allo::place {

using SharedBytes = std::shared_ptr<const std::string>;

class StateEncoder {
 public:
  struct TickStats {
    size_t patches_built = 0;  // distinct merge patches this tick
    size_t sets_built = 0;     // 0 or 1
  };

  // Forgets the previous tick's messages; `world` and `history` must outlive
  // the calls to message_for() of this tick.
  void begin_tick(const World& world, const StateHistory& history);

  // The message for a client that acknowledged `acked`: a merge patch when
  // the history covers it, else the full set. nullptr when the client is
  // already at the newest revision.
  SharedBytes message_for(uint64_t acked);
  // The full set of this tick.
  SharedBytes full_set();

  // True when `bytes` is this tick's full set (never builds it).
  bool is_full_set(const SharedBytes& bytes) const { return bytes && bytes == set_; }
  const TickStats& stats() const { return stats_; }

 private:
  SharedBytes build_patch(uint64_t acked,
                          const std::unordered_map<std::string, EntityPtr>& changes);

  const World* world_ = nullptr;
  const StateHistory* history_ = nullptr;
  std::unordered_map<uint64_t, SharedBytes> patches_;
  std::unordered_map<const Entity*, json> entity_diffs_;  // keyed by the old snapshot
  SharedBytes set_;
  TickStats stats_;
};

// The full document as a set message, built by concatenating each entity's
// cached serialization (no JSON tree is built).
std::string encode_full_set(const World& world);

}  // namespace allo::place
