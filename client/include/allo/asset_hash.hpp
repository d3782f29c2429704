// Asset ids and their hashes (specifications-assets.md, "Identity"):
// "asset:sha256:<64 lowercase hex>" (and the seeds' "asset:sha1:<40 hex>").
// Pure functions over OpenSSL EVP; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "proto/asset_frame.hpp"

namespace allo::client {

// The id of `bytes` under `algorithm`.
std::string asset_id_of(std::span<const uint8_t> bytes,
                        proto::HashAlgorithm algorithm = proto::HashAlgorithm::kSha256);

// True when `id` is a valid asset id and `bytes` hash to it. An invalid id is
// never matched.
bool asset_matches(std::string_view id, std::span<const uint8_t> bytes);

}  // namespace allo::client
