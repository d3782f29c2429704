#include "assetd/asset_assembly.hpp"

#include <gtest/gtest.h>

#include "assetd/asset_store.hpp"
#include "tests/assetd/temp_dir.hpp"

namespace allo::assetd {
namespace {

std::vector<uint8_t> bytes_of(std::string_view s) {
  return {s.begin(), s.end()};
}

proto::AssetId id_of(std::string_view content) {
  return *proto::parse_asset_id(
      HashVerifier::asset_id_of(proto::HashAlgorithm::kSha1, bytes_of(content)));
}

TEST(AssetAssembly, VerifiesInOrderChunks) {
  AssetAssembly assembly(id_of("hello world"), 11);
  EXPECT_EQ(assembly.append(0, 11, bytes_of("hello")), AssetAssembly::Step::kNeedMore);
  EXPECT_EQ(assembly.received(), 5u);
  EXPECT_EQ(assembly.append(5, 11, bytes_of(" world")), AssetAssembly::Step::kVerified);
  EXPECT_EQ(*assembly.take(), bytes_of("hello world"));
}

TEST(AssetAssembly, ForgedBytesAreNotVerified) {
  AssetAssembly assembly(id_of("hello world"), 11);
  EXPECT_EQ(assembly.append(0, 11, bytes_of("hello WORLD")), AssetAssembly::Step::kForged);
}

TEST(AssetAssembly, RejectsGapsOverrunsAndChangedLength) {
  AssetAssembly assembly(id_of("hello world"), 11);
  EXPECT_EQ(assembly.append(1, 11, bytes_of("ello")), AssetAssembly::Step::kBadChunk);
  EXPECT_EQ(assembly.append(0, 12, bytes_of("hello")), AssetAssembly::Step::kBadChunk);
  EXPECT_EQ(assembly.append(0, 11, bytes_of("hello world!")), AssetAssembly::Step::kBadChunk);
  EXPECT_EQ(assembly.received(), 0u);
}

TEST(AssetAssembly, AnAbandonedStagedIngestIsInvisibleInTheStore) {
  testing::TempDir dir;
  std::string content(200'000, 'x');
  auto id = HashVerifier::asset_id_of(proto::HashAlgorithm::kSha1, bytes_of(content));
  {
    auto store = AssetStore::open({dir.path(), 64 << 20, {32 << 20, 48 << 20, 65536}, {}});
    ASSERT_TRUE(store);
    AssetAssembly assembly(*proto::parse_asset_id(id), content.size());
    ASSERT_EQ(assembly.append(0, content.size(), bytes_of(content.substr(0, 100'000))),
              AssetAssembly::Step::kNeedMore);
    // The source vanishes: the assembly is dropped, nothing was committed.
  }
  auto store = AssetStore::open({dir.path(), 64 << 20, {32 << 20, 48 << 20, 65536}, {}});
  ASSERT_TRUE(store);
  EXPECT_FALSE((*store)->total_length(id));
  EXPECT_EQ((*store)->stats().entries, 0u);
}

}  // namespace
}  // namespace allo::assetd
