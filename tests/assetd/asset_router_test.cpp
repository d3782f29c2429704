#include "assetd/asset_router.hpp"

#include <gtest/gtest.h>

#include "common/hash_verifier.hpp"
#include "tests/assetd/fake_asset_cache.hpp"

namespace allo::assetd {
namespace {

using proto::AssetMid;

struct Sent {
  AgentId agent;
  std::vector<uint8_t> frame;
  AssetMid mid() const { return proto::parse_asset_frame(frame)->mid; }
  proto::json header() const { return proto::parse_asset_frame(frame)->header; }
  std::vector<uint8_t> body() const {
    auto f = proto::parse_asset_frame(frame);
    return {f->body.begin(), f->body.end()};
  }
};

std::vector<uint8_t> make_bytes(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(seed * 31 + i * 13 + (i >> 8));
  return v;
}

class AssetRouterTest : public ::testing::Test, public AssetRouter::Listener {
 protected:
  void send_to_agent(AgentId agent, std::vector<uint8_t> frame) override {
    sent.push_back({agent, std::move(frame)});
  }
  void fetch_finished(const std::string&, double seconds, bool found) override {
    finished.push_back({seconds, found});
  }

  void make_router(bool with_cache = true) {
    config.chunk_bytes = 64 * 1024;
    config.window_bytes = 128 * 1024;
    config.source_timeout = 5.0;
    router = std::make_unique<AssetRouter>(config, with_cache ? &cache : nullptr, *this);
    for (AgentId a : {1u, 2u, 3u, 4u}) router->agent_joined(a);
  }
  void request(AgentId agent, const std::string& id, uint64_t start, uint64_t count,
               AgentId hint = 0, double now = 0) {
    router->frame_from_agent(agent, hint, proto::encode_asset_request({id, {start, count}, ""}),
                             now);
  }
  void data(AgentId agent, const std::string& id, uint64_t start, const std::vector<uint8_t>& bytes,
            uint64_t total, double now = 0) {
    router->frame_from_agent(
        agent, 0, proto::encode_asset_data(id, {start, bytes.size()}, total, bytes), now);
  }
  // Frames to `agent` since the last call, crediting each one as delivered.
  std::vector<Sent> take(AgentId agent) {
    std::vector<Sent> out, rest;
    for (auto& s : sent) (s.agent == agent ? out : rest).push_back(std::move(s));
    sent = std::move(rest);
    return out;
  }
  // Credits everything to `agent` until no more frames come; returns all bytes of data frames.
  // `base` is the offset of the first byte expected.
  std::vector<uint8_t> drain_data(AgentId agent, uint64_t base = 0) {
    std::vector<uint8_t> bytes;
    for (auto batch = take(agent); !batch.empty(); batch = take(agent)) {
      for (const Sent& s : batch) {
        EXPECT_EQ(s.mid(), AssetMid::kData);
        auto body = s.body();
        EXPECT_EQ(s.header()["range"][0].get<uint64_t>(), base + bytes.size());
        bytes.insert(bytes.end(), body.begin(), body.end());
        router->delivered(agent, s.frame.size());
      }
    }
    return bytes;
  }
  std::string asset(const std::vector<uint8_t>& bytes) {
    return HashVerifier::asset_id_of(proto::HashAlgorithm::kSha256, bytes);
  }

