#include "sfu/speaker_selection.hpp"

#include <algorithm>

namespace allo::sfu {

bool SpeakerSelection::contains(uint32_t track) const {
  return std::find(selected_.begin(), selected_.end(), track) != selected_.end();
}

bool SpeakerSelection::update(std::span<const SpeakerCandidate> candidates, double now_seconds) {
  auto level_of = [&](uint32_t track) {
    for (const SpeakerCandidate& c : candidates) {
      if (c.track == track) return c.level_dbfs;
    }
    return -1e9f;
  };
  auto is_candidate = [&](uint32_t track) {
    return std::any_of(candidates.begin(), candidates.end(),
                       [&](const SpeakerCandidate& c) { return c.track == track; });
  };

  // 1. Drop selected tracks that are no longer candidates.
  const size_t before = selected_.size();
  std::erase_if(selected_, [&](uint32_t track) { return !is_candidate(track); });
  bool changed = selected_.size() != before;

  // The loudest candidate not selected (ties: the lower track id), or null.
  // A scan per pick instead of a sorted copy: there are few free slots (none
  // in the steady state) and this runs for every listener every 20 ms.
  auto loudest_waiting = [&]() -> const SpeakerCandidate* {
    const SpeakerCandidate* best = nullptr;
    for (const SpeakerCandidate& c : candidates) {
      if (best != nullptr && (c.level_dbfs < best->level_dbfs ||
                              (c.level_dbfs == best->level_dbfs && c.track > best->track))) {
        continue;
      }
      if (!contains(c.track)) best = &c;
    }
    return best;
  };

  // 2. Fill free slots at once, loudest first.
  const size_t limit = config_.max_speakers == 0 ? candidates.size() : config_.max_speakers;
  const SpeakerCandidate* waiting = loudest_waiting();
  while (selected_.size() < limit && waiting != nullptr) {
    selected_.push_back(waiting->track);
    changed = true;
    waiting = loudest_waiting();
  }
  if (waiting == nullptr) {
    has_challenger_ = false;
    return changed;
  }

  // 3. The loudest waiting candidate challenges the weakest selected speaker.
  const SpeakerCandidate& challenger = *waiting;
  auto weakest = std::min_element(selected_.begin(), selected_.end(), [&](uint32_t a, uint32_t b) {
    return level_of(a) < level_of(b);
  });
  if (weakest == selected_.end() ||
      challenger.level_dbfs <= level_of(*weakest) + config_.margin_db) {
    has_challenger_ = false;
    return changed;
  }
  if (!has_challenger_ || challenger_ != challenger.track) {
    has_challenger_ = true;
    challenger_ = challenger.track;
    challenger_since_ = now_seconds;
    return changed;
  }
  if (now_seconds - challenger_since_ >= config_.hold_seconds) {
    *weakest = challenger.track;
    has_challenger_ = false;
    changed = true;
  }
  return changed;
}

}  // namespace allo::sfu
