// libFuzzer main for the asset_frame parser; the checks live in fuzz_asset_frame().
// Run: mkdir -p /tmp/asset_frame_new && build-fuzz/bin/asset_frame_fuzz /tmp/asset_frame_new
// tests/corpus/asset_frame -max_total_time=20 (new inputs go to the first directory; the seed
// corpus stays as committed).
#include <cstddef>
#include <cstdint>

#include "proto/fuzz/fuzz_entries.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return allo::proto::fuzz_asset_frame(data, size);
}
