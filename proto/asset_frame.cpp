#include "proto/asset_frame.hpp"

#include <algorithm>
#include <array>

#include "proto/json_frame.hpp"
#include "proto/json_scanner.hpp"
#include "proto/limits.hpp"

namespace allo::proto {
namespace {

constexpr int kMaxHeaderDepth = 4;

bool valid_id(std::string_view id) {
  return !id.empty() && id.size() <= limits::kMaxIdLength;
}

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
  return valid_id(out);
}

// Without a branch per character: random hex digits defeat the branch
// predictor, which made this check a few percent of assetd's hit path.
constexpr auto kLowerHex = [] {
  std::array<bool, 256> table{};
  for (char c : std::string_view("0123456789abcdef")) table[static_cast<uint8_t>(c)] = true;
  return table;
}();

bool is_lower_hex(std::string_view s) {
  bool all = true;
  for (char c : s) all &= kLowerHex[static_cast<uint8_t>(c)];
  return all;
}

// A data frame's range against its total length and body.
std::optional<Error> data_range_error(AssetRange range, uint64_t total_length, size_t body_bytes) {
  if (range.count != body_bytes) {
    return Error{"malformed_asset_header", "range count " + std::to_string(range.count) +
                                               " does not match " + std::to_string(body_bytes) +
                                               " bytes"};
  }
  if (range.start > total_length || range.count > total_length - range.start)
    return Error{"malformed_asset_header", "range lies outside total_length"};
  return std::nullopt;
}

struct FrameParts {
  AssetMid mid;
  std::string_view header;
  std::span<const uint8_t> body;
};

// The frame's prefix checks, shared by both parse paths.
Result<FrameParts> split_frame(std::span<const uint8_t> bytes) {
  if (bytes.size() < limits::kAssetFrameHeaderBytes)
    return fail("too_short", "asset frame under 4 bytes");
  uint16_t mid = static_cast<uint16_t>((bytes[0] << 8) | bytes[1]);
  size_t hlen = static_cast<size_t>((bytes[2] << 8) | bytes[3]);
  if (hlen == 0 || hlen > bytes.size() - limits::kAssetFrameHeaderBytes) {
    return fail("bad_header_length",
                "header length " + std::to_string(hlen) + " does not fit the frame");
  }
  if (mid < 1 || mid > 3) return fail("unknown_mid", "asset message id " + std::to_string(mid));
  return FrameParts{
      static_cast<AssetMid>(mid),
      {reinterpret_cast<const char*>(bytes.data()) + limits::kAssetFrameHeaderBytes, hlen},
      bytes.subspan(limits::kAssetFrameHeaderBytes + hlen)};
}

}  // namespace

bool AssetData::operator==(const AssetData& other) const {
  return id == other.id && range == other.range && total_length == other.total_length &&
         std::equal(bytes.begin(), bytes.end(), other.bytes.begin(), other.bytes.end());
}

