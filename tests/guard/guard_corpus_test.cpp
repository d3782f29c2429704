// Replays every seed in tests/corpus/guard_pattern/ through
// fuzz_guard_pattern() (which aborts on a broken contract), and checks the
// seeds are what their names say: "valid_*" files compile, all others are
// refused by Pattern::compile().
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "guard/fuzz/fuzz_guard_pattern.hpp"
#include "guard/pattern.hpp"

namespace allo::guard {
namespace {

std::vector<std::filesystem::path> seeds() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(ALLO_CORPUS_DIR) + "/guard_pattern")) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  return files;
}

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(GuardCorpus, EverySeedReplaysAndCompilesAsItsNameSays) {
  auto files = seeds();
  ASSERT_GE(files.size(), 20u);
  size_t valid = 0;
  for (const auto& path : files) {
    std::string text = read(path);
    auto bytes = reinterpret_cast<const uint8_t*>(text.data());
    EXPECT_EQ(fuzz_guard_pattern(bytes, text.size()), 0) << path;
    bool should_compile = path.filename().string().starts_with("valid_");
    auto compiled = Pattern::compile(text);
    EXPECT_EQ(compiled.has_value(), should_compile)
        << path.filename() << ": " << (compiled ? "compiled" : compiled.error().detail);
    valid += should_compile;
  }
  EXPECT_GE(valid, 5u);
}

}  // namespace
}  // namespace allo::guard
