#include "proto/asset_frame.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace allo::proto {
namespace {

// sha256("abc") as an asset id.
const std::string kHex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const std::string kId = "asset:sha256:" + kHex;

std::vector<uint8_t> frame(std::initializer_list<uint8_t> mid_and_hlen, std::string_view header,
                           std::string_view body = "") {
  std::vector<uint8_t> out(mid_and_hlen);
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

// A head request (range [0,0]): 100 bytes of header, no body.
const std::string kRequestHeader = R"({"id":")" + kId + R"(","range":[0,0]})";
const std::vector<uint8_t> kRequest = frame({0x00, 0x01,   // mid 1: request
                                             0x00, 0x64},  // hlen 100
                                            kRequestHeader);

// The data answer: the whole asset "abc" in one chunk, 117 bytes of header.
const std::string kDataHeader = R"({"id":")" + kId + R"(","range":[0,3],"total_length":3})";
const std::vector<uint8_t> kData = frame({0x00, 0x02,   // mid 2: data
                                          0x00, 0x75},  // hlen 117
                                         kDataHeader,
                                         "abc");  // raw asset bytes to the end

std::span<const uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

void expect_frame_error(const std::vector<uint8_t>& bytes, const char* code) {
  auto f = parse_asset_frame(bytes);
  ASSERT_FALSE(f) << code;
  EXPECT_EQ(f.error().code, code);
}

TEST(AssetFrame, LiteralHeaderLengthsMatch) {
  EXPECT_EQ(kRequestHeader.size(), 0x64u);
  EXPECT_EQ(kDataHeader.size(), 0x75u);
}

TEST(AssetFrame, ParsesHeadRequestAndRoundTrips) {
  auto f = parse_asset_frame(kRequest);
  ASSERT_TRUE(f) << f.error().detail;
  EXPECT_EQ(f->mid, AssetMid::kRequest);
  EXPECT_TRUE(f->body.empty());
  auto r = parse_asset_request(*f);
  ASSERT_TRUE(r) << r.error().detail;
  EXPECT_EQ(r->id, kId);
  EXPECT_EQ(r->range.start, 0u);
  EXPECT_EQ(r->range.count, 0u);
  EXPECT_EQ(r->published_by, "");
  EXPECT_EQ(encode_asset_request(*r), kRequest);
  EXPECT_EQ(encode_asset_frame(f->mid, f->header, f->body), kRequest);
}

TEST(AssetFrame, HeaderTextIsTheUnparsedJsonClampedToTheFrame) {
  std::vector<uint8_t> bytes = {0, 1, 0, 2, '{', '}', 'x'};
  EXPECT_EQ(asset_frame_header_text(bytes), "{}");
  bytes[3] = 200;  // says 200, 3 bytes follow
  EXPECT_EQ(asset_frame_header_text(bytes), "{}x");
  EXPECT_EQ(asset_frame_header_text(std::vector<uint8_t>{0, 1, 0}), "");
}

TEST(AssetFrame, RequestWithPublisherRoundTrips) {
  AssetRequest request{kId, {10, 20}, "entity-4"};
  auto f = parse_asset_frame(encode_asset_request(request));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->header["published_by"], "entity-4");
  auto r = parse_asset_request(*f);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->range.start, 10u);
  EXPECT_EQ(r->range.count, 20u);
  EXPECT_EQ(r->published_by, "entity-4");
}

TEST(AssetFrame, ParsesDataAndRoundTrips) {
  auto f = parse_asset_frame(kData);
  ASSERT_TRUE(f) << f.error().detail;
  auto d = parse_asset_data(*f);
  ASSERT_TRUE(d) << d.error().detail;
  EXPECT_EQ(d->id, kId);
  EXPECT_EQ(d->total_length, 3u);
  ASSERT_EQ(d->bytes.size(), 3u);
  EXPECT_EQ(d->bytes.data(), kData.data() + 4 + 0x75);  // a view into the buffer
  EXPECT_EQ(d->bytes[0], 'a');
  EXPECT_EQ(encode_asset_data(d->id, d->range, d->total_length, d->bytes), kData);
}

