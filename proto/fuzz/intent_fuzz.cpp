// libFuzzer main for the intent parser; the checks live in fuzz_intent().
// Run: mkdir -p /tmp/intent_new && build-fuzz/bin/intent_fuzz /tmp/intent_new tests/corpus/intent
// -max_total_time=20 (new inputs go to the first directory; the seed corpus stays as committed).
#include <cstddef>
#include <cstdint>

#include "proto/fuzz/fuzz_entries.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return allo::proto::fuzz_intent(data, size);
}
