// FNV-1a, 64 bit: a fast non-cryptographic hash for identifying byte strings
// in tables (media payloads by their bytes). Not for anything adversarial.
#pragma once

#include <cstdint>
#include <span>

namespace allo {

inline uint64_t fnv1a64(std::span<const uint8_t> bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (uint8_t b : bytes) {
    h ^= b;
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace allo
