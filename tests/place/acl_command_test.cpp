// `alloplace acl list|add|remove`: the offline editor of the saved ACL.
#include "place/acl_command.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "place/acl_file.hpp"

namespace allo::place {
namespace {

namespace fs = std::filesystem;

class AclCommand : public ::testing::Test {
 public:
  AclCommand() {
    dir = fs::temp_directory_path() / ("acl_command_test_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    path = (dir / "acl.json").string();
  }
  ~AclCommand() override { fs::remove_all(dir); }
  int run(std::vector<std::string> args) {
    out.str("");
    err.str("");
    args.push_back("--acl-file");
    args.push_back(path);
    return run_acl_command(args, out, err);
  }
  fs::path dir;
  std::string path;
  std::ostringstream out, err;
};

TEST_F(AclCommand, ListAddRemoveEditTheFile) {
  ASSERT_EQ(run({"list"}), 0) << err.str();
  EXPECT_TRUE(out.str().starts_with("default allow\n0 deny ")) << out.str();
  ASSERT_EQ(run({"add", "0", "deny", R"(["interaction", _, _, _, _, ["x"]])"}), 0) << err.str();
  auto rules = load_acl_file(path);
  ASSERT_TRUE(rules);
  ASSERT_EQ(rules->size(), 5u);
  EXPECT_EQ(rules->list()[0].pattern.source(), R"(["interaction", _, _, _, _, ["x"]])");
  ASSERT_EQ(run({"remove", "0"}), 0) << err.str();
  EXPECT_EQ(load_acl_file(path)->size(), 4u);
}

TEST_F(AclCommand, BadInputChangesNothing) {
  EXPECT_EQ(run({"add", "0", "deny", "[\"x\", _ _]"}), 1);
  EXPECT_NE(err.str().find("pattern_syntax: at"), std::string::npos) << err.str();
  EXPECT_EQ(run({"add", "0", "maybe", "_"}), 1);
  EXPECT_EQ(run({"remove", "9"}), 1);
  EXPECT_EQ(run({"remove", "-1"}), 2);
  EXPECT_EQ(run({"frobnicate"}), 2);
  EXPECT_EQ(load_acl_file(path)->size(), 4u);
  std::ostringstream o, e;
  EXPECT_EQ(run_acl_command({"list"}, o, e), 2);
  EXPECT_NE(e.str().find("--acl-file"), std::string::npos);
}

}  // namespace
}  // namespace allo::place
