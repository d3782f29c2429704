// Test support: counts global operator new calls in this test binary, so a
// test can prove a code path makes no heap allocation.
#pragma once

namespace allo::guard::testing {

long allocation_count();

}  // namespace allo::guard::testing
