#include "allo/asset_hash.hpp"

#include "common/hash_verifier.hpp"

namespace allo::client {

std::string asset_id_of(std::span<const uint8_t> bytes, proto::HashAlgorithm algorithm) {
  return HashVerifier::asset_id_of(algorithm, bytes);
}

bool asset_matches(std::string_view id, std::span<const uint8_t> bytes) {
  auto parsed = proto::parse_asset_id(id);
  return parsed && HashVerifier::matches(*parsed, bytes);
}

}  // namespace allo::client
