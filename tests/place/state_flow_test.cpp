// StateFlow: the per-client window over unacknowledged state revisions, the
// probes of a held client, and when a merge patch still applies.
#include "place/state_flow.hpp"

#include <gtest/gtest.h>

namespace allo::place {
namespace {

using Verdict = StateFlow::Verdict;

// Sends revisions from..to, one per 50 ms tick starting at `now`, while the
// client keeps acknowledging `acked`; returns the time after the last one.
double send_ticks(StateFlow& flow, const StateFlowLimits& limits, uint64_t acked, uint64_t from,
                  uint64_t to, double now) {
  for (uint64_t r = from; r <= to; ++r, now += 0.05) {
    EXPECT_EQ(flow.check(acked, std::nullopt, now, limits), Verdict::kSend) << "revision " << r;
    flow.sent(r, now, Verdict::kSend);
  }
  return now;
}

TEST(StateFlow, HoldsOnceWindowRevisionsAreUnacknowledged) {
  StateFlowLimits limits;
  StateFlow flow;
  double now = send_ticks(flow, limits, 0, 1, 10, 100.0);
  // Acked 10; revisions 11..10+window-1 leave fewer than `window` in flight.
  now = send_ticks(flow, limits, 10, 11, 10 + limits.window - 1, now);
  EXPECT_EQ(flow.check(10, std::nullopt, now, limits), Verdict::kSend);  // window-1 in flight
  flow.sent(10 + limits.window, now, Verdict::kSend);
  EXPECT_EQ(flow.check(10, std::nullopt, now + 0.05, limits), Verdict::kHold);
  // One more acknowledged revision opens the window again.
  EXPECT_EQ(flow.check(11, std::nullopt, now + 0.10, limits), Verdict::kSend);
}

TEST(StateFlow, AckZeroOrAheadOfWhatWasSentIsNeverHeld) {
  StateFlowLimits limits;
  StateFlow flow;
  double now = send_ticks(flow, limits, 0, 1, 200, 100.0);  // acks 0 throughout
  EXPECT_EQ(flow.check(0, std::nullopt, now, limits), Verdict::kSend);
  EXPECT_EQ(flow.check(500, std::nullopt, now, limits), Verdict::kSend);  // from the future
  EXPECT_EQ(flow.check(200, std::nullopt, now, limits), Verdict::kSend);
}

TEST(StateFlow, WindowZeroTurnsItOff) {
  StateFlowLimits limits;
  limits.window = 0;
  StateFlow flow;
  send_ticks(flow, limits, 5, 1, 300, 100.0);  // never held
}

TEST(StateFlow, ProbesDoubleTheirIntervalUntilTheAckMoves) {
  StateFlowLimits limits;
  StateFlow flow;
  double now = send_ticks(flow, limits, 1, 1, limits.window + 1, 100.0);
  double last = now - 0.05;  // the last message
  ASSERT_EQ(flow.check(1, std::nullopt, now, limits), Verdict::kHold);
  uint64_t revision = limits.window + 1;
  double interval = limits.first_probe;
  for (int probe = 0; probe < 6; ++probe) {
    EXPECT_EQ(flow.check(1, std::nullopt, last + interval - 0.001, limits), Verdict::kHold)
        << probe;
    EXPECT_EQ(flow.check(1, std::nullopt, last + interval + 1e-9, limits), Verdict::kProbe)
        << probe;
    last += interval;
    flow.sent(++revision, last, Verdict::kProbe);
    interval = std::min(interval * 2, limits.max_probe);
  }
  EXPECT_EQ(interval, limits.max_probe);
  // Progress (still a full window behind) means the messages arrive: no
  // probe while the acknowledgement moves, then the first interval again.
  double t = last + 10;
  for (uint64_t acked = 2; acked <= revision - limits.window; ++acked, t += 1.0) {
    EXPECT_EQ(flow.check(acked, std::nullopt, t, limits), Verdict::kHold) << acked;
  }
  t -= 1.0;
  EXPECT_EQ(
      flow.check(revision - limits.window, std::nullopt, t + limits.first_probe - 0.001, limits),
      Verdict::kHold);
  EXPECT_EQ(
      flow.check(revision - limits.window, std::nullopt, t + limits.first_probe + 1e-9, limits),
      Verdict::kProbe);
}

TEST(StateFlow, TheFirstProbeWaitsForTheMeasuredRoundTrip) {
  StateFlowLimits limits;
  StateFlow flow;
  // Revision r is sent at time r and acknowledged 2 s later (40 ticks at
  // 20 Hz would fill the window: use one revision per second instead).
  double now = 0;
  for (uint64_t r = 1; r <= 20; ++r) {
    now = static_cast<double>(r);
    std::optional<double> sent_at;
    uint64_t acked = r > 2 ? r - 2 : 0;
    if (acked > 0) sent_at = static_cast<double>(acked);
    ASSERT_EQ(flow.check(acked, sent_at, now, limits), Verdict::kSend);
    flow.sent(r, now, Verdict::kSend);
  }
  // About 2 s smoothed, the deviation decayed to nearly 0: the timeout is
  // the round trip plus its floor of a quarter of it, not first_probe.
  double timeout = flow.probe_interval(limits);
  EXPECT_NEAR(timeout, 2.5, 0.01);
  // Held with the window full and no progress: no probe before the timeout.
  flow.sent(18 + limits.window, now, Verdict::kSend);
  EXPECT_EQ(flow.check(18, std::nullopt, now + timeout - 0.01, limits), Verdict::kHold);
  EXPECT_EQ(flow.check(18, std::nullopt, now + timeout + 1e-9, limits), Verdict::kProbe);
  flow.sent(19 + limits.window, now + timeout, Verdict::kProbe);
  EXPECT_DOUBLE_EQ(flow.probe_interval(limits), std::min(2 * timeout, limits.max_probe));
}

TEST(StateFlow, APatchAppliesOnlyFromARevisionTheClientMustStillHold) {
  StateFlowLimits limits;
  StateFlow flow;
  EXPECT_FALSE(flow.may_patch_from(0));
  EXPECT_FALSE(flow.may_patch_from(3));  // nothing was sent yet
  flow.sent(100, 1.0, Verdict::kSend);
  EXPECT_FALSE(flow.may_patch_from(0));
  EXPECT_FALSE(flow.may_patch_from(101));  // never sent
  EXPECT_TRUE(flow.may_patch_from(100));
  EXPECT_TRUE(flow.may_patch_from(100 - limits::kStateHistoryRevisions + 1));
  EXPECT_FALSE(flow.may_patch_from(100 - limits::kStateHistoryRevisions));
}

}  // namespace
}  // namespace allo::place
