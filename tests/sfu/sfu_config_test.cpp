#include "sfu/sfu_config.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace allo::sfu {
namespace {

TEST(SfuConfig, DefaultsAndFlags) {
  auto config =
      parse_sfu_args({"--workers", "2", "--max-speakers", "0", "--radius", "12.5", "--listen",
                      "0.0.0.0:4000", "--metrics", "off", "--rt-priority", "20"});
  ASSERT_TRUE(config) << config.error().detail;
  EXPECT_EQ(config->workers, 2u);
  EXPECT_EQ(config->max_speakers, 0u);
  EXPECT_FLOAT_EQ(config->radius, 12.5f);
  EXPECT_FALSE(config->metrics);
  EXPECT_EQ(config->public_endpoint, "127.0.0.1:4000") << "0.0.0.0 is advertised as loopback";
  EXPECT_EQ(config->link.to_string(), "127.0.0.1:21338");
  EXPECT_EQ(config->rt_priority, 20);
  EXPECT_EQ(parse_sfu_args({})->rt_priority, 0) << "normal scheduling unless asked";
  EXPECT_TRUE(parse_sfu_args({})->shared_socket);
  EXPECT_FALSE(parse_sfu_args({"--shared-socket", "off"})->shared_socket);
}

TEST(SfuConfig, BadSettingsNameTheSetting) {
  EXPECT_EQ(parse_sfu_args({"--workers", "lots"}).error().detail,
            "workers: expected 0..64, got 'lots'");
  EXPECT_EQ(parse_sfu_args({"--link", "nohost"}).error().detail,
            "link: expected HOST:PORT, got 'nohost'");
  EXPECT_EQ(parse_sfu_args({"--radius", "-1"}).error().detail,
            "radius: expected a distance >= 0, got '-1'");
  EXPECT_EQ(parse_sfu_args({"--bogus", "1"}).error().detail, "unknown setting 'bogus'");
  EXPECT_EQ(parse_sfu_args({"--rt-priority", "100"}).error().detail,
            "rt-priority: expected 0..99, got '100'");
  EXPECT_EQ(parse_sfu_args({"--rt-priority", "-3"}).error().detail,
            "rt-priority: expected 0..99, got '-3'");
  EXPECT_EQ(parse_sfu_args({"--workers"}).error().detail, "--workers: missing value");
  EXPECT_EQ(parse_sfu_args({"--shared-socket", "maybe"}).error().detail,
            "shared-socket: expected on or off, got 'maybe'");
}

TEST(SfuConfig, FileThenFlagsOverride) {
  const std::string path = ::testing::TempDir() + "sfu_config_test.json";
  std::ofstream(path) << R"({"workers": 3, "max_speakers": 4, "link": "127.0.0.1:5000"})";
  auto config = parse_sfu_args({"--config", path, "--workers", "1"});
  ASSERT_TRUE(config) << config.error().detail;
  EXPECT_EQ(config->workers, 1u);
  EXPECT_EQ(config->max_speakers, 4u);
  EXPECT_EQ(config->link.port, 5000);
  std::ofstream(path) << R"({"max_speakers": "many"})";
  auto bad = parse_sfu_args({"--config", path});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().detail.find("max_speakers: expected 0..1000, got 'many'"),
            std::string::npos);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace allo::sfu
