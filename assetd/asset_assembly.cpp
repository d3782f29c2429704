#include "assetd/asset_assembly.hpp"

#include <algorithm>

namespace allo::assetd {

namespace {
constexpr uint64_t kInitialReserve = 1 << 20;
}

AssetAssembly::AssetAssembly(proto::AssetId id, uint64_t total_length)
    : id_(std::move(id)), total_length_(total_length), verifier_(id_.algorithm) {
  bytes_.reserve(std::min(total_length, kInitialReserve));
}

AssetAssembly::Step AssetAssembly::append(uint64_t start, uint64_t total_length,
                                          std::span<const uint8_t> bytes) {
  if (total_length != total_length_ || start != bytes_.size() ||
      bytes.size() > total_length_ - bytes_.size()) {
    return Step::kBadChunk;
  }
  verifier_.update(bytes);
  bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
  return bytes_.size() == total_length_ ? finish() : Step::kNeedMore;
}

AssetAssembly::Step AssetAssembly::finish() {
  return verifier_.finish_hex() == id_.hex ? Step::kVerified : Step::kForged;
}

std::shared_ptr<const std::vector<uint8_t>> AssetAssembly::take() {
  return std::make_shared<const std::vector<uint8_t>>(std::move(bytes_));
}

}  // namespace allo::assetd
