// Asset frames (channel 2, both directions), per specifications-assets.md:
//   [u16 BE mid][u16 BE hlen][hlen bytes of JSON header][raw bytes to the end]
// mid 1 request  {"id","range":[start,count],"published_by"?}   ([0,0] = head request)
// mid 2 data     {"id","range":[start,count],"total_length"} + bytes
// mid 3 failure  {"id","error_reason","error_code"}
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "proto/error.hpp"

namespace allo::proto {

using nlohmann::json;

enum class AssetMid : uint16_t { kRequest = 1, kData = 2, kFailure = 3 };

struct AssetRange {
  uint64_t start = 0;
  uint64_t count = 0;
  bool operator==(const AssetRange&) const = default;
};

struct AssetRequest {
  std::string id;
  AssetRange range;
  std::string published_by;  // "" when absent
  bool operator==(const AssetRequest&) const = default;
};

struct AssetData {
  std::string id;
  AssetRange range;
  uint64_t total_length = 0;
  std::span<const uint8_t> bytes;                 // points into the parsed buffer
  bool operator==(const AssetData& other) const;  // compares the bytes, not where they are
};

struct AssetFailure {
  std::string id;
  std::string error_reason;
  std::string error_code;
  bool operator==(const AssetFailure&) const = default;
};

struct AssetFrame {
  AssetMid mid = AssetMid::kRequest;
  json header;
  std::span<const uint8_t> body;  // points into the parsed buffer
};

// Error codes: "too_short", "bad_header_length", "malformed_json" (header),
// "unknown_mid", "malformed_asset_header" (typed parsers below).
Result<AssetFrame> parse_asset_frame(std::span<const uint8_t> bytes);
// The JSON header text of a frame, unparsed (clamped to the frame; empty when
// under 4 bytes): a cheap look before a full parse.
std::string_view asset_frame_header_text(std::span<const uint8_t> bytes);
Result<AssetRequest> parse_asset_request(const AssetFrame& frame);
Result<AssetData> parse_asset_data(const AssetFrame& frame);
Result<AssetFailure> parse_asset_failure(const AssetFrame& frame);

// A frame read into its typed message in one step: the entry point of the hit
// path (one frame per asset and hop). Gives exactly what parse_asset_frame and
// the typed parser for its mid give, errors included (checked by the
// asset_frame fuzz target), but reads a plain header (only the keys of its
// kind, strings of printable ASCII without escapes, unsigned integers) with a
// flat scan instead of building a json document; any other header takes the
// full parse.
using AssetMessage = std::variant<AssetRequest, AssetData, AssetFailure>;
Result<AssetMessage> parse_asset_message(std::span<const uint8_t> bytes);
// Whether parse_asset_message reads `bytes` by the flat scan (for tests).
bool asset_frame_is_plain(std::span<const uint8_t> bytes);
// parse_asset_frame and the typed parser for its mid: parse_asset_message's
// full path, and the reference the fuzz target and tests compare it with.
Result<AssetMessage> parse_asset_message_json(std::span<const uint8_t> bytes);

std::vector<uint8_t> encode_asset_frame(AssetMid mid, const json& header,
                                        std::span<const uint8_t> body = {});
std::vector<uint8_t> encode_asset_request(const AssetRequest& request);
std::vector<uint8_t> encode_asset_data(const std::string& id, AssetRange range,
                                       uint64_t total_length, std::span<const uint8_t> bytes);
std::vector<uint8_t> encode_asset_failure(const AssetFailure& failure);

// Asset ids: "asset:sha1:<40 lowercase hex>" or "asset:sha256:<64 lowercase hex>".
enum class HashAlgorithm { kSha1, kSha256 };
struct AssetId {
  HashAlgorithm algorithm;
  std::string hex;  // lowercase
};
std::optional<AssetId> parse_asset_id(std::string_view text);

}  // namespace allo::proto
