// On-disk layout of the asset store (LMDB named databases):
//   "meta"   key: asset id                  value: AssetMeta (21 bytes, below)
//   "chunks" key: asset id, u32 BE index    value: up to chunk_size bytes
//   "lru"    key: u64 BE stamp, asset id    value: empty (oldest first)
//   "info"   key: counter name              value: u64 BE
// An asset's meta, chunks and lru records are written in one transaction, so a
// reader sees all of them or none. Pure encoding functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace allo::assetd {

inline constexpr uint8_t kStoreLayoutVersion = 1;

struct AssetMeta {
  uint64_t total_length = 0;
  uint32_t chunk_size = 0;
  uint64_t stamp = 0;  // last access, a store-wide increasing counter
};

// [u8 version][u64 BE total_length][u32 BE chunk_size][u64 BE stamp]
std::vector<uint8_t> encode_meta(const AssetMeta& meta);
std::optional<AssetMeta> decode_meta(std::span<const uint8_t> bytes);

std::vector<uint8_t> chunk_key(std::string_view id, uint32_t index);
std::vector<uint8_t> lru_key(uint64_t stamp, std::string_view id);
// The asset id in an lru key ("" when the key is too short).
std::string lru_key_id(std::span<const uint8_t> key);

void put_u64_be(std::vector<uint8_t>& out, uint64_t v);
uint64_t get_u64_be(const uint8_t* p);

}  // namespace allo::assetd
