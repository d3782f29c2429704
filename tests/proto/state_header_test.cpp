#include "proto/state_header.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "proto/json_frame.hpp"
#include "proto/limits.hpp"

namespace allo::proto {
namespace {

// A merge as the place writes it: keys sorted, the world before the header.
const char* kMerge =
    R"({"entities":{"e1":{"components":{"label":{"text":"a \"quoted\" } ] { [ \\"},)"
    R"("transform":{"matrix":[1,0,0,0,0,1,0,0,0,0,1,0,2,0,0,1]}}}},)"
    R"("patch_from":7,"patch_style":"merge","revision":8})";
const char* kSet = R"({ "entities" : {}, "patch_style" : "set", "revision" : 12 } )";

// The full parse, for comparison; nullopt when it refuses the text.
std::optional<StateHeader> parsed(std::string_view text) {
  auto doc = decode_json(text, limits::kMaxPacketBytes, limits::kMaxJsonDepth);
  if (!doc) return std::nullopt;
  auto m = parse_state_message(*doc);
  if (!m) return std::nullopt;
  return StateHeader{m->style, m->revision, m->patch_from};
}

void expect_same(std::string_view text) {
  auto header = scan_state_header(text);
  ASSERT_TRUE(header) << text;
  const auto full_parse = parsed(text);
  ASSERT_TRUE(full_parse) << text;
  const StateHeader& full = *full_parse;
  EXPECT_EQ(header->style, full.style) << text;
  EXPECT_EQ(header->revision, full.revision) << text;
  EXPECT_EQ(header->patch_from, full.patch_from) << text;
}

TEST(StateHeader, ReadsAMergeAfterItsWorldWithBracketsAndQuotesInStrings) {
  auto header = scan_state_header(kMerge);
  ASSERT_TRUE(header);
  EXPECT_EQ(header->style, PatchStyle::kMerge);
  EXPECT_EQ(header->revision, 8u);
  EXPECT_EQ(header->patch_from, 7u);
  expect_same(kMerge);
}

TEST(StateHeader, AgreesWithTheFullParseOnEveryStyle) {
  expect_same(kSet);
  expect_same(R"({"entities":{"a":{"id":"a","components":{}}},"revision":3})");  // set by default
  expect_same(R"({"revision":18446744073709551615,"patch_from":0,"patch_style":"merge"})");
  expect_same(R"({"patch_style":"apply","patch_from":4,"patches":[{"op":"add"}],"revision":9})");
  expect_same(R"({"patch_style":"set","entities":[],"entities":{},"revision":1,"revision":2})");
}

TEST(StateHeader, UnsureInputIsLeftToTheFullParse) {
  for (const char* text : {
           "", "[]",
           R"({"entities":{},"revision":1.5})",                   // not an integer
           R"({"entities":{},"revision":-0})",                    // nlohmann takes it; we don't
           R"({"entities":{},"revision":01})",                    // leading zero
           R"({"entities":{},"revision":18446744073709551616})",  // over 64 bits
           R"({"entities":{},"revision":"5"})",                   // a string
           R"({"entities":{},"patch_style":"s\u0065t","revision":1})",  // escaped style
           R"({"entities":{},"revisio\u006e":1})",                      // escaped key
           R"({"entities":[],"revision":1})",            // set without an entities object
           R"({"patch_style":"merge","revision":2})",    // merge without patch_from
           R"({"patch_style":"apply","patch_from":1})",  // apply without patches
           R"({"patch_style":"replace","revision":2,"entities":{}})",
           R"({"entities":{"a":"}"},"revision":1)",  // unterminated
           R"({"entities":{},"revision":1} x)",      // text after the object
           R"({"entities":{"a":1}},"revision":1})",  // unbalanced
       }) {
    EXPECT_FALSE(scan_state_header(text)) << text;
  }
  EXPECT_FALSE(scan_state_header(std::string(limits::kMaxPacketBytes + 1, ' ')));
}

TEST(StateHeader, SkipsTheWorldWithoutValidatingIt) {
  // A damaged entity the full parse refuses; the header is still read.
  const char* text = R"({"entities":{"a":{"x":tru}},"patch_style":"set","revision":5})";
  EXPECT_FALSE(decode_json(text, limits::kMaxPacketBytes, limits::kMaxJsonDepth));
  auto header = scan_state_header(text);
  ASSERT_TRUE(header);
  EXPECT_EQ(header->revision, 5u);
}

}  // namespace
}  // namespace allo::proto
