// The voice requests an SDK sends to "place" and pure parsers for their
// replies, plus the first reply of allo-sfu on the direct path. Thread-safe
// (no state). Parsers return a value or a typed error, never throw.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/address.hpp"
#include "proto/error.hpp"

namespace allo::client {

// ["allocate_track","audio",48000,1,"opus"] (the seed form every place accepts).
nlohmann::json allocate_track_body();
// ["allocate_track","ok",track_id] -> track_id. Errors: "allocate_failed"
// (["allocate_track","failed",reason]; detail is the reason), the code of an
// ["error",code,...] reply, "bad_reply" (anything else, incl. track 0 or > 2^32-1).
proto::Result<uint32_t> parse_allocate_track_reply(const nlohmann::json& reply);

struct MediaToken {
  std::string token;
  Endpoint endpoint;   // the SFU's direct-path endpoint
  int64_t expiry = 0;  // unix seconds
};
// ["media_token"].
nlohmann::json media_token_body();
// ["media_token","<token>","HOST:PORT",expiry]. Errors: the code of an
// ["error",code,...] reply (e.g. "media_unavailable"), "bad_reply".
proto::Result<MediaToken> parse_media_token_reply(const nlohmann::json& reply);

// allo-sfu's answer to a direct hello: {"type":"welcome","agent":A} -> A.
// Errors: "refused" (detail = the SFU's reason), "bad_reply".
proto::Result<std::string> parse_direct_reply(std::string_view bytes);

}  // namespace allo::client