TEST(AssetFrame, FailureRoundTrips) {
  AssetFailure failure{kId, "nobody has it", "not_found"};
  auto bytes = encode_asset_failure(failure);
  std::string header =
      R"({"error_code":"not_found","error_reason":"nobody has it","id":")" + kId + R"("})";
  EXPECT_EQ(bytes, frame({0x00, 0x03,  // mid 3: failure
                          0x00, static_cast<uint8_t>(header.size())},
                         header));
  auto f = parse_asset_frame(bytes);
  ASSERT_TRUE(f);
  auto back = parse_asset_failure(*f);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->id, kId);
  EXPECT_EQ(back->error_reason, "nobody has it");
  EXPECT_EQ(back->error_code, "not_found");
}

TEST(AssetFrame, EncodeReplacesInvalidUtf8InsteadOfThrowing) {
  AssetFailure failure{kId, "disk error: \xff\xfe", "io_error"};  // bytes from the OS
  std::vector<uint8_t> bytes;
  ASSERT_NO_THROW(bytes = encode_asset_failure(failure));
  auto f = parse_asset_frame(bytes);
  ASSERT_TRUE(f) << f.error().detail;
  auto back = parse_asset_failure(*f);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->error_reason, "disk error: \uFFFD\uFFFD");  // U+FFFD twice
}

TEST(AssetFrame, TooShort) {
  for (size_t n = 0; n < 4; ++n) {
    auto f = parse_asset_frame(std::span(kRequest.data(), n));
    ASSERT_FALSE(f);
    EXPECT_EQ(f.error().code, "too_short");
  }
}

TEST(AssetFrame, BadHeaderLength) {
  expect_frame_error(frame({0x00, 0x01, 0x00, 0x00}, "{}"), "bad_header_length");  // hlen 0
  expect_frame_error(frame({0x00, 0x01, 0x00, 0x03}, "{}"), "bad_header_length");  // past the end
  expect_frame_error(frame({0x00, 0x01, 0xFF, 0xFF}, "{}"), "bad_header_length");
}

TEST(AssetFrame, UnknownMid) {
  for (uint8_t lo : {0x00, 0x04, 0xFF}) {
    expect_frame_error(frame({0x00, lo, 0x00, 0x02}, "{}"), "unknown_mid");
  }
  expect_frame_error(frame({0x01, 0x01, 0x00, 0x02}, "{}"), "unknown_mid");  // mid 257
}

TEST(AssetFrame, MalformedJsonHeader) {
  expect_frame_error(frame({0x00, 0x01, 0x00, 0x05}, R"({"id")"), "malformed_json");
  expect_frame_error(frame({0x00, 0x01, 0x00, 0x01}, "\n"), "malformed_json");  // empty
  // Headers are shallow: more than 4 levels of nesting is refused.
  expect_frame_error(frame({0x00, 0x01, 0x00, 0x0a}, "[[[[[]]]]]"), "malformed_json");
  EXPECT_TRUE(parse_asset_frame(frame({0x00, 0x01, 0x00, 0x0a}, R"({"a":[[]]})")));
}

TEST(AssetFrame, HeaderMustBeAnObject) {
  expect_frame_error(frame({0x00, 0x01, 0x00, 0x02}, "[]"), "malformed_asset_header");
}

void expect_typed_error(const Result<AssetFrame>& f, bool request, bool data, bool failure) {
  ASSERT_TRUE(f) << f.error().detail;
  auto r = parse_asset_request(*f);
  auto d = parse_asset_data(*f);
  auto x = parse_asset_failure(*f);
  auto code = [](const auto& result) { return result ? std::string() : result.error().code; };
  if (request) {
    EXPECT_EQ(code(r), "malformed_asset_header") << f->header;
  }
  if (data) {
    EXPECT_EQ(code(d), "malformed_asset_header") << f->header;
  }
  if (failure) {
    EXPECT_EQ(code(x), "malformed_asset_header") << f->header;
  }
}

Result<AssetFrame> make(AssetMid mid, const json& header, std::string_view body = "") {
  return parse_asset_frame(encode_asset_frame(mid, header, as_bytes(body)));
}

TEST(AssetFrame, TypedParsersCheckTheMid) {
  expect_typed_error(parse_asset_frame(kRequest), false, true, true);
  expect_typed_error(parse_asset_frame(kData), true, false, true);
}

