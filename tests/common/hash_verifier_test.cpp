#include "common/hash_verifier.hpp"

#include <gtest/gtest.h>

namespace allo {
namespace {

std::span<const uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(HashVerifier, KnownDigestsOfAbc) {
  // FIPS 180 test vectors for "abc".
  EXPECT_EQ(HashVerifier::digest_hex(proto::HashAlgorithm::kSha1, bytes_of("abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(HashVerifier::digest_hex(proto::HashAlgorithm::kSha256, bytes_of("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(HashVerifier, IncrementalEqualsOneShot) {
  HashVerifier verifier(proto::HashAlgorithm::kSha256);
  verifier.update(bytes_of("a"));
  verifier.update(bytes_of("bc"));
  EXPECT_EQ(verifier.finish_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // A finished verifier starts over.
  verifier.update(bytes_of("abc"));
  EXPECT_EQ(verifier.finish_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(HashVerifier, MatchesAndAssetIdOf) {
  std::string id = HashVerifier::asset_id_of(proto::HashAlgorithm::kSha1, bytes_of("abc"));
  EXPECT_EQ(id, "asset:sha1:a9993e364706816aba3e25717850c26c9cd0d89d");
  auto parsed = proto::parse_asset_id(id);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(HashVerifier::matches(*parsed, bytes_of("abc")));
  EXPECT_FALSE(HashVerifier::matches(*parsed, bytes_of("abd")));
  auto sha256 = proto::parse_asset_id(
      HashVerifier::asset_id_of(proto::HashAlgorithm::kSha256, bytes_of("abc")));
  ASSERT_TRUE(sha256);
  EXPECT_EQ(sha256->hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(HashVerifier::matches(*sha256, bytes_of("abc")));
  EXPECT_FALSE(HashVerifier::matches(*sha256, bytes_of("ab")));
  // The last digit differs; then the digest of another algorithm's length.
  auto off_by_one = *sha256;
  off_by_one.hex.back() = 'c';
  EXPECT_FALSE(HashVerifier::matches(off_by_one, bytes_of("abc")));
  EXPECT_FALSE(
      HashVerifier::matches({proto::HashAlgorithm::kSha256, parsed->hex}, bytes_of("abc")));
}

}  // namespace
}  // namespace allo
