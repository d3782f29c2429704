// Flow control of one client's state stream (docs/ARCHITECTURE.md, "State
// flow control"). Every intent acknowledges the revision the client holds;
// the place sends a state message each tick only while the newest revision
// it sent is fewer than `window` revisions ahead of that. A slow client's stream thus
// follows its acknowledgements; one whose acknowledgement stops moving (its
// messages lost, or the peer stalled or gone) gets a probe now and then, the
// interval doubling each time, instead of a message every tick, so the place
// does not stream to a peer that vanished.
// A client that acknowledges 0 asks for a set every time and is never held
// (deployed clients that always ack 0 must keep getting sets), so one that
// vanishes before its first acknowledgement gets sets until ENet drops it.
// Because a held client was sent nothing newer, it still holds the revision
// it acknowledged however far the world moved on: it gets a merge patch, not
// a full set, when the stream resumes (may_patch_from).
// Not thread-safe (event loop only).
#pragma once

#include <cstdint>
#include <optional>

#include "proto/limits.hpp"

namespace allo::place {

struct StateFlowLimits {
  // The stream is held once the newest revision sent is this many ahead of
  // the acknowledgement; 0 turns flow control off. Below
  // limits::kStateHistoryRevisions, so a client that was held still holds
  // its acknowledged revision and gets a merge patch.
  uint64_t window = 32;
  // Probes: the first after the round-trip timeout (smoothed round trip plus
  // four deviations, at least a quarter of it, as TCP, from the
  // acknowledgements' delays) but not
  // sooner than first_probe, each next one twice as late, up to max_probe.
  double first_probe = 0.25;  // seconds without a message or progress
  double max_probe = 8.0;
};

class StateFlow {
 public:
  enum class Verdict { kSend, kProbe, kHold };

  // What to do this tick for a client that acknowledged `acked`, a revision
  // sent (committed) at `acked_sent_at` if known. A higher acknowledgement
  // than the last one seen is progress: it resets the probe interval and
  // gives a round-trip sample.
  Verdict check(uint64_t acked, std::optional<double> acked_sent_at, double now,
                const StateFlowLimits& limits);
  // A message up to `revision` went out at `now` (after check() said so).
  void sent(uint64_t revision, double now, Verdict verdict);

  // True when the client must still hold revision `acked`, so a merge patch
  // from it applies: it acknowledged it, and nothing sent to it since is
  // limits::kStateHistoryRevisions or more revisions newer (clients keep
  // that many). Otherwise it needs the full set.
  bool may_patch_from(uint64_t acked) const;

  uint64_t sent_revision() const { return sent_revision_; }
  // How long a held client waits for progress before the next probe.
  double probe_interval(const StateFlowLimits& limits) const;

 private:
  uint64_t sent_revision_ = 0;  // the newest revision sent
  uint64_t acked_ = 0;          // the last acknowledgement seen
  double sent_at_ = 0;
  double progress_at_ = 0;  // when the acknowledgement last moved
  double srtt_ = -1;        // smoothed round trip; < 0: no sample yet
  double rttvar_ = 0;
  int probes_ = 0;  // probes since the last progress
};

}  // namespace allo::place
