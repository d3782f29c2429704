// The parser behind Pattern::compile(): fills `out` from source[begin, end)
// (the window without surrounding triple quotes; error offsets stay relative
// to the whole source). Errors: "pattern_syntax", "pattern_too_deep",
// "pattern_too_large" (see pattern.hpp). On error `out` is partly filled and
// must be discarded.
#pragma once

#include <cstddef>
#include <string_view>

#include "guard/pattern.hpp"

namespace allo::guard {

Result<void> parse_pattern(Pattern& out, std::string_view source, size_t begin, size_t end);

}  // namespace allo::guard
