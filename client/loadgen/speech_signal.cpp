#include "speech_signal.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace allo::loadgen {
namespace {

constexpr double kSampleRate = 48000;
constexpr size_t kFrameSamples = 960;
constexpr double kSpeechPeak = 0.35;   // about -12 dBFS RMS while voiced
constexpr double kNoiseFloor = 0.001;  // -60 dBFS

}  // namespace

SpeechSignal::SpeechSignal(uint64_t seed) : rng_(seed * 0x9e3779b97f4a7c15ULL + 1) {
  base_pitch_hz_ = std::uniform_real_distribution<double>(95, 230)(rng_);
  // Start somewhere inside a pause so speakers are not in lockstep.
  voiced_ = true;
  syllables_left_ = 0;
  start_segment();
  segment_pos_ = std::uniform_int_distribution<size_t>(0, segment_length_ - 1)(rng_);
}

void SpeechSignal::start_segment() {
  segment_pos_ = 0;
  if (voiced_ && syllables_left_ == 0) {  // phrase over: pause
    voiced_ = false;
    segment_length_ =
        static_cast<size_t>(std::uniform_real_distribution<double>(0.3, 1.2)(rng_) * kSampleRate);
    return;
  }
  if (!voiced_) syllables_left_ = std::uniform_int_distribution<int>(2, 6)(rng_);
  voiced_ = true;
  --syllables_left_;
  segment_length_ =
      static_cast<size_t>(std::uniform_real_distribution<double>(0.12, 0.3)(rng_) * kSampleRate);
  segment_pitch_hz_ = base_pitch_hz_ * std::uniform_real_distribution<double>(0.85, 1.2)(rng_);
  segment_glide_ = std::uniform_real_distribution<double>(-0.25, 0.25)(rng_);
}

std::vector<int16_t> SpeechSignal::next_frame() {
  std::vector<int16_t> pcm(kFrameSamples);
  std::normal_distribution<double> noise(0, kNoiseFloor);
  for (auto& sample : pcm) {
    if (segment_pos_ >= segment_length_) start_segment();
    double value = noise(rng_);
    if (voiced_) {
      const double x = static_cast<double>(segment_pos_) / static_cast<double>(segment_length_);
      const double envelope = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * x);
      const double pitch = segment_pitch_hz_ * (1 + segment_glide_ * x);
      phase_ += 2 * std::numbers::pi * pitch / kSampleRate;
      // Fundamental plus decaying harmonics, like a vowel.
      double voice = 0;
      for (int h = 1; h <= 5; ++h) voice += std::sin(phase_ * h) / h;
      value += kSpeechPeak * envelope * voice / 2.3;
    }
    ++segment_pos_;
    sample = static_cast<int16_t>(std::clamp(value, -1.0, 1.0) * 32767);
  }
  if (phase_ > 2 * std::numbers::pi * 1e6) phase_ = std::fmod(phase_, 2 * std::numbers::pi);
  return pcm;
}

}  // namespace allo::loadgen
