#include "sfu/speaker_levels.hpp"

#include "sfu/opus_level_meter.hpp"

namespace allo::sfu {

void SpeakerLevels::update(uint32_t track, float packet_dbfs, double now_seconds) {
  auto [it, inserted] = levels_.try_emplace(track, Entry{packet_dbfs, now_seconds});
  if (inserted) return;
  Entry& entry = it->second;
  if (now_seconds - entry.last_packet_seconds > kStaleSeconds) entry.smoothed_dbfs = kSilenceDbfs;
  const float weight = packet_dbfs > entry.smoothed_dbfs ? kAttack : kRelease;
  entry.smoothed_dbfs += weight * (packet_dbfs - entry.smoothed_dbfs);
  entry.last_packet_seconds = now_seconds;
}

float SpeakerLevels::level(uint32_t track, double now_seconds) const {
  auto it = levels_.find(track);
  if (it == levels_.end() || now_seconds - it->second.last_packet_seconds > kStaleSeconds) {
    return kSilenceDbfs;
  }
  return it->second.smoothed_dbfs;
}

size_t SpeakerLevels::active_count(double now_seconds) const {
  size_t count = 0;
  for (const auto& [track, entry] : levels_) {
    if (now_seconds - entry.last_packet_seconds <= kStaleSeconds) ++count;
  }
  return count;
}

}  // namespace allo::sfu
