// Monotonic time in seconds as a double (the unit of the protocol's clocks).
#pragma once

#include <chrono>
#include <cstdint>

namespace allo {

inline double mono_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

// The same clock in integer nanoseconds (packet arrival stamps).
inline int64_t mono_ns() {
  using namespace std::chrono;
  return duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace allo
