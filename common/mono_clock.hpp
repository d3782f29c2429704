// Monotonic time in seconds as a double (the unit of the protocol's clocks).
#pragma once

#include <chrono>

namespace allo {

inline double mono_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace allo
