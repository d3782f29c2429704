// Short-lived tokens that let a client open the direct path to allo-sfu as a
// given agent. The place issues them (it shares the secret with the SFU in the
// link hello); the SFU verifies them. Pure functions, thread-safe.
//
// Format (ASCII): <expiry>.<agent-hex>.<mac-hex>
//   expiry   unix seconds, decimal
//   agent    the agent id, lower-case hex of its bytes
//   mac      HMAC-SHA256(secret, "allo-sfu-direct-v1\n" + agent + "\n" + expiry), lower-case hex
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "proto/error.hpp"

namespace allo::sfu {

// Lifetime the place should give tokens: long enough to connect, short enough
// that a leaked one is useless soon.
inline constexpr int64_t kDirectTokenLifetimeSeconds = 60;

std::string make_direct_token(std::string_view secret, std::string_view agent,
                              int64_t expiry_unix_seconds);

// Returns the agent id. Errors: "malformed", "bad_signature", "expired"
// (now_unix_seconds is after the expiry).
proto::Result<std::string> verify_direct_token(std::string_view secret, std::string_view token,
                                               int64_t now_unix_seconds);

// `bytes` random bytes (OpenSSL's generator) as 2 * bytes lower-case hex
// characters: the place's link secret, the SFU's relay socket name. Throws
// std::runtime_error when the generator fails.
std::string random_hex(size_t bytes);

}  // namespace allo::sfu
