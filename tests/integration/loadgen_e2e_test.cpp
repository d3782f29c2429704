// allo-loadgen against the real alloplace and allo-sfu: a normal run delivers
// everything and decodes its sample, on one thread or several; a thread that
// fails setup ends the run with its own error; with --listeners sink nobody reads voice
// while the SFU still sends every packet (what the saturation benchmark
// counts).
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <string>

#include "common/mono_clock.hpp"
#include "loadgen_report.hpp"
#include "tests/integration/place_process.hpp"

namespace allo::testing {
namespace {

struct Stack {
  SfuProcess sfu;
  PlaceProcess place{{"--sfu", sfu.link_endpoint()}};
};

// Runs allo-loadgen (6 clients, 2 speakers, direct) to its end and returns
// its report; `while_running` is called about every 100 ms meanwhile.
loadgen::LoadgenReport run_loadgen(const Stack& stack, const std::string& listeners,
                                   const std::string& seconds = "1",
                                   const std::function<void()>& while_running = {},
                                   const std::string& threads = "0") {
  ChildProcess loadgen({std::string(ALLO_BIN_DIR) + "/allo-loadgen", "--place", stack.place.url(),
                        "--clients", "6", "--speakers", "2", "--seconds", seconds, "--warmup",
                        "0.5", "--decode-every", "5", "--path", "direct", "--listeners", listeners,
                        "--threads", threads});
  const double deadline = mono_seconds() + 90;
  std::optional<int> status;
  while (!(status = loadgen.wait(0.1)) && mono_seconds() < deadline) {
    if (while_running) while_running();
  }
  EXPECT_EQ(status, 0) << "allo-loadgen did not finish cleanly";
  const std::string out = loadgen.read_all(10);
  for (size_t start = 0; start < out.size();) {
    size_t end = out.find('\n', start);
    if (end == std::string::npos) end = out.size();
    if (auto report = loadgen::parse_report_line(out.substr(start, end - start))) return *report;
    start = end + 1;
  }
  ADD_FAILURE() << "no report line in: " << out;
  return {};
}

// On one thread and on three (clients 0 and 3, 1 and 4, 2 and 5 share a
// thread: the speakers, 0 and 1, are on different threads and thread 2 has
// listeners only), every listener hears every speaker.
class LoadgenThreads : public ::testing::TestWithParam<uint32_t> {};

TEST_P(LoadgenThreads, EveryListenerGetsEverySpeakerAndTheSampleDecodes) {
  Stack stack;
  auto report = run_loadgen(stack, "read", "1", {}, std::to_string(GetParam()));
  EXPECT_EQ(report.threads, GetParam());
  EXPECT_EQ(report.direct_clients, 6u);
  EXPECT_EQ(report.packets_sent, 2u * 50) << "both speakers sent every frame of the second";
  // 4 listeners hear both speakers, each speaker hears the other: 10 streams.
  EXPECT_EQ(report.expected, report.packets_sent * 10 / 2);
  EXPECT_GE(report.delivered_ratio(), 0.99);
  EXPECT_GT(report.decoded, 0u);
  EXPECT_EQ(report.decode_failures, 0u);
  EXPECT_EQ(report.unknown, 0u);
  EXPECT_EQ(report.latency.samples, report.delivered) << "every delivery has its send time";
}

INSTANTIATE_TEST_SUITE_P(LoadgenE2E, LoadgenThreads, ::testing::Values(1u, 3u));

// The SDK calls the path callback again when a direct link drops mid-run (it
// falls back to the compatible path); that callback once wrote into
// start_voice()'s stack frame, long gone by then.
TEST(LoadgenE2E, DirectLinksThatCloseMidRunFallBackAndTheRunStillReports) {
  Stack stack;
  ChildProcess loadgen({std::string(ALLO_BIN_DIR) + "/allo-loadgen", "--place", stack.place.url(),
                        "--clients", "6", "--speakers", "2", "--seconds", "2", "--warmup", "0.5",
                        "--path", "direct"});
  ASSERT_TRUE(wait_until([&] { return stack.sfu.metric("allo_sfu_packets_out_total") > 0; }, 30,
                         [] { std::this_thread::sleep_for(std::chrono::milliseconds(20)); }));
  stack.sfu.stop();  // says goodbye to every direct client
  const std::string out = loadgen.read_all(60);
  EXPECT_EQ(loadgen.wait(10), 0) << out;
  EXPECT_NE(out.find("\"loadgen_report\""), std::string::npos) << out;
}

// Two threads, one client each, and a place that takes one peer: one
// thread's connect fails, the other has joined and waits at the phase gate.
// The run ends at once with the failed client's error, not after the 60 s
// setup timeout and not with the waiting thread's "aborted".
TEST(LoadgenE2E, AThreadThatFailsSetupEndsTheRunWithItsOwnError) {
  PlaceProcess place({"--max-peers", "1"});
  const double start = mono_seconds();
  ChildProcess loadgen({"/bin/sh", "-c",
                        std::string(ALLO_BIN_DIR) + "/allo-loadgen --place " + place.url() +
                            " --clients 2 --speakers 0 --threads 2 2>&1"});
  const std::string out = loadgen.read_all(50);
  EXPECT_EQ(loadgen.wait(10), 1) << out;
  EXPECT_LT(mono_seconds() - start, 30) << "the joined thread waited for the setup timeout";
  EXPECT_NE(out.find("allo-loadgen: setup_failed: client "), std::string::npos) << out;
  EXPECT_EQ(out.find("aborted"), std::string::npos) << out;
}

TEST(LoadgenE2E, SinkListenersReadNothingWhileTheSfuStillSendsEverything) {
  Stack stack;
  auto report = run_loadgen(stack, "sink");
  // Nobody reads voice: every client's kernel drops the voice it hears
  // (attach_media_drop_filter; voice sharing a datagram with an ack or a
  // reliable command passes) while the connections stay up: the SFU still
  // sends every stream.
  EXPECT_LE(report.delivered_ratio(), 0.05);
  EXPECT_EQ(report.unknown, 0u);
  // The 2 ms bursts send every frame: 2 speakers x 1 s of 20 ms frames.
  EXPECT_EQ(report.packets_sent, 2u * 50);
  EXPECT_GE(stack.sfu.metric("allo_sfu_packets_out_total"), 0.95 * report.expected);
}

// A sink run keeps every connection up: the listeners read no voice (the
// kernel drops it) but answer the SFU's pings, so their direct links outlive
// ENet's peer timeout (5 s at least) and none falls back to the compatible
// path. Before, only the speakers were polled: the SFU timed the listeners'
// links out after 5-10 s and the place relayed their voice, so the
// saturation run measured the compatible path for most of its listeners.
TEST(LoadgenE2E, SinkListenersKeepTheirDirectLinksPastThePeerTimeout) {
  Stack stack;
  double sending_since = 0, most_compatible = 0, fewest_direct_late = 1e9;
  auto report = run_loadgen(stack, "sink", "10", [&] {
    const std::string text = scrape_metrics(stack.sfu.metrics_port);
    if (text.empty()) return;  // a scrape that timed out is no sample
    if (sending_since == 0) {
      if (metric_value(text, "allo_sfu_packets_out_total") > 0) sending_since = mono_seconds();
      return;
    }
    const double compatible = metric_value(text, "allo_sfu_listeners", "worker=\"link\"");
    const double direct = metric_value(text, "allo_sfu_listeners") - compatible;
    most_compatible = std::max(most_compatible, compatible);
    const double sending = mono_seconds() - sending_since;
    if (sending > 8 && sending < 10) fewest_direct_late = std::min(fewest_direct_late, direct);
  });
  EXPECT_EQ(most_compatible, 0) << "a listener fell back to the compatible path";
  EXPECT_EQ(fewest_direct_late, 6) << "8-10 s into sending, every client still had its direct link";
  EXPECT_EQ(report.direct_clients, 6u);
}

}  // namespace
}  // namespace allo::testing
