#include "proto/json_frame.hpp"

#include <gtest/gtest.h>

#include <string>

#include "proto/limits.hpp"

namespace allo::proto {
namespace {

constexpr size_t kMax = limits::kMaxPacketBytes;
constexpr int kDepth = limits::kMaxJsonDepth;

// A small interaction as a client sends it: the document, then one '\n'.
const std::string kWire =
    R"(["interaction","request","e1","place","r1",["announce"]])"  // the document
    "\n";                                                          // framing byte

TEST(JsonFrame, DecodesWithTrailingNewline) {
  auto doc = decode_json(kWire, kMax, kDepth);
  ASSERT_TRUE(doc) << doc.error().detail;
  EXPECT_EQ((*doc)[4], "r1");
}

TEST(JsonFrame, DecodesWithoutTrailingNewline) {
  auto doc = decode_json(std::string_view(kWire).substr(0, kWire.size() - 1), kMax, kDepth);
  ASSERT_TRUE(doc);
  EXPECT_EQ(*doc, *decode_json(kWire, kMax, kDepth));
}

TEST(JsonFrame, DecodesWithTrailingNulAsClientsLeaveIt) {
  std::string wire = kWire;
  wire.back() = '\0';  // deployed clients overwrite the last byte with NUL
  auto doc = decode_json(wire, kMax, kDepth);
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->size(), 6u);
  std::string both = kWire + std::string(1, '\0');  // '\n' then NUL
  EXPECT_TRUE(decode_json(both, kMax, kDepth));
  EXPECT_TRUE(decode_json("{\"a\":1}\r\n", kMax, kDepth));  // CRLF
}

TEST(JsonFrame, DecodesPrettyPrintedDocuments) {
  auto doc = decode_json("{\n  \"client_time\": 12.5\n}\n", kMax, kDepth);
  ASSERT_TRUE(doc);
  EXPECT_EQ((*doc)["client_time"], 12.5);
}

TEST(JsonFrame, EncodeAppendsExactlyOneNewline) {
  json doc = {{"text", "line1\nline2"}, {"n", 1}};  // a '\n' inside a string is escaped
  std::string wire = encode_json(doc);
  ASSERT_FALSE(wire.empty());
  EXPECT_EQ(wire.back(), '\n');
  EXPECT_EQ(wire.find('\n'), wire.size() - 1);
  EXPECT_EQ(wire, R"({"n":1,"text":"line1\nline2"})"
                  "\n");
}

TEST(JsonFrame, EncodeOfDecodedWireIsTheWire) {
  auto doc = decode_json(kWire, kMax, kDepth);
  ASSERT_TRUE(doc);
  EXPECT_EQ(encode_json(*doc), kWire);
  EXPECT_EQ(*decode_json(encode_json(*doc), kMax, kDepth), *doc);
}

TEST(JsonFrame, EncodeReplacesInvalidUtf8InsteadOfThrowing) {
  json doc = std::string("\xff\xfe");  // not UTF-8
  std::string wire;
  ASSERT_NO_THROW(wire = encode_json(doc));
  EXPECT_TRUE(decode_json(wire, kMax, kDepth));
}

TEST(JsonFrame, TooLargeIsCheckedOnTheRawBytes) {
  std::string wire = "[" + std::string(20, ' ') + "1]\n";  // 24 bytes
  auto err = decode_json(wire, 23, kDepth);
  ASSERT_FALSE(err);
  EXPECT_EQ(err.error().code, "too_large");
  EXPECT_TRUE(decode_json(wire, 24, kDepth));
}

TEST(JsonFrame, EmptyPayloads) {
  for (std::string_view wire : {std::string_view(""), std::string_view("\n"),
                                std::string_view("\0\n", 2), std::string_view("\r\n\0", 3)}) {
    auto err = decode_json(wire, kMax, kDepth);
    ASSERT_FALSE(err);
    EXPECT_EQ(err.error().code, "empty");
  }
}

TEST(JsonFrame, TooDeepIsRefusedBeforeParsing) {
  std::string at_limit = std::string(kDepth, '[') + std::string(kDepth, ']');
  EXPECT_TRUE(decode_json(at_limit, kMax, kDepth));
  std::string over = "[" + at_limit + "]";
  auto err = decode_json(over, kMax, kDepth);
  ASSERT_FALSE(err);
  EXPECT_EQ(err.error().code, "too_deep");
  // Unterminated and hostile: a megabyte of '[' never reaches the parser.
  auto deep = decode_json(std::string(kMax, '['), kMax, kDepth);
  ASSERT_FALSE(deep);
  EXPECT_EQ(deep.error().code, "too_deep");
}

TEST(JsonFrame, MalformedJson) {
  for (std::string_view wire :
       {"[1,2", "{\"a\":}", "nul", "\"unterminated", "[1] [2]", "{\"a\":1e999}"}) {
    auto err = decode_json(wire, kMax, kDepth);
    ASSERT_FALSE(err) << wire;
    EXPECT_EQ(err.error().code, "malformed_json") << wire;
  }
}

TEST(JsonFrame, DepthIgnoresBracketsInStrings) {
  EXPECT_EQ(json_depth(R"(["[[[[", "{{\"{{"])", 10), 1);  // escaped quote stays in string
  EXPECT_EQ(json_depth(R"({"a":[{"b":[]}]})", 10), 4);
  EXPECT_EQ(json_depth("[[[[[", 3), 4);  // stops at limit + 1
  EXPECT_EQ(json_depth("42", 3), 0);
}

}  // namespace
}  // namespace allo::proto
