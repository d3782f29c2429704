#include "assetd/store_layout.hpp"

namespace allo::assetd {

void put_u64_be(std::vector<uint8_t>& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

uint64_t get_u64_be(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

std::vector<uint8_t> encode_meta(const AssetMeta& meta) {
  std::vector<uint8_t> out;
  out.reserve(21);
  out.push_back(kStoreLayoutVersion);
  put_u64_be(out, meta.total_length);
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<uint8_t>(meta.chunk_size >> shift));
  put_u64_be(out, meta.stamp);
  return out;
}

std::optional<AssetMeta> decode_meta(std::span<const uint8_t> bytes) {
  if (bytes.size() != 21 || bytes[0] != kStoreLayoutVersion) return std::nullopt;
  AssetMeta meta;
  meta.total_length = get_u64_be(bytes.data() + 1);
  const uint8_t* c = bytes.data() + 9;
  meta.chunk_size = (uint32_t{c[0]} << 24) | (uint32_t{c[1]} << 16) | (uint32_t{c[2]} << 8) | c[3];
  meta.stamp = get_u64_be(bytes.data() + 13);
  if (meta.chunk_size == 0) return std::nullopt;
  return meta;
}

std::vector<uint8_t> chunk_key(std::string_view id, uint32_t index) {
  std::vector<uint8_t> out(id.begin(), id.end());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(index >> shift));
  return out;
}

std::vector<uint8_t> lru_key(uint64_t stamp, std::string_view id) {
  std::vector<uint8_t> out;
  out.reserve(8 + id.size());
  put_u64_be(out, stamp);
  out.insert(out.end(), id.begin(), id.end());
  return out;
}

std::string lru_key_id(std::span<const uint8_t> key) {
  if (key.size() <= 8) return {};
  return std::string(reinterpret_cast<const char*>(key.data()) + 8, key.size() - 8);
}

}  // namespace allo::assetd
