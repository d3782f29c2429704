// `allo asset ...` command lines (cli_options.cpp).
#include <gtest/gtest.h>

#include <string>

#include "cli_options.hpp"

namespace allo::cli {
namespace {

proto::Result<CliOptions> parse(std::vector<const char*> args) {
  args.insert(args.begin(), "allo");
  return parse_cli(static_cast<int>(args.size()), args.data());
}

TEST(AssetCliOptions, PutAndGetWithAndWithoutUrl) {
  auto put = parse({"asset", "put", "model.glb"});
  ASSERT_TRUE(put);
  EXPECT_EQ(put->command, "asset");
  EXPECT_EQ(put->positional, (std::vector<std::string>{"put", "model.glb"}));
  auto get = parse({"asset", "get", "alloplace://h:1", "asset:sha256:00", "-o", "out.bin"});
  ASSERT_TRUE(get);
  EXPECT_EQ(get->positional.size(), 3u);
  EXPECT_EQ(get->output, "out.bin");
  EXPECT_EQ(parse({"asset", "get", "id", "--output", "x"})->output, "x");
  EXPECT_FALSE(parse({"asset"}));
  EXPECT_FALSE(parse({"asset", "get", "u", "id", "extra"}));
  EXPECT_FALSE(parse({"asset", "get", "id", "-o"}));
  EXPECT_NE(std::string(usage_text()).find("allo-assetd --inspect"), std::string::npos);
}

}  // namespace
}  // namespace allo::cli