TEST(AssetFrame, MalformedRequests) {
  auto req = [](json h) { return make(AssetMid::kRequest, h); };
  expect_typed_error(req({{"range", {0, 0}}}), true, false, false);  // no id
  expect_typed_error(req({{"id", ""}, {"range", {0, 0}}}), true, false, false);
  expect_typed_error(req({{"id", std::string(257, 'a')}, {"range", {0, 0}}}), true, false, false);
  expect_typed_error(req({{"id", 5}, {"range", {0, 0}}}), true, false, false);
  expect_typed_error(req({{"id", kId}}), true, false, false);  // no range
  expect_typed_error(req({{"id", kId}, {"range", {0}}}), true, false, false);
  expect_typed_error(req({{"id", kId}, {"range", {-1, 4}}}), true, false, false);
  expect_typed_error(req({{"id", kId}, {"range", {"0", 4}}}), true, false, false);
  expect_typed_error(req({{"id", kId}, {"range", {0, 0}}, {"published_by", 3}}), true, false,
                     false);
}

TEST(AssetFrame, MalformedData) {
  auto data = [](json h, std::string_view body) { return make(AssetMid::kData, h, body); };
  json ok = {{"id", kId}, {"range", {0, 3}}, {"total_length", 3}};
  EXPECT_TRUE(parse_asset_data(*data(ok, "abc")));
  expect_typed_error(data(ok, "ab"), false, true, false);  // count 3, two bytes
  json past_end = {{"id", kId}, {"range", {2, 3}}, {"total_length", 4}};
  expect_typed_error(data(past_end, "abc"), false, true, false);
  json huge_start = {{"id", kId}, {"range", {UINT64_MAX, 1}}, {"total_length", 4}};
  expect_typed_error(data(huge_start, "a"), false, true, false);
  json no_total = {{"id", kId}, {"range", {0, 3}}};
  expect_typed_error(data(no_total, "abc"), false, true, false);
}

TEST(AssetFrame, MalformedFailure) {
  expect_typed_error(make(AssetMid::kFailure, {{"error_code", "x"}}), false, false, true);
}

