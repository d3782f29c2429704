// libFuzzer main for fuzz_state_mirror (built with -DALLO_FUZZ=ON and clang).
#include <cstddef>
#include <cstdint>

#include "allo/state_mirror.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return allo::client::fuzz_state_mirror(data, size);
}
