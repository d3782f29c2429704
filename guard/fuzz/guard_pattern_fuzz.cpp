// libFuzzer main for the guard-pattern language; the checks live in
// fuzz_guard_pattern(). Run: mkdir -p /tmp/guard_pattern_new &&
// build-fuzz/bin/guard_pattern_fuzz /tmp/guard_pattern_new tests/corpus/guard_pattern
// -max_total_time=20 (new inputs go to the first directory; the seed corpus
// stays as committed).
#include <cstddef>
#include <cstdint>

#include "guard/fuzz/fuzz_guard_pattern.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return allo::guard::fuzz_guard_pattern(data, size);
}
