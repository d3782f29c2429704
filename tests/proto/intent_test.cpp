#include "proto/intent.hpp"
#include "proto/limits.hpp"

#include <gtest/gtest.h>

#include <string>

#include "proto/json_frame.hpp"

namespace allo::proto {
namespace {

// Today's intent packet (specifications-intent.md), one field per line.
const char* kIntent = R"({
  "cmd": "intent",
  "intent": {
    "xmovement": 0.5,
    "zmovement": -1,
    "yaw": 1.25,
    "pitch": 0,
    "poses": {
      "head": {"matrix": [1,0,0,0, 0,1,0,0, 0,0,1,0, 0,1.6,0,1]},
      "hand/left": {
        "matrix": [1,0,0,0, 0,1,0,0, 0,0,1,0, -0.2,1.2,-0.3,1],
        "skeleton": [[1,0,0,0, 0,1,0,0, 0,0,1,0, 0,0,0,1]],
        "grab": {"entity": "box-1",
                 "grabber_from_entity_transform": [1,0,0,0, 0,1,0,0, 0,0,1,0, 0,0,-0.5,1]}
      }
    },
    "ack_state_rev": 1234
  }
})";
// column-major: the translation is elements 12..14
// "skeleton" is accepted and not kept

// The same intent as to_json writes it (compact, keys sorted, skeleton gone).
const char* kIntentWritten =
    R"({"cmd":"intent","intent":{"ack_state_rev":1234,"pitch":0.0,"poses":{)"
    R"("hand/left":{"grab":{"entity":"box-1","grabber_from_entity_transform":)"
    R"([1.0,0.0,0.0,0.0,0.0,1.0,0.0,0.0,0.0,0.0,1.0,0.0,0.0,0.0,-0.5,1.0]},)"
    R"("matrix":[1.0,0.0,0.0,0.0,0.0,1.0,0.0,0.0,0.0,0.0,1.0,0.0,-0.2,1.2,-0.3,1.0]},)"
    R"("head":{"matrix":[1.0,0.0,0.0,0.0,0.0,1.0,0.0,0.0,0.0,0.0,1.0,0.0,0.0,1.6,0.0,1.0]}},)"
    R"("xmovement":0.5,"yaw":1.25,"zmovement":-1.0}})";

json parse(std::string_view text) {
  return json::parse(text);
}

void expect_malformed(const json& doc) {
  auto i = parse_intent(doc);
  ASSERT_FALSE(i) << doc.dump();
  EXPECT_EQ(i.error().code, "malformed_intent") << doc.dump();
}

json with_body_field(const char* key, json value) {
  json doc = parse(kIntent);
  doc["intent"][key] = std::move(value);
  return doc;
}

TEST(Intent, ParsesTodaysForm) {
  auto i = parse_intent(parse(kIntent));
  ASSERT_TRUE(i) << i.error().detail;
  EXPECT_EQ(i->entity_id, "");
  EXPECT_EQ(i->xmovement, 0.5);
  EXPECT_EQ(i->zmovement, -1);
  EXPECT_EQ(i->yaw, 1.25);
  EXPECT_EQ(i->ack_state_rev, 1234u);
  ASSERT_EQ(i->poses.size(), 2u);
  const Pose& head = i->poses.at("head");
  ASSERT_TRUE(head.matrix);
  EXPECT_EQ((*head.matrix)[13], 1.6);  // y translation
  EXPECT_FALSE(head.grab);
  const Pose& hand = i->poses.at("hand/left");
  ASSERT_TRUE(hand.grab);
  EXPECT_EQ(hand.grab->entity, "box-1");
  EXPECT_EQ(hand.grab->grabber_from_entity[14], -0.5);
}

TEST(Intent, RoundTripWritesTheCurrentForm) {
  auto i = parse_intent(parse(kIntent));
  ASSERT_TRUE(i);
  EXPECT_EQ(encode_json(to_json(*i)), std::string(kIntentWritten) + "\n");
  auto again = parse_intent(to_json(*i));
  ASSERT_TRUE(again);
  EXPECT_EQ(to_json(*again), to_json(*i));
}

TEST(Intent, PlannedFormTakesTheFirstEntity) {
  auto i = parse_intent(parse(R"({
    "intents": {"avatar-9": {"xmovement": 1, "poses": {}}},
    "ack-state-rev": 73892
  })"));
  ASSERT_TRUE(i) << i.error().detail;
  EXPECT_EQ(i->entity_id, "avatar-9");  // from the key
  EXPECT_EQ(i->xmovement, 1);
  EXPECT_EQ(i->ack_state_rev, 73892u);
  auto again = parse_intent(to_json(*i));  // written in today's form, entity id kept
  ASSERT_TRUE(again);
  EXPECT_EQ(again->entity_id, "avatar-9");
  EXPECT_EQ(again->ack_state_rev, 73892u);
}

