#include "assetd/assetd_config.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/assetd/temp_dir.hpp"

namespace allo::assetd {
namespace {

TEST(AssetdConfig, ByteSizes) {
  EXPECT_EQ(parse_byte_size("0"), 0u);
  EXPECT_EQ(parse_byte_size("1048576"), 1048576u);
  EXPECT_EQ(parse_byte_size("512KiB"), 512u * 1024);
  EXPECT_EQ(parse_byte_size("64M"), 64u << 20);
  EXPECT_EQ(parse_byte_size("2GiB"), 2ull << 30);
  EXPECT_FALSE(parse_byte_size("GiB"));
  EXPECT_FALSE(parse_byte_size("-1"));
  EXPECT_FALSE(parse_byte_size("1TiB"));
  EXPECT_FALSE(parse_byte_size("99999999999999GiB"));
}

TEST(AssetdConfig, FlagsOverrideTheConfigFile) {
  testing::TempDir dir;
  auto path = (dir.path() / "assetd.json").string();
  std::ofstream(path) << R"({"budget": "8MiB", "hard-limit": "16MiB", "map-size": 33554432,
                             "db": "/var/cache/assets"})";
  auto c = parse_assetd_config({"--config", path, "--budget=4MiB", "--link", "0.0.0.0:4000"});
  ASSERT_TRUE(c) << c.error().detail;
  EXPECT_EQ(c->budget, 4u << 20);
  EXPECT_EQ(c->hard_limit, 16u << 20);
  EXPECT_EQ(c->map_size, 32u << 20);
  EXPECT_EQ(c->db, "/var/cache/assets");
  EXPECT_EQ(c->link.to_string(), "0.0.0.0:4000");
  EXPECT_FALSE(c->metrics);
}

TEST(AssetdConfig, BadSettingsAreNamed) {
  struct Case {
    std::vector<std::string> args;
    std::string detail_start;
  };
  std::vector<Case> cases = {
      {{"--budget", "lots"}, "--budget: not a byte size"},
      {{"--budget", "2GiB"}, "hard-limit: must be at least the budget"},
      {{"--hard-limit", "3GiB"}, "hard-limit: must not exceed map-size"},
      {{"--link", "nowhere"}, "--link: not HOST:PORT"},
      {{"--chunk-size", "1MiB"}, "--chunk-size: must be between"},
      {{"--window", "1KiB"}, "window: must be at least chunk-size"},
      {{"--source-timeout", "0"}, "--source-timeout: seconds"},
      {{"--bogus", "1"}, "--bogus: unknown setting"},
      {{"--db"}, "--db: needs a value"},
      {{"--config", "/nonexistent.json"}, "config: cannot read"},
  };
  for (const Case& c : cases) {
    auto parsed = parse_assetd_config(c.args);
    ASSERT_FALSE(parsed) << c.args[0];
    EXPECT_EQ(parsed.error().code, "bad_config");
    EXPECT_TRUE(parsed.error().detail.starts_with(c.detail_start)) << parsed.error().detail;
  }
}

TEST(AssetdConfig, BudgetZeroNeedsNoLimits) {
  auto c = parse_assetd_config({"--budget", "0", "--hard-limit", "0"});
  ASSERT_TRUE(c) << c.error().detail;
  EXPECT_EQ(c->budget, 0u);
}

}  // namespace
}  // namespace allo::assetd
