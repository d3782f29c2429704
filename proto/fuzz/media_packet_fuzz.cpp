// libFuzzer main for the media_packet parser; the checks live in fuzz_media_packet().
// Run: mkdir -p /tmp/media_packet_new && build-fuzz/bin/media_packet_fuzz /tmp/media_packet_new
// tests/corpus/media_packet -max_total_time=20 (new inputs go to the first directory; the seed
// corpus stays as committed).
#include <cstddef>
#include <cstdint>

#include "proto/fuzz/fuzz_entries.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return allo::proto::fuzz_media_packet(data, size);
}
