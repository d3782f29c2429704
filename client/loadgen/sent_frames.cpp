#include "sent_frames.hpp"

#include <algorithm>
#include <limits>

#include "allo/voice_opus_decoder.hpp"
#include "allo/voice_opus_encoder.hpp"
#include "common/audio_level.hpp"
#include "common/bytes_hash.hpp"
#include "speech_signal.hpp"

namespace allo::loadgen {
namespace {

constexpr uint32_t kAmbiguous = std::numeric_limits<uint32_t>::max();

}  // namespace

uint64_t payload_hash(std::span<const uint8_t> bytes) {
  return hash_bytes(bytes);
}

proto::Result<SentFrames> SentFrames::encode(uint32_t speakers, uint32_t frames) {
  SentFrames out;
  out.frames_per_speaker_ = frames;
  out.frames_.resize(speakers);
  out.levels_.resize(speakers);
  out.sent_at_.resize(speakers);
  out.index_.resize(speakers);
  for (uint32_t s = 0; s < speakers; ++s) {
    auto encoder = client::VoiceOpusEncoder::create();
    if (!encoder) return std::unexpected(encoder.error());
    SpeechSignal signal(s);
    out.sent_at_[s] = std::make_unique<std::atomic<double>[]>(frames);
    for (uint32_t f = 0; f < frames; ++f) out.sent_at_[s][f].store(-1.0, std::memory_order_relaxed);
    out.frames_[s].reserve(frames);
    for (uint32_t f = 0; f < frames; ++f) {
      const auto pcm = signal.next_frame();
      out.levels_[s].push_back(rms_dbfs(pcm));
      auto opus = encoder->encode(pcm);
      if (!opus) return std::unexpected(opus.error());
      auto [it, inserted] = out.index_[s].emplace(payload_hash(*opus), f);
      if (!inserted) it->second = kAmbiguous;
      out.frames_[s].push_back(std::move(*opus));
    }
  }
  return out;
}

std::optional<uint32_t> SentFrames::find(uint32_t speaker, std::span<const uint8_t> payload) const {
  auto it = index_[speaker].find(payload_hash(payload));
  if (it == index_[speaker].end() || it->second == kAmbiguous) return std::nullopt;
  const auto& sent = frames_[speaker][it->second];
  if (!std::equal(sent.begin(), sent.end(), payload.begin(), payload.end())) return std::nullopt;
  return it->second;
}

}  // namespace allo::loadgen
