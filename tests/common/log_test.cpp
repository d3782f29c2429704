#include "common/log.hpp"

#include <gtest/gtest.h>

namespace allo::log {
namespace {

TEST(LogLevel, ParsesTheFourNames) {
  struct Case {
    const char* text;
    Level level;
  } cases[] = {{"debug", Level::kDebug},
               {"info", Level::kInfo},
               {"warn", Level::kWarn},
               {"error", Level::kError}};
  for (const auto& c : cases) {
    Level out = c.level == Level::kDebug ? Level::kError : Level::kDebug;  // not the answer
    ASSERT_TRUE(parse_level(c.text, out)) << c.text;
    EXPECT_EQ(out, c.level) << c.text;
  }
}

TEST(LogLevel, RefusesOtherTextAndLeavesTheOutputAlone) {
  for (const char* text : {"", "DEBUG", "Info", "warning", "err", "trace", " info", "info\n"}) {
    Level out = Level::kWarn;
    EXPECT_FALSE(parse_level(text, out)) << text;
    EXPECT_EQ(out, Level::kWarn) << text;
  }
}

TEST(LogLevel, ConfigureSetsTheMinimumLevel) {
  configure("log_test", Level::kWarn);
  EXPECT_FALSE(enabled(Level::kDebug));
  EXPECT_FALSE(enabled(Level::kInfo));
  EXPECT_TRUE(enabled(Level::kWarn));
  EXPECT_TRUE(enabled(Level::kError));
  configure("log_test", Level::kDebug);
  EXPECT_TRUE(enabled(Level::kDebug));
  configure("allo", Level::kInfo);
}

}  // namespace
}  // namespace allo::log
