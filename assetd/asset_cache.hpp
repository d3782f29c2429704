// What the AssetRouter needs from a cache of verified assets. AssetStore
// (LMDB) implements it; router tests use an in-memory fake. A router without
// a cache (budget 0) passes nullptr instead.
// Implementations are called from the router's thread only, but may do their
// writes on a thread of their own.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "proto/error.hpp"

namespace allo::assetd {

class AssetCache {
 public:
  virtual ~AssetCache() = default;
  // Total length of a stored asset; nullopt when it is not stored.
  virtual std::optional<uint64_t> total_length(const std::string& id) = 0;
  // A copy of bytes [start, start + count) of a stored asset. Errors:
  // "not_found" (not stored, or evicted), "range_out_of_bounds".
  virtual proto::Result<std::vector<uint8_t>> read(const std::string& id, uint64_t start,
                                                   uint64_t count) = 0;
  // Records a lookup: a hit moves the asset to the young end of the LRU order.
  virtual void record_lookup(const std::string& id, bool hit) = 0;
  // Whether an asset of `bytes` would be stored now (below the hard limit and
  // no bigger than the budget). False means: deliver it without storing.
  virtual bool admits(uint64_t bytes) = 0;
  // Stores verified bytes; asynchronous, may evict older assets to the budget.
  virtual void store(const std::string& id, std::shared_ptr<const std::vector<uint8_t>> bytes) = 0;
  // A pinned asset is never evicted (it is being streamed). Pins nest.
  virtual void pin(const std::string& id) = 0;
  virtual void unpin(const std::string& id) = 0;
};

}  // namespace allo::assetd
