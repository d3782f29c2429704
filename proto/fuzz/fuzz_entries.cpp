#include "proto/fuzz/fuzz_entries.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "proto/asset_frame.hpp"
#include "proto/clock.hpp"
#include "proto/intent.hpp"
#include "proto/interaction.hpp"
#include "proto/json_frame.hpp"
#include "proto/limits.hpp"
#include "proto/media_packet.hpp"
#include "proto/state_header.hpp"
#include "proto/state_message.hpp"

namespace allo::proto {
namespace {

// Deep enough for any document that passed decode_json plus the wrapping an
// encoder adds (a reply never nests more than two levels deeper).
constexpr int kReencodedDepth = limits::kMaxJsonDepth + 2;
// The server time put into every clock reply the fuzzer builds.
constexpr double kServerTime = 4242.125;

[[noreturn]] void broken(const char* parser, std::string_view what) {
  std::fprintf(stderr, "fuzz_%s: %.*s\n", parser, static_cast<int>(what.size()), what.data());
  std::abort();
}

void expect(bool ok, const char* parser, std::string_view what) {
  if (!ok) broken(parser, what);
}

// A parser may only fail with the codes its header documents.
void expect_code(const Error& error, std::initializer_list<std::string_view> codes,
                 const char* parser) {
  if (std::find(codes.begin(), codes.end(), error.code) == codes.end()) {
    broken(parser, "undocumented error code " + error.code);
  }
}

std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

std::optional<json> decode(const uint8_t* data, size_t size, size_t max_bytes, const char* parser) {
  auto doc = decode_json(as_text(data, size), max_bytes, limits::kMaxJsonDepth);
  if (!doc) {
    expect_code(doc.error(), {"too_large", "empty", "too_deep", "malformed_json"}, parser);
    return std::nullopt;
  }
  return std::move(*doc);
}

// The trip a document takes to a peer: encode_json, then decode_json.
json over_wire(const json& doc, const char* parser) {
  auto back = decode_json(encode_json(doc), SIZE_MAX, kReencodedDepth);
  expect(back.has_value(), parser, "an encoded document does not decode");
  return std::move(*back);
}

bool same_bytes(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

bool same_pose(const Pose& a, const Pose& b) {
  if (a.matrix != b.matrix || a.grab.has_value() != b.grab.has_value()) return false;
  return !a.grab || (a.grab->entity == b.grab->entity &&
                     a.grab->grabber_from_entity == b.grab->grabber_from_entity);
}

bool same_intent(const Intent& a, const Intent& b) {
  if (a.entity_id != b.entity_id || a.xmovement != b.xmovement || a.zmovement != b.zmovement ||
      a.yaw != b.yaw || a.pitch != b.pitch || a.ack_state_rev != b.ack_state_rev ||
      a.poses.size() != b.poses.size()) {
    return false;
  }
  return std::equal(a.poses.begin(), a.poses.end(), b.poses.begin(), [](auto& x, auto& y) {
    return x.first == y.first && same_pose(x.second, y.second);
  });
}

// The wire document a parsed state message came from (minus field order).
json state_wire(const StateMessage& m) {
  if (m.style == PatchStyle::kApply) {
    return {{"patch_style", "apply"}, {"patch_from", m.patch_from}, {"patches", m.payload}};
  }
  json doc = m.payload;
  doc["patch_style"] = m.style == PatchStyle::kSet ? "set" : "merge";
  if (m.style == PatchStyle::kMerge) doc["patch_from"] = m.patch_from;
  return doc;
}

// `value` without the object members that are null, through nested objects.
json without_member_nulls(const json& value) {
  if (!value.is_object()) return value;
  json out = json::object();
  for (const auto& [key, member] : value.items()) {
    if (!member.is_null()) out[key] = without_member_nulls(member);
  }
  return out;
}

void check_merge_patch(const json& from, const json& wanted) {
  json to = without_member_nulls(wanted);
  json patched = from;
  apply_merge_patch(patched, create_merge_patch(from, to));
  expect(patched == to, "state_message", "apply(from, create_merge_patch(from, to)) != to");
  if (from.is_object()) {
    expect(create_merge_patch(from, from) == json::object(), "state_message",
           "the patch between equal objects is not empty");
  }
}

void check_asset_id(std::string_view text) {
  auto id = parse_asset_id(text);
  if (!id) return;
  std::string prefix = id->algorithm == HashAlgorithm::kSha1 ? "asset:sha1:" : "asset:sha256:";
  expect(prefix + id->hex == text, "asset_frame", "asset id does not round-trip");
}

// Parses `wire` as a frame and returns it (aborting if not). The frame's body
// points into `wire`, which must outlive it.
AssetFrame reparse_frame(std::vector<uint8_t>&& temporary) = delete;
AssetFrame reparse_frame(const std::vector<uint8_t>& wire) {
  auto frame = parse_asset_frame(wire);
  expect(frame.has_value(), "asset_frame", "an encoded asset frame does not parse");
  return std::move(*frame);
}

void check_typed_asset_frame(const AssetFrame& frame) {
  constexpr const char* kName = "asset_frame";
  std::initializer_list<std::string_view> codes = {"malformed_asset_header"};
  if (frame.mid == AssetMid::kRequest) {
    auto r = parse_asset_request(frame);
    if (!r) return expect_code(r.error(), codes, kName);
    auto wire = encode_asset_request(*r);
    json header = {{"id", r->id}, {"range", {r->range.start, r->range.count}}};
    if (!r->published_by.empty()) header["published_by"] = r->published_by;
    expect(wire == encode_asset_frame(AssetMid::kRequest, header), kName,
           "encode_asset_request differs from the json header's bytes");
    auto again = parse_asset_request(reparse_frame(wire));
    expect(again && again->id == r->id && again->range.start == r->range.start &&
               again->range.count == r->range.count && again->published_by == r->published_by,
           kName, "asset request does not round-trip");
  } else if (frame.mid == AssetMid::kData) {
    auto d = parse_asset_data(frame);
    if (!d) return expect_code(d.error(), codes, kName);
    auto wire = encode_asset_data(d->id, d->range, d->total_length, d->bytes);
    json header = {{"id", d->id},
                   {"range", {d->range.start, d->range.count}},
                   {"total_length", d->total_length}};
    expect(wire == encode_asset_frame(AssetMid::kData, header, d->bytes), kName,
           "encode_asset_data differs from the json header's bytes");
    auto again = parse_asset_data(reparse_frame(wire));
    expect(again && again->id == d->id && again->range.start == d->range.start &&
               again->range.count == d->range.count && again->total_length == d->total_length &&
               same_bytes(again->bytes, d->bytes),
           kName, "asset data does not round-trip");
  } else {
    auto f = parse_asset_failure(frame);
    if (!f) return expect_code(f.error(), codes, kName);
    auto wire = encode_asset_failure(*f);
    json header = {{"id", f->id}, {"error_reason", f->error_reason}, {"error_code", f->error_code}};
    expect(wire == encode_asset_frame(AssetMid::kFailure, header), kName,
           "encode_asset_failure differs from the json header's bytes");
    auto again = parse_asset_failure(reparse_frame(wire));
    expect(again && again->id == f->id && again->error_reason == f->error_reason &&
               again->error_code == f->error_code,
           kName, "asset failure does not round-trip");
  }
}

}  // namespace

int fuzz_json_frame(const uint8_t* data, size_t size) {
  constexpr const char* kName = "json_frame";
  (void)json_depth(as_text(data, size), limits::kMaxJsonDepth);
  auto doc = decode(data, size, limits::kMaxPacketBytes, kName);
  if (!doc) return 0;
  std::string wire = encode_json(*doc);
  expect(wire.size() >= 2 && wire.find('\n') == wire.size() - 1, kName,
         "encode_json must end with exactly one '\\n'");
  auto again = decode_json(wire, SIZE_MAX, limits::kMaxJsonDepth);
  expect(again && *again == *doc && encode_json(*again) == wire, kName,
         "decode(encode(doc)) != doc");
  wire.back() = '\0';  // what deployed clients do to the last byte
  auto nul = decode_json(wire, SIZE_MAX, limits::kMaxJsonDepth);
  expect(nul && *nul == *doc, kName, "a trailing NUL changes the document");
  return 0;
}

int fuzz_interaction(const uint8_t* data, size_t size) {
  constexpr const char* kName = "interaction";
  auto doc = decode(data, size, limits::kMaxPacketBytes, kName);
  if (!doc) return 0;
  auto parsed = parse_interaction(*doc);
  if (!parsed) {
    expect_code(parsed.error(), {"malformed_interaction", "id_too_long", "missing_request_id"},
                kName);
    return 0;
  }
  expect(parsed->name() == parsed->body[0].get_ref<const std::string&>(), kName,
         "name() is not the body's first element");
  json wire = over_wire(to_json(*parsed), kName);
  auto again = parse_interaction(wire);
  expect(again && again->type == parsed->type && again->from == parsed->from &&
             again->to == parsed->to && again->request_id == parsed->request_id &&
             again->body == parsed->body && to_json(*again) == wire,
         kName, "interaction does not round-trip");
  if (parsed->type == InteractionType::kRequest) {
    auto reply = make_response(*parsed, error_body("invalid_request", "fuzz"));
    auto answer = parse_interaction(over_wire(to_json(reply), kName));
    expect(answer && answer->type == InteractionType::kResponse && answer->to == parsed->from &&
               answer->from == parsed->to && answer->request_id == parsed->request_id &&
               answer->name() == "error",
           kName, "a response to a valid request does not parse");
  }
  return 0;
}

int fuzz_intent(const uint8_t* data, size_t size) {
  constexpr const char* kName = "intent";
  auto doc = decode(data, size, limits::kMaxIntentBytes, kName);
  if (!doc) return 0;
  auto parsed = parse_intent(*doc);
  if (!parsed) {
    expect_code(parsed.error(), {"malformed_intent"}, kName);
    return 0;
  }
  json wire = over_wire(to_json(*parsed), kName);
  auto again = parse_intent(wire);
  expect(again && same_intent(*again, *parsed) && to_json(*again) == wire, kName,
         "intent does not round-trip");
  return 0;
}

int fuzz_state_message(const uint8_t* data, size_t size) {
  constexpr const char* kName = "state_message";
  auto doc = decode(data, size, limits::kMaxPacketBytes, kName);
  if (!doc) return 0;
  if (doc->is_array() && doc->size() == 2) check_merge_patch((*doc)[0], (*doc)[1]);
  auto parsed = parse_state_message(*doc);
  if (!parsed) {
    expect_code(parsed.error(), {"malformed_state"}, kName);
    return 0;
  }
  // The header scan agrees with every message the full parse accepts, or passes.
  if (auto header = scan_state_header(as_text(data, size))) {
    expect(header->style == parsed->style && header->revision == parsed->revision &&
               header->patch_from == parsed->patch_from,
           kName, "scan_state_header disagrees with parse_state_message");
  }
  expect(!parsed->payload.contains("patch_style") && !parsed->payload.contains("patch_from"), kName,
         "payload still holds patch_style / patch_from");
  auto again = parse_state_message(over_wire(state_wire(*parsed), kName));
  expect(again && again->style == parsed->style && again->revision == parsed->revision &&
             again->patch_from == parsed->patch_from && again->payload == parsed->payload,
         kName, "state message does not round-trip");
  return 0;
}

int fuzz_clock(const uint8_t* data, size_t size) {
  constexpr const char* kName = "clock";
  auto doc = decode(data, size, limits::kMaxClockBytes, kName);
  if (!doc) return 0;
  if (auto direct = parse_clock_reply(*doc); !direct) {
    expect_code(direct.error(), {"malformed_clock"}, kName);
  }
  auto request = parse_clock_request(*doc);
  if (!request) {
    expect_code(request.error(), {"malformed_clock"}, kName);
    return 0;
  }
  json reply = over_wire(clock_reply(*request, kServerTime), kName);
  auto read = parse_clock_reply(reply);
  expect(read && read->client_time == request->client_time && read->server_time == kServerTime,
         kName, "clock reply does not carry the client and server times");
  for (const char* key : {"client_time", "client_clock", "server_time", "server_clock"}) {
    expect(reply.contains(key) && reply[key].is_number(), kName, "clock reply misses a time field");
  }
  for (const auto& [key, value] : request->packet.items()) {
    if (key == "client_time" || key == "client_clock" || key == "server_time" ||
        key == "server_clock") {
      continue;
    }
    expect(reply.contains(key) && reply[key] == value, kName, "clock reply drops a field");
  }
  auto echoed = parse_clock_request(reply);
  expect(echoed && echoed->client_time == request->client_time, kName,
         "clock reply does not parse as a request");
  return 0;
}

int fuzz_media_packet(const uint8_t* data, size_t size) {
  constexpr const char* kName = "media_packet";
  std::span<const uint8_t> bytes(data, size);
  auto packet = parse_media_packet(bytes);
  if (!packet) {
    expect_code(packet.error(), {"too_short", "too_large"}, kName);
    return 0;
  }
  expect(packet->payload.data() == data + limits::kMediaHeaderBytes &&
             packet->payload.size() == size - limits::kMediaHeaderBytes - 1,
         kName, "payload must be the bytes between the track id and the last byte");
  auto wire = encode_media_packet(packet->track_id, packet->payload);
  expect(wire.size() == size && wire.back() == '\n' &&
             std::equal(wire.begin(), wire.end() - 1, bytes.begin()),
         kName, "encode(parse(bytes)) differs from bytes beyond the last byte");
  auto again = parse_media_packet(wire);
  expect(
      again && again->track_id == packet->track_id && same_bytes(again->payload, packet->payload),
      kName, "media packet does not round-trip");
  return 0;
}

// parse_asset_message (the flat scan where it can) against the json path.
void check_asset_message(std::span<const uint8_t> bytes) {
  constexpr const char* kName = "asset_frame";
  auto expected = parse_asset_message_json(bytes);
  auto got = parse_asset_message(bytes);
  expect(got.has_value() == expected.has_value(), kName,
         "parse_asset_message and the json path disagree on acceptance");
  if (got && expected) {
    expect(*got == *expected, kName, "parse_asset_message reads other fields than the json path");
  } else if (!got && !expected) {
    expect(
        got.error().code == expected.error().code && got.error().detail == expected.error().detail,
        kName, "parse_asset_message names another error than the json path");
  }
  // The encoders' frames take the flat scan when their strings are plain.
  if (got && asset_frame_is_plain(bytes)) {
    std::vector<uint8_t> wire;
    if (auto* r = std::get_if<AssetRequest>(&*got)) wire = encode_asset_request(*r);
    if (auto* d = std::get_if<AssetData>(&*got))
      wire = encode_asset_data(d->id, d->range, d->total_length, d->bytes);
    if (auto* f = std::get_if<AssetFailure>(&*got)) wire = encode_asset_failure(*f);
    expect(asset_frame_is_plain(wire), kName, "an encoded plain frame is not read as plain");
  }
}

int fuzz_asset_frame(const uint8_t* data, size_t size) {
  constexpr const char* kName = "asset_frame";
  check_asset_id(as_text(data, size));
  check_asset_message(std::span<const uint8_t>(data, size));
  auto frame = parse_asset_frame(std::span<const uint8_t>(data, size));
  if (!frame) {
    expect_code(frame.error(),
                {"too_short", "bad_header_length", "malformed_json", "unknown_mid",
                 "malformed_asset_header"},
                kName);
    return 0;
  }
  // encode_asset_frame writes the header length as a u16: skip headers whose
  // compact form (numbers may grow: 1e5 -> 100000.0) no longer fits.
  if (frame->header.dump().size() <= 0xFFFF) {
    auto wire = encode_asset_frame(frame->mid, frame->header, frame->body);
    auto again = reparse_frame(wire);  // again.body points into wire
    expect(again.mid == frame->mid && again.header == frame->header &&
               same_bytes(again.body, frame->body),
           kName, "asset frame does not round-trip");
  }
  if (auto id = frame->header.find("id"); id != frame->header.end() && id->is_string()) {
    check_asset_id(id->get_ref<const std::string&>());
  }
  check_typed_asset_frame(*frame);
  return 0;
}

}  // namespace allo::proto
