// The ACL's files: defaults written on first start, atomic saves that load
// back, a corrupt file refused with the setting named, admin token checks.
#include "place/acl_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "place/default_acl_rules.hpp"

namespace allo::place {
namespace {

namespace fs = std::filesystem;

class AclFile : public ::testing::Test {
 public:
  AclFile() {
    dir = fs::temp_directory_path() / ("acl_file_test_" + std::to_string(::getpid()));
    fs::create_directories(dir);
  }
  ~AclFile() override { fs::remove_all(dir); }
  std::string path(const std::string& name) { return (dir / name).string(); }
  void write(const std::string& p, const std::string& text, mode_t mode = 0600) {
    std::ofstream(p) << text;
    ::chmod(p.c_str(), mode);
  }
  fs::path dir;
};

TEST_F(AclFile, DefaultRulesCompile) {
  auto rules = default_acl_rules();
  EXPECT_EQ(rules.size(), 4u);
  EXPECT_EQ(rules.default_action(), guard::AclAction::kAllow);
}

TEST_F(AclFile, MissingFileStartsWithDefaultsAndWritesThem) {
  std::string p = path("acl.json");
  auto rules = load_acl_file(p);
  ASSERT_TRUE(rules) << rules.error().detail;
  EXPECT_EQ(rules->to_json(), default_acl_rules().to_json());
  ASSERT_TRUE(fs::exists(p));
  auto again = load_acl_file(p);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->to_json(), rules->to_json());
}

TEST_F(AclFile, SavedChangesLoadBack) {
  std::string p = path("acl.json");
  auto rules = default_acl_rules();
  ASSERT_TRUE(rules.insert(0, guard::AclAction::kDeny, R"(["interaction", _, _, _, _, ["x"]])"));
  ASSERT_TRUE(save_acl_file(p, rules));
  EXPECT_FALSE(fs::exists(p + ".tmp"));
  auto loaded = load_acl_file(p);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->size(), 5u);
  EXPECT_EQ(loaded->list()[0].pattern.source(), R"(["interaction", _, _, _, _, ["x"]])");
}

TEST_F(AclFile, CorruptFileIsRefusedNamingTheSetting) {
  std::string p = path("acl.json");
  write(p, "{\"rules\": [[\"deny\", \"[\"]]}");
  auto bad = load_acl_file(p);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "bad_config");
  EXPECT_TRUE(bad.error().detail.starts_with("acl-file: " + p)) << bad.error().detail;
  EXPECT_NE(bad.error().detail.find("pattern_syntax"), std::string::npos);
  write(p, "not json");
  EXPECT_FALSE(load_acl_file(p));
  // It was not replaced by the defaults.
  std::ifstream in(p);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "not json");
}

TEST_F(AclFile, SaveIntoMissingDirectoryFails) {
  auto r = save_acl_file(path("no/such/dir/acl.json"), default_acl_rules());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "acl_not_saved");
  EXPECT_FALSE(load_acl_file(path("no/such/dir/acl.json")));
}

TEST_F(AclFile, AdminTokenMustBePrivateAndLongEnough) {
  std::string p = path("token");
  write(p, "  0123456789abcdefXYZ\n");
  auto token = read_admin_token(p);
  ASSERT_TRUE(token) << token.error().detail;
  EXPECT_EQ(*token, "0123456789abcdefXYZ");
  write(p, "0123456789abcdefXYZ", 0644);
  auto open = read_admin_token(p);
  ASSERT_FALSE(open);
  EXPECT_TRUE(open.error().detail.starts_with("admin-token-file: ")) << open.error().detail;
  write(p, "short");
  EXPECT_FALSE(read_admin_token(p));
  EXPECT_FALSE(read_admin_token(path("missing")));
}

}  // namespace
}  // namespace allo::place
