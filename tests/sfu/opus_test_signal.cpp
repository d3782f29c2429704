#include "opus_test_signal.hpp"

#include <opus.h>

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace allo::sfu::test {

std::vector<std::vector<uint8_t>> encode_sine(float amplitude, float frequency_hz, int frames) {
  int error = 0;
  OpusEncoder* encoder = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &error);
  if (error != OPUS_OK) throw std::runtime_error("opus_encoder_create");
  std::vector<std::vector<uint8_t>> packets;
  std::vector<int16_t> pcm(960);
  size_t sample = 0;
  for (int f = 0; f < frames; ++f) {
    for (auto& s : pcm) {
      const double t = static_cast<double>(sample++) / 48000.0;
      s = static_cast<int16_t>(amplitude * 32767.0 *
                               std::sin(2.0 * std::numbers::pi * frequency_hz * t));
    }
    std::vector<uint8_t> out(1500);
    const int bytes = opus_encode(encoder, pcm.data(), 960, out.data(), 1500);
    if (bytes < 0) throw std::runtime_error("opus_encode");
    out.resize(static_cast<size_t>(bytes));
    packets.push_back(std::move(out));
  }
  opus_encoder_destroy(encoder);
  return packets;
}

std::vector<int16_t> decode_opus(const std::vector<uint8_t>& packet) {
  int error = 0;
  OpusDecoder* decoder = opus_decoder_create(48000, 1, &error);
  std::vector<int16_t> pcm(5760);
  const int samples = opus_decode(decoder, packet.data(), static_cast<opus_int32>(packet.size()),
                                  pcm.data(), 5760, 0);
  opus_decoder_destroy(decoder);
  if (samples < 0) return {};
  pcm.resize(static_cast<size_t>(samples));
  return pcm;
}

std::vector<std::vector<int16_t>> decode_opus_stream(
    const std::vector<std::vector<uint8_t>>& packets) {
  int error = 0;
  OpusDecoder* decoder = opus_decoder_create(48000, 1, &error);
  std::vector<std::vector<int16_t>> out;
  for (const auto& packet : packets) {
    std::vector<int16_t> pcm(5760);
    const int samples = opus_decode(decoder, packet.data(), static_cast<opus_int32>(packet.size()),
                                    pcm.data(), 5760, 0);
    pcm.resize(samples < 0 ? 0 : static_cast<size_t>(samples));
    out.push_back(std::move(pcm));
  }
  opus_decoder_destroy(decoder);
  return out;
}

}  // namespace allo::sfu::test
