#include "sfu/direct_token.hpp"

#include <gtest/gtest.h>

namespace allo::sfu {
namespace {

constexpr std::string_view kSecret = "0123456789abcdef-secret";

TEST(DirectToken, KnownFormat) {
  const std::string token = make_direct_token(kSecret, "ab", 1700000000);
  // expiry . hex("ab") . 64 hex digits of HMAC-SHA256
  EXPECT_EQ(token.substr(0, 16), "1700000000.6162.");
  EXPECT_EQ(token.size(), 16u + 64u);
}

TEST(DirectToken, VerifiesAndReturnsTheAgent) {
  const std::string token = make_direct_token(kSecret, "agent.with.dots", 1000);
  auto agent = verify_direct_token(kSecret, token, 999);
  ASSERT_TRUE(agent) << agent.error().detail;
  EXPECT_EQ(*agent, "agent.with.dots");
}

TEST(DirectToken, RejectsExpiredForgedAndMalformed) {
  const std::string token = make_direct_token(kSecret, "alice", 1000);
  EXPECT_EQ(verify_direct_token(kSecret, token, 1001).error().code, "expired");
  EXPECT_EQ(verify_direct_token("another-secret-16b", token, 0).error().code, "bad_signature");
  // Same MAC, different agent or expiry.
  std::string other_agent = token;
  other_agent.replace(5, 10, "626f62626f");  // "bobbo"
  EXPECT_EQ(verify_direct_token(kSecret, other_agent, 0).error().code, "bad_signature");
  std::string later = "9999" + token.substr(4);
  EXPECT_EQ(verify_direct_token(kSecret, later, 0).error().code, "bad_signature");
  for (std::string_view bad : {"", "1.2", "x.61.00", "1..00", "1.6.00", "1.zz.00"}) {
    EXPECT_EQ(verify_direct_token(kSecret, bad, 0).error().code, "malformed") << bad;
  }
}

}  // namespace
}  // namespace allo::sfu
