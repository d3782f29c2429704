// An in-memory AssetCache for router tests: stores synchronously, counts pins.
#pragma once

#include <map>

#include "assetd/asset_cache.hpp"

namespace allo::assetd {

class FakeAssetCache : public AssetCache {
 public:
  std::optional<uint64_t> total_length(const std::string& id) override {
    auto it = assets.find(id);
    if (it == assets.end()) return std::nullopt;
    return it->second.size();
  }
  proto::Result<std::vector<uint8_t>> read(const std::string& id, uint64_t start,
                                           uint64_t count) override {
    auto it = assets.find(id);
    if (it == assets.end()) return proto::fail("not_found", id);
    if (start > it->second.size() || count > it->second.size() - start) {
      return proto::fail("range_out_of_bounds", id);
    }
    return std::vector<uint8_t>(it->second.begin() + start, it->second.begin() + start + count);
  }
  void record_lookup(const std::string&, bool hit) override { (hit ? hits : misses)++; }
  bool admits(uint64_t) override { return admit; }
  void store(const std::string& id, std::shared_ptr<const std::vector<uint8_t>> bytes) override {
    assets[id] = *bytes;
  }
  void pin(const std::string& id) override { pins[id]++; }
  void unpin(const std::string& id) override {
    if (--pins[id] == 0) pins.erase(id);
  }

  std::map<std::string, std::vector<uint8_t>> assets;
  std::map<std::string, int> pins;
  bool admit = true;
  int hits = 0, misses = 0;
};

}  // namespace allo::assetd
