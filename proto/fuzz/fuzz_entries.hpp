// Fuzz entry points for the proto/ parsers, one per parser. Each feeds
// arbitrary bytes through the real parser (JSON parsers through decode_json
// first, with the limits the place uses) and, when parsing succeeds,
// serializes the result, parses it again and checks the round trip is stable.
//
// Returns 0 for every input (libFuzzer convention). Calls abort() only when a
// codec breaks its contract: an undocumented error code, or a round trip that
// changes the value. Pure functions, safe to call from any thread.
// Called by the libFuzzer mains in proto/fuzz/*_fuzz.cpp and by the seed
// corpus replay test (tests/proto/corpus_replay_test.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace allo::proto {

// decode_json / encode_json (and json_depth) on the raw bytes.
int fuzz_json_frame(const uint8_t* data, size_t size);
// parse_interaction / to_json / make_response.
int fuzz_interaction(const uint8_t* data, size_t size);
// parse_intent / to_json.
int fuzz_intent(const uint8_t* data, size_t size);
// parse_state_message; for a two-element array [from, to] also checks that
// apply_merge_patch(from, create_merge_patch(from, to)) gives `to` (with the
// object members of `to` that are null removed: RFC 7386 cannot carry them).
int fuzz_state_message(const uint8_t* data, size_t size);
// parse_clock_request / clock_reply / parse_clock_reply.
int fuzz_clock(const uint8_t* data, size_t size);
// parse_media_packet / encode_media_packet.
int fuzz_media_packet(const uint8_t* data, size_t size);
// parse_asset_frame and the typed request / data / failure parsers and
// encoders, parse_asset_message against that json path (same result, same
// error), plus parse_asset_id on the header's id.
int fuzz_asset_frame(const uint8_t* data, size_t size);

}  // namespace allo::proto
