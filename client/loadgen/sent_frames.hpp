// SentFrames: every speaker's Opus frames, encoded before the run, and when
// each was sent. A received payload is identified by (track, payload hash):
// the Opus bytes carry no timestamp, but every frame of a speaker differs (the
// signal has a noise floor), so the hash finds the frame and its send time.
// All clients live in one process, so one clock serves both ends.
// Thread-safe once encoded: the frames are read-only, and a frame's send
// time is an atomic, written by the thread that sends it (mark_sent,
// release) and read by the threads of its listeners (sent_at, acquire).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "proto/error.hpp"

namespace allo::loadgen {

// Every frame is 20 ms of audio, and each speaker sends one every 20 ms.
inline constexpr double kFrameSeconds = 0.02;

// hash_bytes (common/bytes_hash.hpp) of the payload.
uint64_t payload_hash(std::span<const uint8_t> bytes);

class SentFrames {
 public:
  // Encodes `frames` frames of SpeechSignal(seed = speaker) for each speaker.
  // Errors: codec errors.
  static proto::Result<SentFrames> encode(uint32_t speakers, uint32_t frames);

  uint32_t speakers() const { return static_cast<uint32_t>(frames_.size()); }
  uint32_t frames_per_speaker() const { return frames_per_speaker_; }
  const std::vector<uint8_t>& opus(uint32_t speaker, uint32_t frame) const {
    return frames_[speaker][frame];
  }
  // The frame's audio level before encoding (common/audio_level.hpp), as
  // VoiceSession::send_pcm would send it.
  float level(uint32_t speaker, uint32_t frame) const { return levels_[speaker][frame]; }
  void mark_sent(uint32_t speaker, uint32_t frame, double when) {
    sent_at_[speaker][frame].store(when, std::memory_order_release);
  }
  // The frame index of `payload` for `speaker`, or nullopt when it matches none
  // (or matches a frame whose bytes repeat: those are left out).
  std::optional<uint32_t> find(uint32_t speaker, std::span<const uint8_t> payload) const;
  // Send time (mono seconds), or a negative value when not sent.
  double sent_at(uint32_t speaker, uint32_t frame) const {
    return sent_at_[speaker][frame].load(std::memory_order_acquire);
  }

 private:
  uint32_t frames_per_speaker_ = 0;
  std::vector<std::vector<std::vector<uint8_t>>> frames_;
  std::vector<std::vector<float>> levels_;
  std::vector<std::unique_ptr<std::atomic<double>[]>> sent_at_;  // per speaker, per frame
  std::vector<std::unordered_map<uint64_t, uint32_t>> index_;    // hash -> frame
};

}  // namespace allo::loadgen
