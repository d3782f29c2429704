// Fuzz entry point for the guard-pattern compiler and evaluator.
//
// fuzz_guard_pattern() compiles the bytes as pattern text; when they compile,
// it evaluates the pattern against a few fixed values (the docs' interactions,
// a deep value, a long list, scalars) with and without a sender context.
// Returns 0 for every input (libFuzzer convention). Calls abort() only when
// the library breaks its contract: an undocumented error code, a
// "pattern_syntax" error without its "at N:" position, a compiled pattern
// over a limit, or a match whose first element differs from the pattern's
// first_literal() (SubscriptionTable's index relies on that).
// Pure, safe to call from any thread. Called by guard/fuzz/guard_pattern_fuzz.cpp
// and by the corpus replay test (tests/guard/guard_corpus_test.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace allo::guard {

int fuzz_guard_pattern(const uint8_t* data, size_t size);

}  // namespace allo::guard
