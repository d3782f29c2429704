#include "allo/asset_publisher.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "allo/asset_hash.hpp"

namespace allo::client {
namespace {

using Bytes = std::vector<uint8_t>;

class AssetPublisherTest : public ::testing::Test {
 public:
  AssetPublisher publisher{[this](std::span<const uint8_t> f) {
                             sent.emplace_back(f.begin(), f.end());
                             return true;
                           },
                           /*chunk_size=*/4};
  std::vector<Bytes> sent;
  proto::AssetFrame frame(size_t i) { return *proto::parse_asset_frame(sent.at(i)); }
};

TEST_F(AssetPublisherTest, HeadRequestAnswersTheLengthOnly) {
  std::string id = publisher.add(Bytes{1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  EXPECT_EQ(id, asset_id_of(Bytes{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  publisher.on_request({id, {0, 0}, ""});
  ASSERT_EQ(sent.size(), 1u);
  auto data = proto::parse_asset_data(frame(0));
  ASSERT_TRUE(data);
  EXPECT_EQ(data->total_length, 10u);
  EXPECT_EQ(data->range.count, 0u);
  EXPECT_TRUE(data->bytes.empty());
}

TEST_F(AssetPublisherTest, RangeIsClampedAndSentInChunks) {
  std::string id = publisher.add(Bytes{1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  publisher.on_request({id, {3, 1000}, ""});  // 7 bytes: chunks of 4 and 3
  ASSERT_EQ(sent.size(), 2u);
  auto first = proto::parse_asset_data(frame(0));
  auto second = proto::parse_asset_data(frame(1));
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->range.start, 3u);
  EXPECT_EQ(Bytes(first->bytes.begin(), first->bytes.end()), (Bytes{4, 5, 6, 7}));
  EXPECT_EQ(second->range.start, 7u);
  EXPECT_EQ(Bytes(second->bytes.begin(), second->bytes.end()), (Bytes{8, 9, 10}));
  EXPECT_EQ(publisher.stats().bytes_sent, 7u);
}

TEST_F(AssetPublisherTest, UnknownIdsAndBadRangesAreRefused) {
  std::string id = publisher.add(Bytes{1, 2});
  publisher.on_request({"asset:sha256:" + std::string(64, '0'), {0, 1}, ""});
  publisher.on_request({id, {3, 1}, ""});
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(proto::parse_asset_failure(frame(0))->error_code, "asset_not_found");
  EXPECT_EQ(proto::parse_asset_failure(frame(1))->error_code, "range_out_of_bounds");
  EXPECT_EQ(publisher.stats().requests_refused, 2u);
}

TEST_F(AssetPublisherTest, PushSendsTheWholeAssetAndFilesAreRead) {
  auto path = std::filesystem::temp_directory_path() / "asset_publisher_test.bin";
  std::ofstream(path, std::ios::binary) << "hello asset";
  auto id = publisher.add_file(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(id);
  EXPECT_TRUE(publisher.push(*id));
  ASSERT_EQ(sent.size(), 3u);  // 11 bytes in chunks of 4
  EXPECT_EQ(proto::parse_asset_data(frame(2))->range.start, 8u);
  EXPECT_FALSE(publisher.push("asset:sha256:" + std::string(64, '1')));
  EXPECT_EQ(publisher.add_file("/nonexistent/file").error().code, "read_failed");
}

}  // namespace
}  // namespace allo::client
