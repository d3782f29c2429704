// allo-loadgen's flags: defaults, every flag, and errors that name the flag;
// how many threads a run uses; the sent frames' index.
#include "loadgen_options.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "loadgen_run.hpp"
#include "sent_frames.hpp"

namespace allo::loadgen {
namespace {

TEST(LoadgenOptions, ParsesEveryFlag) {
  auto o = parse_loadgen_options({"--place",         "alloplace://127.0.0.1:4000",
                                  "--clients",       "500",
                                  "--speakers",      "20",
                                  "--selected",      "6",
                                  "--seconds",       "2.5",
                                  "--warmup",        "0",
                                  "--path",          "compatible",
                                  "--decode-every",  "0",
                                  "--setup-timeout", "30",
                                  "--listeners",     "sink",
                                  "--intent-hz",     "5",
                                  "--threads",       "3"});
  ASSERT_TRUE(o) << o.error().detail;
  EXPECT_EQ(o->place_url, "alloplace://127.0.0.1:4000");
  EXPECT_EQ(o->clients, 500u);
  EXPECT_EQ(o->speakers, 20u);
  EXPECT_EQ(o->selected, 6u);
  EXPECT_DOUBLE_EQ(o->seconds, 2.5);
  EXPECT_DOUBLE_EQ(o->warmup_seconds, 0);
  EXPECT_FALSE(o->direct);
  EXPECT_EQ(o->decode_every, 0u);
  EXPECT_TRUE(o->sink);
  EXPECT_DOUBLE_EQ(o->intent_hz, 5);
  EXPECT_EQ(o->threads, 3u);
  EXPECT_EQ(parse_loadgen_options({})->threads, 0u) << "one thread per core by default";
  EXPECT_DOUBLE_EQ(parse_loadgen_options({})->intent_hz, 20) << "a visor's rate by default";
  EXPECT_TRUE(parse_loadgen_options({})->direct) << "the direct path by default";
  EXPECT_FALSE(parse_loadgen_options({})->sink) << "listeners read by default";
}

TEST(LoadgenOptions, ErrorsNameTheFlag) {
  EXPECT_EQ(parse_loadgen_options({"--clients", "0"}).error().detail,
            "--clients: expected 1..4000, got '0'");
  EXPECT_EQ(parse_loadgen_options({"--path", "udp"}).error().detail,
            "--path: expected direct or compatible, got 'udp'");
  EXPECT_EQ(parse_loadgen_options({"--seconds", "9999"}).error().code, "bad_flag");
  EXPECT_EQ(parse_loadgen_options({"--listeners", "deaf"}).error().detail,
            "--listeners: expected read or sink, got 'deaf'");
  EXPECT_EQ(parse_loadgen_options({"--clients", "2", "--speakers", "3"}).error().code, "bad_flag");
  EXPECT_EQ(parse_loadgen_options({"--seconds"}).error().detail, "--seconds: missing value");
  EXPECT_EQ(parse_loadgen_options({"--bogus", "1"}).error().detail, "unknown flag --bogus");
  EXPECT_EQ(parse_loadgen_options({"--help"}).error().code, "help");
  EXPECT_EQ(parse_loadgen_options({"--intent-hz", "0"}).error().detail,
            "--intent-hz: expected 1..100, got '0'");
  EXPECT_EQ(parse_loadgen_options({"--threads", "65"}).error().detail,
            "--threads: expected 0..64, got '65'");
}

TEST(LoadgenRun, ThreadsArePerCoreByDefaultAndNeverMoreThanClients) {
  const uint32_t cores = std::max(1u, std::thread::hardware_concurrency());
  EXPECT_EQ(LoadgenRun::thread_count(0, 1000), std::min(cores, 1000u));
  EXPECT_EQ(LoadgenRun::thread_count(0, 1), 1u);
  EXPECT_EQ(LoadgenRun::thread_count(3, 1000), 3u);
  EXPECT_EQ(LoadgenRun::thread_count(8, 5), 5u);
}

TEST(LoadgenRun, TheRunFailsWithTheFirstCauseNotWithAThreadThatStoppedBecauseOfIt) {
  using Results = std::vector<proto::Result<void>>;
  const proto::Error aborted{"aborted", "another load generator thread failed"};
  const proto::Error cause{"setup_failed", "client 3: no answer"};
  const proto::Error later{"epoll_wait_failed", "EBADF"};
  EXPECT_TRUE(LoadgenRun::first_cause(Results{{}, {}}));
  EXPECT_EQ(LoadgenRun::first_cause(
                Results{std::unexpected(aborted), std::unexpected(cause), std::unexpected(later)})
                .error()
                .detail,
            cause.detail);
  EXPECT_EQ(LoadgenRun::first_cause(Results{{}, std::unexpected(later), std::unexpected(cause)})
                .error()
                .code,
            later.code)
      << "the first of several real failures";
  EXPECT_EQ(LoadgenRun::first_cause(Results{std::unexpected(aborted), {}}).error().code, "aborted")
      << "only echoes: still a failure";
}

TEST(SentFrames, EveryFrameIsFoundByItsBytesAndForgedBytesAreNot) {
  auto frames = SentFrames::encode(2, 100);
  ASSERT_TRUE(frames);
  size_t found = 0;
  for (uint32_t s = 0; s < 2; ++s) {
    for (uint32_t f = 0; f < 100; ++f) {
      auto at = frames->find(s, frames->opus(s, f));
      if (at) {
        EXPECT_EQ(*at, f);
        ++found;
      }
    }
  }
  EXPECT_EQ(found, 200u) << "the noise floor makes every frame distinct";
  auto forged = frames->opus(0, 10);
  forged.back() ^= 0x01;
  EXPECT_FALSE(frames->find(0, forged));
  frames->mark_sent(1, 5, 12.5);
  EXPECT_DOUBLE_EQ(frames->sent_at(1, 5), 12.5);
  EXPECT_LT(frames->sent_at(1, 6), 0);
}

}  // namespace
}  // namespace allo::loadgen
