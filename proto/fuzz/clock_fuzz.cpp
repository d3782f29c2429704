// libFuzzer main for the clock parser; the checks live in fuzz_clock().
// Run: mkdir -p /tmp/clock_new && build-fuzz/bin/clock_fuzz /tmp/clock_new tests/corpus/clock
// -max_total_time=20 (new inputs go to the first directory; the seed corpus stays as committed).
#include <cstddef>
#include <cstdint>

#include "proto/fuzz/fuzz_entries.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return allo::proto::fuzz_clock(data, size);
}
