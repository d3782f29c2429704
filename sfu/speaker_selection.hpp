// Which speakers one listener hears: at most max_speakers tracks (0 = all),
// the loudest by smoothed level, with hysteresis so voices do not flicker:
// free slots are filled at once, but a candidate replaces the weakest selected
// speaker only after it has been louder by more than margin_db for hold_seconds
// without interruption. Candidates that disappear (track removed, out of
// radius) leave the selection at the next update.
//
// Thread-safety: none; owned by the thread that owns the listener (a worker
// for direct-path listeners, the link thread for compatible-path ones).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace allo::sfu {

struct SelectionConfig {
  size_t max_speakers = 6;  // 0 = every speaker
  float margin_db = 6.0f;
  double hold_seconds = 0.25;
};

struct SpeakerCandidate {
  uint32_t track;
  float level_dbfs;
};

class SpeakerSelection {
 public:
  explicit SpeakerSelection(SelectionConfig config) : config_(config) {}

  // Re-evaluates against this listener's current candidates (no duplicates;
  // sorted by track id is cheapest, any order works). Returns true when the
  // selected set changed.
  bool update(std::span<const SpeakerCandidate> candidates, double now_seconds);

  // Sorted by track id.
  const std::vector<uint32_t>& selected() const { return selected_; }
  bool contains(uint32_t track) const;

 private:
  SelectionConfig config_;
  std::vector<uint32_t> selected_;        // sorted by track id
  std::vector<SpeakerCandidate> sorted_;  // scratch for unsorted candidates
  uint32_t challenger_ = 0;
  bool has_challenger_ = false;
  double challenger_since_ = 0;
};

}  // namespace allo::sfu
