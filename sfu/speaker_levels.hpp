// Recent audio level per track, smoothed so selection follows speech, not
// single packets: fast attack (a voice that starts is noticed within a few
// packets), slow release (a pause between words does not drop it), and a
// track that sent nothing for kStaleSeconds counts as silent (Opus DTX and
// muted clients simply stop sending).
//
// Thread-safety: none; each worker keeps its own table, fed with the level
// stamped on every packet it receives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>

namespace allo::sfu {

class SpeakerLevels {
 public:
  static constexpr double kStaleSeconds = 0.3;
  static constexpr float kAttack = 0.5f;    // weight of a louder packet
  static constexpr float kRelease = 0.08f;  // weight of a quieter packet

  void update(uint32_t track, float packet_dbfs, double now_seconds);
  // Smoothed level in dBFS; kSilenceDbfs when unknown or stale.
  float level(uint32_t track, double now_seconds) const;
  void forget(uint32_t track) { levels_.erase(track); }
  // Tracks that sent a packet within kStaleSeconds.
  size_t active_count(double now_seconds) const;

 private:
  struct Entry {
    float smoothed_dbfs;
    double last_packet_seconds;
  };
  std::unordered_map<uint32_t, Entry> levels_;
};

}  // namespace allo::sfu
