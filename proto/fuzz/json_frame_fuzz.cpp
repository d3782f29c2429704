// libFuzzer main for the json_frame parser; the checks live in fuzz_json_frame().
// Run: mkdir -p /tmp/json_frame_new && build-fuzz/bin/json_frame_fuzz /tmp/json_frame_new
// tests/corpus/json_frame -max_total_time=20 (new inputs go to the first directory; the seed corpus
// stays as committed).
#include <cstddef>
#include <cstdint>

#include "proto/fuzz/fuzz_entries.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return allo::proto::fuzz_json_frame(data, size);
}
