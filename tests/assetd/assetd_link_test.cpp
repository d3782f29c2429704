#include "proto/assetd_link.hpp"

#include <gtest/gtest.h>

namespace allo::proto {
namespace {

using Bytes = std::vector<uint8_t>;

TEST(AssetdLink, HelloKnownBytes) {
  Bytes expected = {
      0x01,                    // kind: hello
      0x00, 0x00, 0x00, 0x00,  // agent 0
      0x00, 0x02,              // link version 2 (batches)
  };
  EXPECT_EQ(encode_link_hello(), expected);
  auto msg = parse_link_message(expected);
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->kind, LinkKind::kHello);
  EXPECT_EQ(msg->version, 2);
}

TEST(AssetdLink, FrameFromAgentKnownBytes) {
  Bytes frame = {0x00, 0x01, 0x00, 0x02, '{', '}'};  // mid 1, hlen 2, "{}"
  Bytes expected = {
      0x04,                    // kind: frame_from_agent
      0x00, 0x00, 0x01, 0x02,  // agent 258
      0x00, 0x00, 0x00, 0x07,  // hint agent 7
      0x00, 0x01, 0x00, 0x02, '{', '}',
  };
  EXPECT_EQ(encode_link_frame_from_agent(258, 7, frame), expected);
  auto msg = parse_link_message(expected);
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->kind, LinkKind::kFrameFromAgent);
  EXPECT_EQ(msg->agent, 258u);
  EXPECT_EQ(msg->hint_agent, 7u);
  EXPECT_EQ(Bytes(msg->frame.begin(), msg->frame.end()), frame);
}

TEST(AssetdLink, RoundTripsEveryKind) {
  Bytes frame = {0x00, 0x03, 0x00, 0x02, '{', '}'};
  std::vector<Bytes> messages = {
      encode_link_agent_joined(1),
      encode_link_agent_left(0xffffffff),
      encode_link_frame_to_agent(9, frame),
      encode_link_delivered(9, 70000),
      encode_link_asset_referenced(5, "asset:sha1:00"),
  };
  Bytes delivered = {0x06, 0, 0, 0, 9, 0x00, 0x01, 0x11, 0x70};  // 70000 = 0x011170
  EXPECT_EQ(messages[3], delivered);
  for (const Bytes& bytes : messages) {
    auto msg = parse_link_message(bytes);
    ASSERT_TRUE(msg) << msg.error().detail;
  }
  EXPECT_EQ(parse_link_message(messages[1])->agent, 0xffffffffu);
  EXPECT_EQ(parse_link_message(messages[3])->bytes, 70000u);
  EXPECT_EQ(parse_link_message(messages[4])->asset_id, "asset:sha1:00");
  auto to_agent = parse_link_message(messages[2]);
  EXPECT_EQ(Bytes(to_agent->frame.begin(), to_agent->frame.end()), frame);
}

TEST(AssetdLink, RejectsMalformedMessages) {
  struct Case {
    Bytes bytes;
    const char* code;
  };
  std::vector<Case> cases = {
      {{0x02, 0, 0, 0}, "too_short"},
      {{0x09, 0, 0, 0, 1}, "unknown_kind"},
      {{0x00, 0, 0, 0, 1}, "unknown_kind"},
      {{0x02, 0, 0, 0, 0}, "bad_payload"},                             // agent 0
      {{0x02, 0, 0, 0, 1, 0xff}, "bad_payload"},                       // joined with a payload
      {{0x01, 0, 0, 0, 0, 0x01}, "bad_payload"},                       // hello, one version byte
      {{0x04, 0, 0, 0, 1, 0, 0, 0, 0}, "bad_payload"},                 // no frame after the hint
      {{0x06, 0, 0, 0, 1, 0, 1}, "bad_payload"},                       // short delivered count
      {{0x07, 0, 0, 0, 1}, "bad_payload"},                             // empty asset id
      {{0x08, 0, 0, 0, 0}, "bad_payload"},                             // empty batch
      {{0x08, 0, 0, 0, 1, 0, 0, 0, 5, 2, 0, 0, 0, 1}, "bad_payload"},  // batch with an agent
      {{0x08, 0, 0, 0, 0, 0, 0, 5}, "bad_payload"},                    // truncated length
      {{0x08, 0, 0, 0, 0, 0, 0, 0, 6, 2, 0, 0, 0, 1}, "bad_payload"},  // length past the end
      {{0x08, 0, 0, 0, 0, 0, 0, 0, 4, 2, 0, 0, 0}, "bad_payload"},     // message under 5 bytes
      {{0x08, 0, 0, 0, 0, 0, 0, 0, 5, 8, 0, 0, 0, 0}, "bad_payload"},  // batch in a batch
  };
  for (const Case& c : cases) {
    auto msg = parse_link_message(c.bytes);
    ASSERT_FALSE(msg);
    EXPECT_EQ(msg.error().code, c.code);
  }
  Bytes huge(kMaxAssetdLinkMessageBytes + 1, 0x05);
  EXPECT_EQ(parse_link_message(huge).error().code, "too_large");
}

