#include "common/audio_level.hpp"

#include <cmath>

namespace allo {

float rms_dbfs(std::span<const int16_t> pcm) {
  if (pcm.empty()) return kSilenceDbfs;
  double sum = 0;
  for (int16_t s : pcm) sum += static_cast<double>(s) * s;
  const double rms = std::sqrt(sum / static_cast<double>(pcm.size())) / 32768.0;
  // +3.01 dB so a full-scale sine reads 0 dBFS (AES17 convention).
  const double db = 20.0 * std::log10(rms) + 3.0103;
  return rms <= 0 || db < kSilenceDbfs ? kSilenceDbfs : static_cast<float>(db);
}

}  // namespace allo
