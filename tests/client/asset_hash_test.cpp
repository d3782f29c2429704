#include "allo/asset_hash.hpp"

#include <gtest/gtest.h>

namespace allo::client {
namespace {

std::vector<uint8_t> bytes_of(std::string_view text) {
  return {text.begin(), text.end()};
}

TEST(AssetHash, KnownDigestsOfAbc) {
  // FIPS 180 test vectors for "abc".
  auto abc = bytes_of("abc");
  EXPECT_EQ(asset_id_of(abc),
            "asset:sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(asset_id_of(abc, proto::HashAlgorithm::kSha1),
            "asset:sha1:a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(AssetHash, MatchesOnlyTheRightBytesAndValidIds) {
  auto abc = bytes_of("abc");
  EXPECT_TRUE(asset_matches(asset_id_of(abc), abc));
  EXPECT_TRUE(asset_matches("asset:sha1:a9993e364706816aba3e25717850c26c9cd0d89d", abc));
  EXPECT_FALSE(asset_matches(asset_id_of(abc), bytes_of("abd")));
  EXPECT_FALSE(asset_matches(
      "asset:sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", abc));
  EXPECT_FALSE(asset_matches("abc", abc));
}

}  // namespace
}  // namespace allo::client
