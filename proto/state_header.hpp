// A state message's top-level header (patch_style, revision, patch_from) read
// without building the JSON document: for clients that keep no mirror of the
// world (load generators running hundreds of clients in one process) and only
// ack revisions. A structural scan: nested values are skipped by matching
// brackets outside strings, not validated, so a damaged entity inside an
// otherwise well-formed message still reads as its revision. Anything the
// scan is unsure of (an escape in a top-level key or in patch_style, a
// revision that is not a plain unsigned integer, a missing field, a message
// over limits::kMaxPacketBytes, text after the object) gives nullopt: the
// caller then takes the full parse_state_message path, which names the error.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "proto/state_message.hpp"

namespace allo::proto {

struct StateHeader {
  PatchStyle style = PatchStyle::kSet;
  uint64_t revision = 0;    // set, merge
  uint64_t patch_from = 0;  // merge, apply
};

// Agrees with parse_state_message on every message that one accepts, or is
// nullopt (checked by the state_message fuzz target).
std::optional<StateHeader> scan_state_header(std::string_view text);

}  // namespace allo::proto
