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

  // Unselected candidates, loudest first.
  std::vector<SpeakerCandidate> waiting;
  for (const SpeakerCandidate& c : candidates) {
    if (!contains(c.track)) waiting.push_back(c);
  }
  std::sort(waiting.begin(), waiting.end(), [](const auto& a, const auto& b) {
    return a.level_dbfs != b.level_dbfs ? a.level_dbfs > b.level_dbfs : a.track < b.track;
  });

  // 2. Fill free slots at once.
  const size_t limit = config_.max_speakers == 0 ? candidates.size() : config_.max_speakers;
  size_t next = 0;
  while (selected_.size() < limit && next < waiting.size()) {
    selected_.push_back(waiting[next++].track);
    changed = true;
  }
  if (next >= waiting.size()) {
    has_challenger_ = false;
    return changed;
  }

  // 3. The loudest waiting candidate challenges the weakest selected speaker.
  const SpeakerCandidate& challenger = waiting[next];
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
