// SpeechSignal: a deterministic speech-like test signal, 48 kHz mono, in
// 20 ms frames: phrases of 2..6 voiced syllables (a harmonic tone with a
// gliding pitch under a raised-cosine envelope) separated by pauses of
// 0.3..1.2 s, over a -60 dBFS noise floor (so no two frames are identical and
// pauses are quiet, not digital silence). One per speaker; not thread-safe.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace allo::loadgen {

class SpeechSignal {
 public:
  // `seed` picks the voice (pitch) and the phrase/pause pattern.
  explicit SpeechSignal(uint64_t seed);
  // The next 960 samples.
  std::vector<int16_t> next_frame();

 private:
  void start_segment();
  std::mt19937_64 rng_;
  double base_pitch_hz_;
  double phase_ = 0;
  // Current segment: a syllable (voiced) or a pause, in samples.
  bool voiced_ = false;
  int syllables_left_ = 0;
  size_t segment_length_ = 0, segment_pos_ = 0;
  double segment_pitch_hz_ = 0, segment_glide_ = 0;
};

}  // namespace allo::loadgen