TEST(AssetId, AcceptsSha1AndSha256LowercaseHex) {
  auto sha256 = parse_asset_id(kId);
  ASSERT_TRUE(sha256);
  EXPECT_EQ(sha256->algorithm, HashAlgorithm::kSha256);
  EXPECT_EQ(sha256->hex, kHex);
  auto sha1 = parse_asset_id("asset:sha1:a9993e364706816aba3e25717850c26c9cd0d89d");  // sha1("abc")
  ASSERT_TRUE(sha1);
  EXPECT_EQ(sha1->algorithm, HashAlgorithm::kSha1);
  EXPECT_EQ(sha1->hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(AssetId, RefusesEverythingElse) {
  std::string upper = kId;
  upper.back() = 'D';
  const std::string sha1_hex = "a9993e364706816aba3e25717850c26c9cd0d89d";
  for (const std::string& text : {
           std::string(""),
           std::string("asset:sha256:"),
           upper,
           kId.substr(0, kId.size() - 1),       // 63 digits
           kId + "0",                           // 65 digits
           "asset:sha1:" + sha1_hex.substr(1),  // 39 digits
           "asset:sha1:" + sha1_hex + "0",      // 41 digits
           "asset:sha1:" + kHex,                // sha256 length under sha1
           "asset:sha256:" + sha1_hex,          // sha1 length under sha256
           "asset:md5:" + sha1_hex.substr(8),   // unknown algorithm
           "ASSET:sha256:" + kHex,
           "asset:SHA256:" + kHex,
           "asset:sha256:" + kHex.substr(0, 63) + "g",  // not hex
           " asset:sha256:" + kHex.substr(1),
       }) {
    EXPECT_FALSE(parse_asset_id(text)) << text;
  }
}

TEST(AssetFrame, DirectWritersWriteWhatTheJsonHeaderWould) {
  // The three encoders skip building a json object; their bytes must stay
  // those of encode_asset_frame with the same header, for any string (the
  // strings that are not plain ASCII check that they reach nlohmann; the
  // asset_frame fuzz target checks every frame it parses).
  const std::vector<uint8_t> body = {1, 2, 3};
  for (const std::string& s :
       {std::string("asset:sha1:a9993e364706816aba3e25717850c26c9cd0d89d"), std::string(""),
        std::string("quote\" backslash\\ slash/"), std::string("tab\t nl\n ctl\x01 del\x7f"),
        std::string("\xc3\xa9t\xc3\xa9"), std::string("bad \xff utf-8")}) {
    json request = {{"id", s}, {"range", {3, 18446744073709551615ull}}};
    EXPECT_EQ(encode_asset_request({s, {3, 18446744073709551615ull}, ""}),
              encode_asset_frame(AssetMid::kRequest, request))
        << s;
    request["published_by"] = s;
    if (!s.empty()) {
      EXPECT_EQ(encode_asset_request({s, {3, 18446744073709551615ull}, s}),
                encode_asset_frame(AssetMid::kRequest, request))
          << s;
    }
    json data = {{"id", s}, {"range", {0, 3}}, {"total_length", 7}};
    EXPECT_EQ(encode_asset_data(s, {0, 3}, 7, body),
              encode_asset_frame(AssetMid::kData, data, body))
        << s;
    json failure = {{"id", s}, {"error_reason", s + "!"}, {"error_code", "x" + s}};
    EXPECT_EQ(encode_asset_failure({s, s + "!", "x" + s}),
              encode_asset_frame(AssetMid::kFailure, failure))
        << s;
  }
}

// parse_asset_message against the json path (parse_asset_message_json).
void expect_same_message(AssetMid mid, std::string_view header, bool plain,
                         std::string_view body = "") {
  std::vector<uint8_t> bytes = {0, static_cast<uint8_t>(mid),
                                static_cast<uint8_t>(header.size() >> 8),
                                static_cast<uint8_t>(header.size())};
  bytes.insert(bytes.end(), header.begin(), header.end());
  bytes.insert(bytes.end(), body.begin(), body.end());
  auto got = parse_asset_message(bytes);
  auto expected = parse_asset_message_json(bytes);
  EXPECT_EQ(asset_frame_is_plain(bytes), plain) << header;
  ASSERT_EQ(got.has_value(), expected.has_value()) << header;
  if (got) {
    EXPECT_TRUE(*got == *expected) << header;
  } else {
    EXPECT_EQ(got.error().code, expected.error().code) << header;
    EXPECT_EQ(got.error().detail, expected.error().detail) << header;
  }
}

TEST(AssetMessage, ReadsTheEncodersFramesByTheFlatScan) {
  auto request = parse_asset_message(encode_asset_request({kId, {5, 10}, "avatar-1"}));
  ASSERT_TRUE(request) << request.error().detail;
  EXPECT_TRUE(std::get<AssetRequest>(*request) == (AssetRequest{kId, {5, 10}, "avatar-1"}));
  EXPECT_TRUE(asset_frame_is_plain(kRequest));
  EXPECT_TRUE(asset_frame_is_plain(kData));
  auto data = parse_asset_message(kData);
  ASSERT_TRUE(data) << data.error().detail;
  const auto& d = std::get<AssetData>(*data);
  EXPECT_EQ(d.id, kId);
  EXPECT_EQ(d.total_length, 3u);
  EXPECT_EQ(std::string(d.bytes.begin(), d.bytes.end()), "abc");
  EXPECT_EQ(d.bytes.data(), kData.data() + kData.size() - 3);  // no copy
  auto failure_bytes = encode_asset_failure({kId, "gone", "asset_not_found"});
  EXPECT_TRUE(asset_frame_is_plain(failure_bytes));
  auto failure = parse_asset_message(failure_bytes);
  ASSERT_TRUE(failure);
  EXPECT_TRUE(std::get<AssetFailure>(*failure) == (AssetFailure{kId, "gone", "asset_not_found"}));
}

TEST(AssetMessage, AgreesWithTheJsonPath) {
  using enum AssetMid;
  const std::string id = "\"id\":\"" + kId + "\"";
  // Plain: read by the flat scan.
  expect_same_message(kRequest, "{" + id + ",\"range\":[0,0]}", true);
  expect_same_message(kRequest, " { " + id + " , \"range\" : [ 1 , 2 ] } \n", true);
  expect_same_message(kRequest, "{\"range\":[0,18446744073709551615]," + id + "}", true);
  expect_same_message(kRequest, "{" + id + ",\"range\":[0,0],\"published_by\":\"\"}", true);
  expect_same_message(kData, "{" + id + ",\"range\":[1,2],\"total_length\":3}", true, "bc");
  expect_same_message(kFailure, "{" + id + "}", true);
  expect_same_message(kRequest, "{" + id + ",\"range\":[0,0]}\r\n", true);
  expect_same_message(kRequest, "{\"id\":\"del\x7f\",\"range\":[0,0]}", false);
  // Left to the json path, which accepts them.
  expect_same_message(kRequest, "{\"\\u0069d\":\"" + kId + "\",\"range\":[0,0]}", false);
  expect_same_message(kRequest, "{" + id + ",\"range\":[0,0],\"published_by\":null}", false);
  expect_same_message(kRequest, "{" + id + ",\"range\":[0,0],\"extra\":{\"a\":[1]}}", false);
  expect_same_message(kRequest, "{\"id\":\"x\",\"id\":\"" + kId + "\",\"range\":[0,0]}", false);
  expect_same_message(kRequest, "{\"id\":\"caf\xc3\xa9\",\"range\":[0,0]}", false);
  expect_same_message(kFailure, "{" + id + ",\"error_code\":7}", false);
  expect_same_message(kFailure, "{" + id + ",\"range\":[0,0]}", false);
  expect_same_message(
      kData, "{" + id + ",\"range\":[0,1],\"total_length\":1,\"published_by\":\"a\"}", false, "a");
  // decode_json takes a trailing NUL as the end (deployed clients write one).
  expect_same_message(kRequest, std::string("{" + id + ",\"range\":[0,0]}") + '\0', false);
  expect_same_message(kRequest, std::string("{" + id + ",\"range\":[0,0]}") + '\0' + "junk", false);
  expect_same_message(kRequest, "\xef\xbb\xbf{" + id + ",\"range\":[0,0]}", false);
  // Left to the json path, which names the error.
  expect_same_message(kRequest, "{" + id + ",\"range\":[0,1.0]}", false);
  expect_same_message(kRequest, "{" + id + ",\"range\":[0,1e3]}", false);
  expect_same_message(kRequest, "{" + id + ",\"range\":[0,01]}", false);
  expect_same_message(kRequest, "{" + id + ",\"range\":[-0,1]}", false);
  expect_same_message(kRequest, "{" + id + ",\"range\":[0,18446744073709551616]}", false);
  expect_same_message(kRequest, "{" + id + ",\"range\":[0,1,2]}", false);
  expect_same_message(kRequest, "{" + id + ",\"range\":[0,0],\"published_by\":3}", false);
  expect_same_message(kRequest, "{" + id + ",\"range\":[0,0]}x", false);
  expect_same_message(kRequest, "{" + id + ",\"range\":[0,0],}", false);
  expect_same_message(kRequest, "{\"id\":\"\",\"range\":[0,0]}", false);
  expect_same_message(kRequest, "{\"id\":\"tab\there\",\"range\":[0,0]}", false);
  expect_same_message(kRequest, "{\"id\":\"" + std::string(257, 'a') + "\",\"range\":[0,0]}",
                      false);
  expect_same_message(kRequest, "{" + id + "}", false);
  expect_same_message(kRequest, "[" + id + "]", false);
  expect_same_message(kData, "{" + id + ",\"range\":[0,2],\"total_length\":3}", false, "abc");
  expect_same_message(kData, "{" + id + ",\"range\":[2,2],\"total_length\":3}", false, "bc");
  expect_same_message(kData, "{" + id + ",\"range\":[0,1]}", false, "a");
  expect_same_message(kFailure, "{\"error_code\":\"x\"}", false);
  expect_same_message(kFailure, "{}", false);
}

TEST(AssetMessage, FrameErrorsAreTheFramesErrors) {
  for (const auto& bytes : {std::vector<uint8_t>{0, 1}, std::vector<uint8_t>{0, 1, 0, 9, '{', '}'},
                            frame({0, 9, 0, 2}, "{}")}) {
    auto got = parse_asset_message(bytes);
    auto expected = parse_asset_frame(bytes);
    ASSERT_FALSE(got);
    ASSERT_FALSE(expected);
    EXPECT_EQ(got.error().code, expected.error().code);
  }
}

}  // namespace
}  // namespace allo::proto
