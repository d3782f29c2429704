// Replays every seed in tests/corpus/<parser>/ through fuzz_<parser> (which
// aborts on a broken round trip or an undocumented error code), and checks
// the seeds are what their names say: "valid_*" files parse, all others are
// refused by the parser.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "proto/asset_frame.hpp"
#include "proto/clock.hpp"
#include "proto/fuzz/fuzz_entries.hpp"
#include "proto/intent.hpp"
#include "proto/interaction.hpp"
#include "proto/json_frame.hpp"
#include "proto/limits.hpp"
#include "proto/media_packet.hpp"
#include "proto/state_message.hpp"

namespace allo::proto {
namespace {

using Bytes = std::vector<uint8_t>;

Result<json> decode(const Bytes& b, size_t max_bytes) {
  return decode_json(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()), max_bytes,
                     limits::kMaxJsonDepth);
}

bool json_accepts(const Bytes& b, size_t max_bytes, auto parse) {
  auto doc = decode(b, max_bytes);
  return doc && parse(*doc).has_value();
}

bool asset_accepts(const Bytes& b) {
  auto f = parse_asset_frame(b);
  if (!f) return false;
  switch (f->mid) {
    case AssetMid::kRequest:
      return parse_asset_request(*f).has_value();
    case AssetMid::kData:
      return parse_asset_data(*f).has_value();
    case AssetMid::kFailure:
      return parse_asset_failure(*f).has_value();
  }
  return false;
}

struct Parser {
  const char* name;
  int (*fuzz)(const uint8_t*, size_t);
  std::function<bool(const Bytes&)> accepts;
};

void PrintTo(const Parser& parser, std::ostream* out) {
  *out << parser.name;
}

const std::vector<Parser>& parsers() {
  static const std::vector<Parser> all = {
      {"json_frame", fuzz_json_frame,
       [](const Bytes& b) { return decode(b, limits::kMaxPacketBytes).has_value(); }},
      {"interaction", fuzz_interaction,
       [](const Bytes& b) {
         return json_accepts(b, limits::kMaxPacketBytes,
                             [](auto& d) { return parse_interaction(d); });
       }},
      {"intent", fuzz_intent,
       [](const Bytes& b) {
         return json_accepts(b, limits::kMaxIntentBytes, [](auto& d) { return parse_intent(d); });
       }},
      {"state_message", fuzz_state_message,
       [](const Bytes& b) {
         return json_accepts(b, limits::kMaxPacketBytes,
                             [](auto& d) { return parse_state_message(d); });
       }},
      {"clock", fuzz_clock,
       [](const Bytes& b) {
         return json_accepts(b, limits::kMaxClockBytes,
                             [](auto& d) { return parse_clock_request(d); });
       }},
      {"media_packet", fuzz_media_packet,
       [](const Bytes& b) { return parse_media_packet(b).has_value(); }},
      {"asset_frame", fuzz_asset_frame, asset_accepts},
  };
  return all;
}

Bytes read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

class CorpusReplay : public testing::TestWithParam<Parser> {};

TEST_P(CorpusReplay, EverySeedReplaysAndIsWhatItsNameSays) {
  const Parser& parser = GetParam();
  std::filesystem::path dir = std::filesystem::path(ALLO_CORPUS_DIR) / parser.name;
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  int valid = 0, hostile = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::string file = entry.path().filename().string();
    Bytes bytes = read_file(entry.path());
    EXPECT_EQ(parser.fuzz(bytes.data(), bytes.size()), 0) << file;
    bool expected_valid = file.starts_with("valid_");
    EXPECT_EQ(parser.accepts(bytes), expected_valid) << parser.name << "/" << file;
    ++(expected_valid ? valid : hostile);
  }
  EXPECT_GE(valid + hostile, 5) << "seed corpus too small";
  EXPECT_GE(valid, 1);
  EXPECT_GE(hostile, 1);
}

INSTANTIATE_TEST_SUITE_P(Seeds, CorpusReplay, testing::ValuesIn(parsers()),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace allo::proto