Result<AssetFrame> parse_asset_frame(std::span<const uint8_t> bytes) {
  auto parts = split_frame(bytes);
  if (!parts) return std::unexpected(parts.error());
  auto header = decode_json(parts->header, parts->header.size(), kMaxHeaderDepth);
  // Every header decode failure (empty, too deep, not JSON) is "malformed_json".
  if (!header) return fail("malformed_json", "asset header: " + header.error().detail);
  if (!header->is_object()) return fail("malformed_asset_header", "asset header must be an object");
  return AssetFrame{parts->mid, std::move(*header), parts->body};
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
  if (auto error = data_range_error(out.range, out.total_length, frame.body.size()))
    return std::unexpected(*error);
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

namespace {

// The fields of a plain header (see parse_asset_message).
struct PlainHeader {
  std::optional<std::string_view> id, published_by, error_reason, error_code;
  std::optional<AssetRange> range;
  std::optional<uint64_t> total_length;
};

// A string nlohmann reads as the same bytes: no escapes (the scanner's
// plain_string), no control characters, nothing beyond ASCII to validate.
std::optional<std::string_view> plain_text(JsonScanner& s) {
  auto text = s.plain_string();
  if (!text) return std::nullopt;
  for (char c : *text) {
    if (c < 0x20 || c > 0x7e) return std::nullopt;
  }
  return text;
}

// A header with only the keys a frame of kind `mid` reads, each once, or
// nullopt (the full parse decides).
std::optional<PlainHeader> scan_plain_header(AssetMid mid, std::string_view text) {
  JsonScanner s(text);
  PlainHeader h;
  if (!s.take('{')) return std::nullopt;
  auto text_field = [&](std::optional<std::string_view>& field) {
    if (field) return false;  // duplicate key: nlohmann keeps the last; let it
    field = plain_text(s);
    return field.has_value();
  };
  auto number_field = [&](std::optional<uint64_t>& field) {
    if (field) return false;
    field = s.plain_unsigned();
    return field.has_value();
  };
  if (!s.peek('}')) {
    do {
      auto key = plain_text(s);
      if (!key || !s.take(':')) return std::nullopt;
      bool ok = false;
      if (*key == "id") {
        ok = text_field(h.id);
      } else if (*key == "range" && mid != AssetMid::kFailure && !h.range && s.take('[')) {
        std::optional<uint64_t> start, count;
        ok = number_field(start) && s.take(',') && number_field(count) && s.take(']');
        if (ok) h.range = AssetRange{*start, *count};
      } else if (*key == "total_length" && mid == AssetMid::kData) {
        ok = number_field(h.total_length);
      } else if (*key == "published_by" && mid == AssetMid::kRequest) {
        ok = text_field(h.published_by);
      } else if (*key == "error_reason" && mid == AssetMid::kFailure) {
        ok = text_field(h.error_reason);
      } else if (*key == "error_code" && mid == AssetMid::kFailure) {
        ok = text_field(h.error_code);
      }
      if (!ok) return std::nullopt;
    } while (s.take(','));
  }
  if (!s.take('}') || !s.at_end()) return std::nullopt;
  return h;
}

// The typed message of a plain header, or nullopt where the full parse would
// refuse it (so it names the error).
std::optional<AssetMessage> typed_message(AssetMid mid, const PlainHeader& h,
                                          std::span<const uint8_t> body) {
  if (!h.id || !valid_id(*h.id)) return std::nullopt;
  switch (mid) {
    case AssetMid::kRequest:
      if (!h.range) return std::nullopt;
      return AssetRequest{std::string(*h.id), *h.range, std::string(h.published_by.value_or(""))};
    case AssetMid::kData:
      if (!h.range || !h.total_length || data_range_error(*h.range, *h.total_length, body.size()))
        return std::nullopt;
      return AssetData{std::string(*h.id), *h.range, *h.total_length, body};
    case AssetMid::kFailure:
      return AssetFailure{std::string(*h.id), std::string(h.error_reason.value_or("")),
                          std::string(h.error_code.value_or(""))};
  }
  return std::nullopt;
}

template <typename T>
Result<AssetMessage> as_message(Result<T> typed) {
  if (!typed) return std::unexpected(typed.error());
  return AssetMessage{std::move(*typed)};
}

std::optional<AssetMessage> plain_message(const FrameParts& parts) {
  auto header = scan_plain_header(parts.mid, parts.header);
  if (!header) return std::nullopt;
  return typed_message(parts.mid, *header, parts.body);
}

}  // namespace

bool asset_frame_is_plain(std::span<const uint8_t> bytes) {
  auto parts = split_frame(bytes);
  return parts && plain_message(*parts).has_value();
}

Result<AssetMessage> parse_asset_message(std::span<const uint8_t> bytes) {
  auto parts = split_frame(bytes);
  if (!parts) return std::unexpected(parts.error());
  if (auto message = plain_message(*parts)) return std::move(*message);
  return parse_asset_message_json(bytes);
}

Result<AssetMessage> parse_asset_message_json(std::span<const uint8_t> bytes) {
  auto frame = parse_asset_frame(bytes);
  if (!frame) return std::unexpected(frame.error());
  if (frame->mid == AssetMid::kRequest) return as_message(parse_asset_request(*frame));
  if (frame->mid == AssetMid::kData) return as_message(parse_asset_data(*frame));
  return as_message(parse_asset_failure(*frame));
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