  RouterConfig config;
  FakeAssetCache cache;
  std::unique_ptr<AssetRouter> router;
  std::vector<Sent> sent;
  std::vector<std::pair<double, bool>> finished;
};

TEST_F(AssetRouterTest, HitIsServedInChunksWithinTheWindow) {
  make_router();
  auto bytes = make_bytes(300'000, 1);
  cache.assets[asset(bytes)] = bytes;
  request(1, asset(bytes), 0, 300'000);
  // Two 64 KiB frames fill the 128 KiB window; the rest waits for credit.
  auto first = take(1);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].header()["range"], proto::json::array({0, 65536}));
  EXPECT_EQ(first[0].header()["total_length"], 300'000);
  EXPECT_GE(router->deliveries().outstanding(1), 128u * 1024);
  EXPECT_EQ(cache.pins.at(asset(bytes)), 1);
  std::vector<uint8_t> got;
  for (const Sent& s : first) {
    auto body = s.body();
    got.insert(got.end(), body.begin(), body.end());
    router->delivered(1, s.frame.size());
  }
  auto rest = drain_data(1, got.size());
  got.insert(got.end(), rest.begin(), rest.end());
  EXPECT_EQ(got, bytes);
  EXPECT_TRUE(cache.pins.empty());
  EXPECT_EQ(router->stats().hits, 1u);
  EXPECT_EQ(router->bytes_served(), 300'000u);
  EXPECT_EQ(cache.hits, 1);
}

TEST_F(AssetRouterTest, HeadAndRangeRequests) {
  make_router();
  auto bytes = make_bytes(1000, 2);
  std::string id = asset(bytes);
  cache.assets[id] = bytes;
  request(1, id, 0, 0);
  auto head = take(1);
  ASSERT_EQ(head.size(), 1u);
  EXPECT_EQ(head[0].mid(), AssetMid::kData);
  EXPECT_EQ(head[0].header()["range"], proto::json::array({0, 0}));
  EXPECT_EQ(head[0].header()["total_length"], 1000);
  EXPECT_TRUE(head[0].body().empty());

  request(1, id, 990, 100);  // clamped to the 10 bytes left
  auto tail = take(1);
  ASSERT_EQ(tail.size(), 1u);
  EXPECT_EQ(tail[0].header()["range"], proto::json::array({990, 10}));
  EXPECT_EQ(tail[0].body(), std::vector<uint8_t>(bytes.begin() + 990, bytes.end()));

  request(1, id, 1001, 1);
  auto past = take(1);
  ASSERT_EQ(past.size(), 1u);
  EXPECT_EQ(past[0].mid(), AssetMid::kFailure);
  EXPECT_EQ(past[0].header()["error_code"], "range_out_of_bounds");
}

TEST_F(AssetRouterTest, MissAsksPublisherFirstAndCoalesces) {
  make_router();
  auto bytes = make_bytes(100'000, 3);
  std::string id = asset(bytes);
  request(1, id, 0, bytes.size(), /*hint=*/3);
  request(4, id, 0, 0);  // a second requester while the fetch runs
  auto asked = take(3);
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0].mid(), AssetMid::kRequest);
  EXPECT_EQ(asked[0].header()["range"], proto::json::array({0, 0}));
  EXPECT_TRUE(take(2).empty());
  EXPECT_EQ(router->stats().coalesced, 1u);
  EXPECT_EQ(router->fetches_in_progress(), 1u);

  data(3, id, 0, {}, bytes.size());  // head reply
  auto range = take(3);
  ASSERT_EQ(range.size(), 1u);
  EXPECT_EQ(range[0].header()["range"], proto::json::array({0, 100'000}));
  data(3, id, 0, {bytes.begin(), bytes.begin() + 60'000}, bytes.size());
  EXPECT_TRUE(take(1).empty());  // nothing forwarded before the hash is verified
  data(3, id, 60'000, {bytes.begin() + 60'000, bytes.end()}, bytes.size());

  EXPECT_EQ(drain_data(1), bytes);
  auto head = take(4);
  ASSERT_EQ(head.size(), 1u);
  EXPECT_EQ(head[0].header()["total_length"], 100'000);
  EXPECT_EQ(cache.assets.at(id), bytes);
  EXPECT_EQ(router->stats().upstream_requests, 2u);  // head + range, to one source only
  EXPECT_EQ(router->fetches_in_progress(), 0u);
  ASSERT_EQ(finished.size(), 1u);
  EXPECT_TRUE(finished[0].second);
}

TEST_F(AssetRouterTest, ForgedBytesAreDiscardedAndTheSourceNotAskedAgain) {
  make_router(/*with_cache=*/false);
  auto bytes = make_bytes(5000, 4);
  std::string id = asset(bytes);
  request(1, id, 0, bytes.size());
  ASSERT_EQ(take(2).size(), 1u);  // agent 2 joined first
  auto forged = bytes;
  forged[100] ^= 0xff;
  data(2, id, 0, forged, forged.size());
  EXPECT_EQ(router->stats().hash_mismatches, 1u);
  auto to_forger = take(2);
  ASSERT_EQ(to_forger.size(), 1u);
  EXPECT_EQ(to_forger[0].header()["error_code"], "hash_mismatch");
  ASSERT_EQ(take(3).size(), 1u);  // the next source is asked
  EXPECT_TRUE(take(1).empty());
  data(3, id, 0, bytes, bytes.size());
  EXPECT_EQ(drain_data(1), bytes);

  // Without a cache the next request fetches again, and agent 2 is skipped.
  request(1, id, 0, bytes.size());
  EXPECT_TRUE(take(2).empty());
  EXPECT_EQ(take(3).size(), 1u);
}

TEST_F(AssetRouterTest, SilentSourcesTimeOutThenEveryWaiterFails) {
  make_router();
  std::string id = asset(make_bytes(10, 5));
  request(1, id, 0, 10, 0, /*now=*/100);
  request(2, id, 0, 10, 0, /*now=*/101);
  ASSERT_EQ(take(2).size(), 1u);  // asked first (joined first, not the requester 1)
  router->tick(104.9);
  EXPECT_TRUE(take(3).empty());
  router->tick(105.0);
  ASSERT_EQ(take(3).size(), 1u);
  router->frame_from_agent(3, 0, proto::encode_asset_failure({id, "no", "asset_not_found"}), 106);
  ASSERT_EQ(take(4).size(), 1u);
  router->tick(111.0);
  for (AgentId waiter : {1u, 2u}) {
    auto replies = take(waiter);
    ASSERT_EQ(replies.size(), 1u) << waiter;
    EXPECT_EQ(replies[0].mid(), AssetMid::kFailure);
    EXPECT_EQ(replies[0].header()["error_code"], "asset_not_found");
  }
  EXPECT_EQ(router->stats().source_timeouts, 2u);
  ASSERT_EQ(finished.size(), 1u);
  EXPECT_FALSE(finished[0].second);
  EXPECT_DOUBLE_EQ(finished[0].first, 11.0);
}

TEST_F(AssetRouterTest, PublisherLeavingMidTransferFallsBackToAnotherSource) {
  make_router();
  auto bytes = make_bytes(200'000, 6);
  std::string id = asset(bytes);
  request(1, id, 0, bytes.size(), /*hint=*/3);
  take(3);
  data(3, id, 0, {bytes.begin(), bytes.begin() + 50'000}, bytes.size());
  router->agent_left(3, 1.0);
  auto asked = take(2);
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0].mid(), AssetMid::kRequest);
  data(2, id, 0, bytes, bytes.size());
  EXPECT_EQ(drain_data(1), bytes);
}

TEST_F(AssetRouterTest, PushesWarmTheCacheUnlessForgedOrFull) {
  make_router();
  auto bytes = make_bytes(70'000, 7);
  std::string id = asset(bytes);
  data(2, id, 0, {bytes.begin(), bytes.begin() + 65536}, bytes.size());
  EXPECT_TRUE(cache.assets.empty());
  data(2, id, 65536, {bytes.begin() + 65536, bytes.end()}, bytes.size());
  EXPECT_EQ(cache.assets.at(id), bytes);
  EXPECT_EQ(router->stats().pushes_stored, 1u);

  auto other = make_bytes(100, 8);
  auto forged = other;
  forged[0] ^= 1;
  data(2, asset(other), 0, forged, forged.size());
  EXPECT_FALSE(cache.assets.contains(asset(other)));
  EXPECT_EQ(router->stats().hash_mismatches, 1u);

  cache.admit = false;
  auto third = make_bytes(100, 9);
  take(2);
  data(2, asset(third), 0, third, third.size());
  auto reply = take(2);
  ASSERT_EQ(reply.size(), 1u);
  EXPECT_EQ(reply[0].header()["error_code"], "store_full");
  EXPECT_FALSE(cache.assets.contains(asset(third)));
}

TEST_F(AssetRouterTest, AssetsOverTheSizeLimitFail) {
  config.max_asset_size = 1000;
  make_router();
  auto bytes = make_bytes(2000, 10);
  request(1, asset(bytes), 0, 2000);
  take(2);
  data(2, asset(bytes), 0, {}, 2000);
  auto reply = take(1);
  ASSERT_EQ(reply.size(), 1u);
  EXPECT_EQ(reply[0].header()["error_code"], "too_large");
}

TEST_F(AssetRouterTest, MalformedFramesAreAnsweredAndCounted) {
  make_router();
  std::vector<uint8_t> short_frame{0, 1};
  router->frame_from_agent(1, 0, short_frame, 0);
  request(1, "asset:md5:abc", 0, 0);
  router->frame_from_agent(1, 0, proto::encode_asset_frame(AssetMid::kRequest, {{"id", "x"}}), 0);
  router->frame_from_agent(1, 0, proto::encode_asset_frame(AssetMid::kFailure, {{"no", 1}}), 0);
  auto replies = take(1);
  ASSERT_EQ(replies.size(), 3u);  // a bad failure frame is never answered
  EXPECT_EQ(replies[0].header()["error_code"], "malformed_frame");
  EXPECT_EQ(replies[1].header()["error_code"], "invalid_asset_id");
  EXPECT_EQ(replies[2].header()["error_code"], "malformed_frame");
  EXPECT_EQ(replies[2].header()["id"], "x");
  const auto& rejected = router->stats().rejected;
  EXPECT_EQ(rejected.at("too_short"), 1u);
  EXPECT_EQ(rejected.at("invalid_asset_id"), 1u);
  EXPECT_EQ(rejected.at("malformed_asset_header"), 2u);
}

TEST_F(AssetRouterTest, ReferencedAssetsAreFetchedFromTheirOwnerOnly) {
  make_router();
  auto bytes = make_bytes(3000, 11);
  std::string id = asset(bytes);
  router->asset_referenced(3, id, 0);
  router->asset_referenced(3, id, 0);  // already being fetched
  ASSERT_EQ(take(3).size(), 1u);
  data(3, id, 0, bytes, bytes.size());
  EXPECT_EQ(cache.assets.at(id), bytes);

  std::string missing = asset(make_bytes(10, 12));
  router->asset_referenced(2, missing, 0);
  take(2);
  router->frame_from_agent(2, 0, proto::encode_asset_failure({missing, "no", "asset_not_found"}),
                           0);
  EXPECT_TRUE(take(1).empty() && take(3).empty() && take(4).empty());
  EXPECT_EQ(router->fetches_in_progress(), 0u);
}

TEST_F(AssetRouterTest, NoCacheStreamsWithoutStoring) {
  make_router(/*with_cache=*/false);
  auto bytes = make_bytes(150'000, 13);
  std::string id = asset(bytes);
  data(2, id, 0, bytes, bytes.size());  // pushes have nowhere to go
  EXPECT_EQ(router->stats().rejected.at("unwanted_push"), 1u);
  request(1, id, 0, bytes.size());
  take(2);
  data(2, id, 0, bytes, bytes.size());
  EXPECT_EQ(drain_data(1), bytes);
  EXPECT_TRUE(cache.assets.empty());
}

TEST_F(AssetRouterTest, RequesterLeavingMidDeliveryUnpins) {
  make_router();
  auto bytes = make_bytes(500'000, 14);
  cache.assets[asset(bytes)] = bytes;
  request(1, asset(bytes), 0, bytes.size());
  EXPECT_EQ(cache.pins.size(), 1u);
  router->agent_left(1, 0);
  EXPECT_TRUE(cache.pins.empty());
}

}  // namespace
}  // namespace allo::assetd
