// Replays every seed in tests/corpus/state_mirror/ through fuzz_state_mirror
// (which aborts if a mirror invariant breaks), and checks the corpus exists.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "allo/state_mirror.hpp"

namespace allo::client {
namespace {

TEST(StateMirrorCorpus, EverySeedReplays) {
  std::filesystem::path dir = std::filesystem::path(ALLO_CORPUS_DIR) / "state_mirror";
  int seeds = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_FALSE(data.empty()) << entry.path();
    EXPECT_EQ(fuzz_state_mirror(reinterpret_cast<const uint8_t*>(data.data()), data.size()), 0)
        << entry.path();
    ++seeds;
  }
  EXPECT_GE(seeds, 5) << "seed corpus too small";
}

}  // namespace
}  // namespace allo::client
