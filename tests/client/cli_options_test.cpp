// The `allo` command line: commands, arity, options and their errors.
#include "cli_options.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace allo::cli {
namespace {

proto::Result<CliOptions> parse(std::vector<const char*> args) {
  args.insert(args.begin(), "allo");
  return parse_cli(static_cast<int>(args.size()), args.data());
}

TEST(CliOptions, CommandsAndPositionals) {
  auto o = parse({"request", "alloplace://h", "place", "[\"x\"]", "--timeout", "2.5"});
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->command, "request");
  EXPECT_EQ(o->positional, (std::vector<std::string>{"alloplace://h", "place", "[\"x\"]"}));
  EXPECT_DOUBLE_EQ(o->timeout, 2.5);
  auto w = parse({"watch", "--json", "alloplace://h", "--seconds", "3", "--name", "bob"});
  ASSERT_TRUE(w.has_value());
  EXPECT_TRUE(w->json);
  EXPECT_EQ(w->seconds, 3.0);
  EXPECT_EQ(w->name, "bob");
  EXPECT_FALSE(parse({"watch", "alloplace://h"})->seconds.has_value());
  EXPECT_EQ(parse({"remove", "u", "e1", "--mode", "reparent"})->mode, "reparent");
  EXPECT_TRUE(parse({"--help"})->help);
}

TEST(CliOptions, UsageErrors) {
  for (const auto& args : std::vector<std::vector<const char*>>{
           {},
           {"frob", "u"},
           {"watch"},
           {"watch", "u", "extra"},
           {"spawn", "u"},
           {"change", "u", "e1"},
           {"watch", "u", "--seconds"},
           {"watch", "u", "--seconds", "-1"},
           {"watch", "u", "--seconds", "3x"},
           {"remove", "u", "e1", "--mode", "explode"},
           {"watch", "u", "--bogus"},
       }) {
    auto o = parse(args);
    ASSERT_FALSE(o.has_value()) << (args.empty() ? "(none)" : args[0]);
    EXPECT_EQ(o.error().code, "usage");
  }
}

}  // namespace
}  // namespace allo::cli
