#include "sfu/speaker_selection.hpp"

#include <algorithm>

namespace allo::sfu {

namespace {

bool track_less(const SpeakerCandidate& a, const SpeakerCandidate& b) {
  return a.track < b.track;
}

// The candidate for `track` in candidates sorted by track id, or null.
const SpeakerCandidate* find_candidate(std::span<const SpeakerCandidate> sorted, uint32_t track) {
  auto it = std::lower_bound(sorted.begin(), sorted.end(), SpeakerCandidate{track, 0}, track_less);
  return it != sorted.end() && it->track == track ? &*it : nullptr;
}

}  // namespace

bool SpeakerSelection::contains(uint32_t track) const {
  return std::binary_search(selected_.begin(), selected_.end(), track);
}

bool SpeakerSelection::update(std::span<const SpeakerCandidate> unsorted, double now_seconds) {
  // Lookups by track id are binary searches: candidates and the selection are
  // kept sorted by it (the caller usually passes them sorted already). With
  // --max-speakers 0 and hundreds of speakers, linear lookups made this
  // quadratic per listener, every 20 ms.
  std::span<const SpeakerCandidate> candidates = unsorted;
  if (!std::is_sorted(unsorted.begin(), unsorted.end(), track_less)) {
    sorted_.assign(unsorted.begin(), unsorted.end());
    std::sort(sorted_.begin(), sorted_.end(), track_less);
    candidates = sorted_;
  }
  auto level_of = [&](uint32_t track) {
    const SpeakerCandidate* c = find_candidate(candidates, track);
    return c != nullptr ? c->level_dbfs : -1e9f;
  };

  // 1. Drop selected tracks that are no longer candidates.
  const size_t before = selected_.size();
  std::erase_if(selected_,
                [&](uint32_t track) { return find_candidate(candidates, track) == nullptr; });
  bool changed = selected_.size() != before;

  // The loudest candidate not selected (ties: the lower track id), or null.
  // A scan per pick instead of a sorted copy: there are few free slots (none
  // in the steady state).
  auto loudest_waiting = [&]() -> const SpeakerCandidate* {
    if (selected_.size() == candidates.size()) return nullptr;  // all of them (no duplicates)
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
  auto select = [&](uint32_t track) {
    selected_.insert(std::upper_bound(selected_.begin(), selected_.end(), track), track);
  };

  // 2. Fill free slots at once, loudest first.
  const size_t limit = config_.max_speakers == 0 ? candidates.size() : config_.max_speakers;
  const SpeakerCandidate* waiting = loudest_waiting();
  while (selected_.size() < limit && waiting != nullptr) {
    select(waiting->track);
    changed = true;
    waiting = loudest_waiting();
  }
  if (waiting == nullptr) {
    has_challenger_ = false;
    return changed;
  }

  // 3. The loudest waiting candidate challenges the weakest selected speaker
  // (ties: the lower track id).
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
    selected_.erase(weakest);
    select(challenger.track);
    has_challenger_ = false;
    changed = true;
  }
  return changed;
}

}  // namespace allo::sfu