TEST(Intent, MissingAndNullFieldsDefault) {
  auto i = parse_intent(parse(R"({"intent":{"yaw":null,"poses":null,"ack_state_rev":null}})"));
  ASSERT_TRUE(i);
  EXPECT_EQ(i->yaw, 0);
  EXPECT_TRUE(i->poses.empty());
  EXPECT_EQ(i->ack_state_rev, 0u);
}

TEST(Intent, GrabWithoutEntityIsIgnored) {
  auto i = parse_intent(parse(R"({"intent":{"poses":{"hand/right":{"grab":{"entity":""}}}}})"));
  ASSERT_TRUE(i);
  EXPECT_FALSE(i->poses.at("hand/right").grab);
  EXPECT_FALSE(i->poses.at("hand/right").matrix);
}

TEST(Intent, FractionalAckIsTruncated) {
  auto i = parse_intent(with_body_field("ack_state_rev", 12.9));
  ASSERT_TRUE(i);
  EXPECT_EQ(i->ack_state_rev, 12u);
}

TEST(Intent, AckBeyondUint64IsMalformed) {
  // Casting 1e30 to uint64_t is undefined behaviour; the parser must refuse it.
  expect_malformed(with_body_field("ack_state_rev", 1e30));
  expect_malformed(with_body_field("ack_state_rev", 18446744073709551616.0));       // 2^64
  EXPECT_TRUE(parse_intent(with_body_field("ack_state_rev", 9007199254740992.0)));  // 2^53
}

TEST(Intent, MalformedPackets) {
  expect_malformed(json::array());
  expect_malformed(parse(R"({"cmd":"intent"})"));  // neither intent nor intents
  expect_malformed(parse(R"({"intent":[1]})"));
  expect_malformed(parse(R"({"intents":{}})"));
  expect_malformed(parse(R"({"intents":[{"xmovement":0}]})"));
  expect_malformed(parse(R"({"intents":{"a":{}},"ack-state-rev":-1})"));
  expect_malformed(with_body_field("xmovement", "fast"));
  expect_malformed(with_body_field("pitch", true));
  expect_malformed(with_body_field("ack_state_rev", -3));
  expect_malformed(with_body_field("ack_state_rev", "12"));
  expect_malformed(with_body_field("poses", json::array()));
}

TEST(Intent, MalformedPoses) {
  auto with_pose = [](json pose) {
    json doc = parse(kIntent);
    doc["intent"]["poses"]["head"] = std::move(pose);
    return doc;
  };
  expect_malformed(with_pose(7));
  expect_malformed(with_pose({{"matrix", json::array({1, 0, 0})}}));         // 3 numbers
  expect_malformed(with_pose({{"matrix", json(std::vector<int>(17, 0))}}));  // 17 numbers
  json stringy = std::vector<int>(16, 0);
  stringy[5] = "0";
  expect_malformed(with_pose({{"matrix", stringy}}));
  expect_malformed(with_pose({{"grab", "box-1"}}));
  expect_malformed(with_pose({{"grab", {{"entity", "b"}, {"grabber_from_entity_transform", 1}}}}));
}

TEST(Intent, MatrixHelpers) {
  EXPECT_EQ(parse_matrix(matrix_to_json(kIdentityMatrix)), kIdentityMatrix);
  EXPECT_EQ(matrix_to_json(kIdentityMatrix).size(), 16u);
  EXPECT_FALSE(parse_matrix(json::object()));
  EXPECT_FALSE(parse_matrix(json(std::vector<double>(15, 1.0))));
}

}  // namespace
}  // namespace allo::proto

namespace allo::proto {
namespace {

TEST(Intent, TooManyPosesAreRefused) {
  json poses = json::object();
  for (size_t i = 0; i <= limits::kMaxPosesPerIntent; ++i)
    poses["p" + std::to_string(i)] = json::object();
  auto r = parse_intent({{"cmd", "intent"}, {"intent", {{"poses", poses}}}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "malformed_intent");
  poses.erase("p0");
  EXPECT_TRUE(parse_intent({{"cmd", "intent"}, {"intent", {{"poses", poses}}}}));
}

}  // namespace
}  // namespace allo::proto
