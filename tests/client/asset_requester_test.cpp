#include "allo/asset_requester.hpp"

#include <gtest/gtest.h>

#include "allo/asset_hash.hpp"

namespace allo::client {
namespace {

using Bytes = std::vector<uint8_t>;

AssetRequestOptions range(uint64_t start, uint64_t count) {
  AssetRequestOptions o;
  o.start = start;
  o.count = count;
  return o;
}

class AssetRequesterTest : public ::testing::Test {
 public:
  AssetRequester requester{[this](std::span<const uint8_t> f) {
    sent.emplace_back(f.begin(), f.end());
    return true;
  }};
  std::vector<Bytes> sent;
  std::vector<AssetResult> results;
  AssetCallback record() {
    return [this](const AssetResult& r) { results.push_back(r); };
  }
  // Feeds a data frame as the place would send it.
  bool data(const std::string& id, uint64_t start, const Bytes& chunk, uint64_t total) {
    Bytes f = proto::encode_asset_data(id, {start, chunk.size()}, total, chunk);
    return requester.on_data(*proto::parse_asset_data(*proto::parse_asset_frame(f)));
  }

  Bytes asset{10, 20, 30, 40, 50};
  std::string id = asset_id_of(asset);
};

TEST_F(AssetRequesterTest, WholeAssetIsReassembledVerifiedAndReportsProgress) {
  std::vector<std::pair<uint64_t, uint64_t>> progress;
  AssetRequestOptions options;
  options.published_by = "ent1";
  options.progress = [&](uint64_t got, uint64_t expected) { progress.emplace_back(got, expected); };
  ASSERT_TRUE(requester.fetch(id, record(), options));
  ASSERT_EQ(sent.size(), 1u);
  auto request = proto::parse_asset_request(*proto::parse_asset_frame(sent[0]));
  ASSERT_TRUE(request);
  EXPECT_EQ(request->id, id);
  EXPECT_EQ(request->range.count, kWholeAsset);
  EXPECT_EQ(request->published_by, "ent1");
  // A second ask for the same range joins; another range is refused.
  ASSERT_TRUE(requester.fetch(id, record()));
  EXPECT_EQ(requester.fetch(id, record(), range(0, 0)).error().code, "busy");
  EXPECT_EQ(sent.size(), 1u);

  EXPECT_TRUE(data(id, 0, {10, 20, 30}, 5));
  EXPECT_TRUE(results.empty());
  EXPECT_TRUE(data(id, 3, {40, 50}, 5));
  ASSERT_EQ(results.size(), 2u);
  EXPECT_TRUE(results[0].ok);
  EXPECT_TRUE(results[0].verified);
  EXPECT_EQ(results[0].bytes, asset);
  EXPECT_EQ(progress, (std::vector<std::pair<uint64_t, uint64_t>>{{3, 5}, {5, 5}}));
  EXPECT_FALSE(requester.pending(id));
}

TEST_F(AssetRequesterTest, ForgedBytesFailWithHashMismatch) {
  ASSERT_TRUE(requester.fetch(id, record()));
  EXPECT_TRUE(data(id, 0, {10, 20, 30, 40, 51}, 5));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].ok);
  EXPECT_EQ(results[0].error.code, "hash_mismatch");
  EXPECT_TRUE(results[0].bytes.empty());
}

TEST_F(AssetRequesterTest, RangeAndHeadRequestsAreNotVerified) {
  ASSERT_TRUE(requester.fetch(id, record(), range(1, 2)));
  EXPECT_TRUE(data(id, 1, {20, 30}, 5));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].ok);
  EXPECT_FALSE(results[0].verified);
  EXPECT_EQ(results[0].bytes, (Bytes{20, 30}));
  ASSERT_TRUE(requester.fetch(id, record(), range(0, 0)));
  EXPECT_TRUE(data(id, 0, {}, 5));
  ASSERT_EQ(results.size(), 2u);
  EXPECT_TRUE(results[1].ok);
  EXPECT_EQ(results[1].total_length, 5u);
}

TEST_F(AssetRequesterTest, FailuresOutOfOrderDataAndDisconnectsEndRequests) {
  ASSERT_TRUE(requester.fetch(id, record()));
  Bytes f = proto::encode_asset_failure({id, "down", "assetd_unavailable"});
  EXPECT_TRUE(requester.on_failure(*proto::parse_asset_failure(*proto::parse_asset_frame(f))));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].error.code, "assetd_unavailable");

  ASSERT_TRUE(requester.fetch(id, record()));
  EXPECT_TRUE(data(id, 2, {30}, 5));  // skips bytes 0-1
  EXPECT_EQ(results.back().error.code, "bad_frames");

  ASSERT_TRUE(requester.fetch(id, record()));
  requester.fail_all("disconnected", "gone");
  EXPECT_EQ(results.back().error.code, "disconnected");
  EXPECT_FALSE(data(id, 0, asset, 5));  // nobody waits any more
  EXPECT_EQ(requester.fetch("asset:md5:00", record()).error().code, "invalid_asset_id");
}

}  // namespace
}  // namespace allo::client
