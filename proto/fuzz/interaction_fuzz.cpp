// libFuzzer main for the interaction parser; the checks live in fuzz_interaction().
// Run: mkdir -p /tmp/interaction_new && build-fuzz/bin/interaction_fuzz /tmp/interaction_new
// tests/corpus/interaction -max_total_time=20 (new inputs go to the first directory; the seed
// corpus stays as committed).
#include <cstddef>
#include <cstdint>

#include "proto/fuzz/fuzz_entries.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return allo::proto::fuzz_interaction(data, size);
}
