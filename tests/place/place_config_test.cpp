#include "place/place_config.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace allo::place {
namespace {

TEST(PlaceConfig, DefaultsMatchTheDocumentedCommandLine) {
  auto c = parse_place_config({});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->listen.to_string(), "127.0.0.1:21337");
  EXPECT_EQ(c->metrics->to_string(), "127.0.0.1:9101");
  EXPECT_FALSE(c->sfu);
  EXPECT_FALSE(c->assetd);
  EXPECT_EQ(c->rt_priority, 0) << "normal scheduling unless asked";
  EXPECT_EQ(c->rt_max_load, 0.75);
  EXPECT_EQ(c->state_window, 32u);
}

TEST(PlaceConfig, FlagsParse) {
  auto c = parse_place_config({"--listen", "127.0.0.1:4000", "--metrics", "off", "--name", "Lobby",
                               "--tick-hz=30", "--rt-priority", "12", "--rt-max-load", "0.4",
                               "--state-window", "0"});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->listen.port, 4000);
  EXPECT_FALSE(c->metrics);
  EXPECT_EQ(c->name, "Lobby");
  EXPECT_EQ(c->tick_hz, 30);
  EXPECT_EQ(c->rt_priority, 12);
  EXPECT_EQ(c->rt_max_load, 0.4);
  EXPECT_EQ(c->state_window, 0u);
  EXPECT_EQ(parse_place_config({"--state-window", "63"})->state_window, 63u);
}

TEST(PlaceConfig, BadValuesNameTheSetting) {
  auto c = parse_place_config({"--listen", "nowhere"});
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().detail.find("listen"), std::string::npos);
  EXPECT_NE(parse_place_config({"--tick-hz", "0"}).error().detail.find("tick-hz"),
            std::string::npos);
  EXPECT_NE(parse_place_config({"--colour", "red"}).error().detail.find("colour"),
            std::string::npos);
  EXPECT_FALSE(parse_place_config({"--name"}));
  for (const char* bad : {"100", "-1", "2.5", "high"}) {
    auto rt = parse_place_config({"--rt-priority", bad});
    ASSERT_FALSE(rt) << bad;
    EXPECT_NE(rt.error().detail.find("rt-priority"), std::string::npos) << rt.error().detail;
  }
  for (const char* bad : {"0", "0.01", "1", "most"}) {
    auto load = parse_place_config({"--rt-max-load", bad});
    ASSERT_FALSE(load) << bad;
    EXPECT_NE(load.error().detail.find("rt-max-load"), std::string::npos) << load.error().detail;
  }
  for (const char* bad : {"1", "64", "-2", "8.5", "many"}) {
    auto window = parse_place_config({"--state-window", bad});
    ASSERT_FALSE(window) << bad;
    EXPECT_NE(window.error().detail.find("state-window"), std::string::npos)
        << window.error().detail;
  }
}

TEST(PlaceConfig, ConfigFileIsReadAndFlagsWin) {
  std::string path = ::testing::TempDir() + "/place.json";
  std::ofstream(path) << R"({"name": "From file", "tick-hz": 10, "listen": "127.0.0.1:5000"})";
  auto c = parse_place_config({"--config", path, "--name", "From flag"});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->name, "From flag");
  EXPECT_EQ(c->tick_hz, 10);
  EXPECT_EQ(c->listen.port, 5000);
  std::ofstream(path) << R"({"tick-hz": "fast"})";
  auto bad = parse_place_config({"--config", path});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().detail.find("tick-hz"), std::string::npos);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace allo::place
