#include "proto/asset_frame.hpp"

#include <algorithm>

#include "proto/json_frame.hpp"
#include "proto/limits.hpp"

namespace allo::proto {
namespace {

constexpr int kMaxHeaderDepth = 4;

bool read_u64(const json& value, uint64_t& out) {
  if (value.is_number_unsigned() || (value.is_number_integer() && value.get<int64_t>() >= 0)) {
    out = value.get<uint64_t>();
    return true;
  }
  return false;
}

bool read_range(const json& header, AssetRange& out) {
  auto it = header.find("range");
  if (it == header.end() || !it->is_array() || it->size() != 2) return false;
  return read_u64((*it)[0], out.start) && read_u64((*it)[1], out.count);
}

bool read_id(const json& header, std::string& out) {
  auto it = header.find("id");
  if (it == header.end() || !it->is_string()) return false;
  out = it->get<std::string>();
  return !out.empty() && out.size() <= limits::kMaxIdLength;
}

bool is_lower_hex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

Result<AssetFrame> parse_asset_frame(std::span<const uint8_t> bytes) {
  if (bytes.size() < limits::kAssetFrameHeaderBytes)
    return fail("too_short", "asset frame under 4 bytes");
  uint16_t mid = static_cast<uint16_t>((bytes[0] << 8) | bytes[1]);
  size_t hlen = static_cast<size_t>((bytes[2] << 8) | bytes[3]);
  if (hlen == 0 || hlen > bytes.size() - limits::kAssetFrameHeaderBytes) {
    return fail("bad_header_length",
                "header length " + std::to_string(hlen) + " does not fit the frame");
  }
  if (mid < 1 || mid > 3) return fail("unknown_mid", "asset message id " + std::to_string(mid));
  std::string_view text(
      reinterpret_cast<const char*>(bytes.data()) + limits::kAssetFrameHeaderBytes, hlen);
  auto header = decode_json(text, hlen, kMaxHeaderDepth);
  // Every header decode failure (empty, too deep, not JSON) is "malformed_json".
  if (!header) return fail("malformed_json", "asset header: " + header.error().detail);
  if (!header->is_object()) return fail("malformed_asset_header", "asset header must be an object");
  return AssetFrame{static_cast<AssetMid>(mid), std::move(*header),
                    bytes.subspan(limits::kAssetFrameHeaderBytes + hlen)};
}

Result<AssetRequest> parse_asset_request(const AssetFrame& frame) {
  AssetRequest out;
  if (frame.mid != AssetMid::kRequest || !read_id(frame.header, out.id) ||
      !read_range(frame.header, out.range)) {
    return fail("malformed_asset_header", "request needs an id and a [start, count] range");
  }
  if (auto it = frame.header.find("published_by"); it != frame.header.end() && !it->is_null()) {
    if (!it->is_string()) return fail("malformed_asset_header", "published_by must be a string");
    out.published_by = it->get<std::string>();
  }
  return out;
}

Result<AssetData> parse_asset_data(const AssetFrame& frame) {
  AssetData out;
  auto total = frame.header.find("total_length");
  if (frame.mid != AssetMid::kData || !read_id(frame.header, out.id) ||
      !read_range(frame.header, out.range) || total == frame.header.end() ||
      !read_u64(*total, out.total_length)) {
    return fail("malformed_asset_header", "data needs an id, a range and total_length");
  }
  if (out.range.count != frame.body.size()) {
    return fail("malformed_asset_header", "range count " + std::to_string(out.range.count) +
                                              " does not match " +
                                              std::to_string(frame.body.size()) + " bytes");
  }
  if (out.range.start > out.total_length || out.range.count > out.total_length - out.range.start) {
    return fail("malformed_asset_header", "range lies outside total_length");
  }
  out.bytes = frame.body;
  return out;
}

Result<AssetFailure> parse_asset_failure(const AssetFrame& frame) {
  AssetFailure out;
  if (frame.mid != AssetMid::kFailure || !read_id(frame.header, out.id)) {
    return fail("malformed_asset_header", "failure needs an id");
  }
  if (auto it = frame.header.find("error_reason"); it != frame.header.end() && it->is_string())
    out.error_reason = *it;
  if (auto it = frame.header.find("error_code"); it != frame.header.end() && it->is_string())
    out.error_code = *it;
  return out;
}

std::string_view asset_frame_header_text(std::span<const uint8_t> bytes) {
  if (bytes.size() < limits::kAssetFrameHeaderBytes) return {};
  const size_t hlen = std::min(static_cast<size_t>((bytes[2] << 8) | bytes[3]),
                               bytes.size() - limits::kAssetFrameHeaderBytes);
  return {reinterpret_cast<const char*>(bytes.data()) + limits::kAssetFrameHeaderBytes, hlen};
}

namespace {

std::vector<uint8_t> frame_of(AssetMid mid, std::string_view header,
                              std::span<const uint8_t> body) {
  std::vector<uint8_t> out;
  out.reserve(limits::kAssetFrameHeaderBytes + header.size() + body.size());
  auto m = static_cast<uint16_t>(mid);
  auto h = static_cast<uint16_t>(header.size());
  out.push_back(static_cast<uint8_t>(m >> 8));
  out.push_back(static_cast<uint8_t>(m));
  out.push_back(static_cast<uint8_t>(h >> 8));
  out.push_back(static_cast<uint8_t>(h));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

// Appends `s` as a JSON string exactly as nlohmann's dump writes it (invalid
// UTF-8 replaced): printable ASCII without quotes or backslashes (every asset
// id) is copied; anything else is written by nlohmann.
void append_string(std::string& out, std::string_view s) {
  const bool plain = std::all_of(
      s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; });
  if (plain) {
    out += '"';
    out += s;
    out += '"';
    return;
  }
  out += json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
}

void append_range(std::string& out, AssetRange range) {
  out += "\"range\":[";
  out += std::to_string(range.start);
  out += ',';
  out += std::to_string(range.count);
  out += ']';
}

}  // namespace

std::vector<uint8_t> encode_asset_frame(AssetMid mid, const json& header,
                                        std::span<const uint8_t> body) {
  // Like encode_json: invalid UTF-8 in a string is replaced, never thrown.
  return frame_of(mid, header.dump(-1, ' ', false, json::error_handler_t::replace), body);
}

// The three messages are written directly (one per asset and hop on the hit
// path; building a json object per message was a tenth of a 1 KB asset's
// cost), with nlohmann's key order (sorted) and number format, so the bytes
// are what encode_asset_frame writes for the same header.
std::vector<uint8_t> encode_asset_request(const AssetRequest& r) {
  std::string header = "{\"id\":";
  append_string(header, r.id);
  header += ',';
  if (!r.published_by.empty()) {
    header += "\"published_by\":";
    append_string(header, r.published_by);
    header += ',';
  }
  append_range(header, r.range);
  header += '}';
  return frame_of(AssetMid::kRequest, header, {});
}

std::vector<uint8_t> encode_asset_data(const std::string& id, AssetRange range,
                                       uint64_t total_length, std::span<const uint8_t> bytes) {
  std::string header = "{\"id\":";
  append_string(header, id);
  header += ',';
  append_range(header, range);
  header += ",\"total_length\":";
  header += std::to_string(total_length);
  header += '}';
  return frame_of(AssetMid::kData, header, bytes);
}

std::vector<uint8_t> encode_asset_failure(const AssetFailure& f) {
  std::string header = "{\"error_code\":";
  append_string(header, f.error_code);
  header += ",\"error_reason\":";
  append_string(header, f.error_reason);
  header += ",\"id\":";
  append_string(header, f.id);
  header += '}';
  return frame_of(AssetMid::kFailure, header, {});
}

std::optional<AssetId> parse_asset_id(std::string_view text) {
  constexpr std::string_view kSha1 = "asset:sha1:", kSha256 = "asset:sha256:";
  if (text.starts_with(kSha1) && text.size() == kSha1.size() + 40 &&
      is_lower_hex(text.substr(kSha1.size()))) {
    return AssetId{HashAlgorithm::kSha1, std::string(text.substr(kSha1.size()))};
  }
  if (text.starts_with(kSha256) && text.size() == kSha256.size() + 64 &&
      is_lower_hex(text.substr(kSha256.size()))) {
    return AssetId{HashAlgorithm::kSha256, std::string(text.substr(kSha256.size()))};
  }
  return std::nullopt;
}

}  // namespace allo::proto
