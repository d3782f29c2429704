// One asset arriving from one source, staged in memory: data chunks are
// appended in order and hashed as they come; the bytes are handed out only
// once all total_length bytes arrived and their digest equals the one in the
// asset id. Dropping an assembly discards everything staged (nothing of it
// was ever stored or forwarded). Not thread-safe; owned by the AssetRouter.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "common/hash_verifier.hpp"
#include "proto/asset_frame.hpp"

namespace allo::assetd {

class AssetAssembly {
 public:
  enum class Step {
    kNeedMore,  // accepted, more to come
    kVerified,  // complete and the digest matches: take() the bytes
    kForged,    // complete but the digest does not match
    kBadChunk,  // out of order, past the end, or a different total_length
  };

  AssetAssembly(proto::AssetId id, uint64_t total_length);

  // Appends bytes that start at `start` of an asset of `total_length` bytes.
  // Only a chunk starting where the previous one ended is accepted.
  Step append(uint64_t start, uint64_t total_length, std::span<const uint8_t> bytes);
  // The verified bytes (after kVerified); leaves the assembly empty.
  std::shared_ptr<const std::vector<uint8_t>> take();

  uint64_t total_length() const { return total_length_; }
  uint64_t received() const { return bytes_.size(); }

 private:
  Step finish();

  proto::AssetId id_;
  uint64_t total_length_;
  HashVerifier verifier_;
  std::vector<uint8_t> bytes_;
};

}  // namespace allo::assetd