TEST(AssetdLink, BatchKnownBytesAndOrder) {
  LinkBatchWriter writer;
  EXPECT_TRUE(writer.empty());
  writer.add(encode_link_agent_joined(7));
  writer.add(encode_link_delivered(7, 0x0102));
  EXPECT_EQ(writer.messages(), 2u);
  Bytes expected = {
      0x08, 0, 0,    0,    0,                 // batch, agent 0
      0,    0, 0,    5,    0x02, 0, 0, 0, 7,  // [len 5] agent_joined 7
      0,    0, 0,    9,    0x06, 0, 0, 0, 7,  // [len 9] delivered 7 ...
      0,    0, 0x01, 0x02,                    // ... 0x0102 bytes
  };
  EXPECT_EQ(Bytes(writer.bytes().begin(), writer.bytes().end()), expected);
  auto messages = parse_link_packet(writer.bytes());
  ASSERT_TRUE(messages);
  ASSERT_EQ(messages->size(), 2u);
  EXPECT_EQ((*messages)[0].kind, LinkKind::kAgentJoined);
  EXPECT_EQ((*messages)[1].kind, LinkKind::kDelivered);
  EXPECT_EQ((*messages)[1].bytes, 0x0102u);
  writer.clear();
  EXPECT_TRUE(writer.empty());
  writer.add(encode_link_agent_left(9));  // a new batch starts with its header
  EXPECT_EQ(writer.bytes()[0], 0x08);
  EXPECT_EQ(writer.bytes().size(), 5u + 4 + 5);
}

TEST(AssetdLink, ParsePacketPassesSingleMessagesThrough) {
  auto messages = parse_link_packet(encode_link_agent_left(3));
  ASSERT_TRUE(messages);
  ASSERT_EQ(messages->size(), 1u);
  EXPECT_EQ((*messages)[0].agent, 3u);
}

TEST(AssetdLink, OneBadMessageRejectsTheWholeBatch) {
  LinkBatchWriter writer;
  writer.add(encode_link_agent_joined(1));
  writer.add(Bytes{0x02, 0, 0, 0, 0});  // agent 0
  auto messages = parse_link_packet(writer.bytes());
  ASSERT_FALSE(messages);
  EXPECT_EQ(messages.error().code, "bad_payload");
  EXPECT_NE(messages.error().detail.find("batched message 1"), std::string::npos);
}

TEST(AssetdLink, BatchLimits) {
  EXPECT_TRUE(LinkBatchWriter::batchable(Bytes(kLinkBatchedMessageMaxBytes, 0x06)));
  EXPECT_FALSE(LinkBatchWriter::batchable(Bytes(kLinkBatchedMessageMaxBytes + 1, 0x06)));
  EXPECT_FALSE(LinkBatchWriter::batchable(encode_link_hello())) << "a hello travels alone";
  EXPECT_TRUE(LinkBatchWriter::batchable(encode_link_agent_joined(1)));
  LinkBatchWriter writer;
  Bytes frame(1000, 'x');
  Bytes message = encode_link_frame_to_agent(1, frame);
  size_t added = 0;
  while (!writer.full_for(message.size())) {
    writer.add(message);
    ++added;
  }
  EXPECT_LE(writer.bytes().size(), kLinkBatchBytes);
  EXPECT_GT(writer.bytes().size() + 4 + message.size(), kLinkBatchBytes);
  auto messages = parse_link_packet(writer.bytes());
  ASSERT_TRUE(messages);
  EXPECT_EQ(messages->size(), added);
}

TEST(AssetdLink, FuzzEntryToleratesAnyPrefix) {
  Bytes frame = encode_link_frame_from_agent(3, 0, Bytes{0, 1, 0, 2, '{', '}'});
  for (size_t n = 0; n <= frame.size(); ++n) EXPECT_EQ(fuzz_assetd_link(frame.data(), n), 0);
}

}  // namespace
}  // namespace allo::proto
