// libFuzzer main for the state_message parser; the checks live in fuzz_state_message().
// Run: mkdir -p /tmp/state_message_new && build-fuzz/bin/state_message_fuzz /tmp/state_message_new
// tests/corpus/state_message -max_total_time=20 (new inputs go to the first directory; the seed
// corpus stays as committed).
#include <cstddef>
#include <cstdint>

#include "proto/fuzz/fuzz_entries.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return allo::proto::fuzz_state_message(data, size);
}
