// ClockEstimator: offset and round trip from the lowest-RTT sample.
#include "allo/clock_estimator.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace allo::client {
namespace {

TEST(ClockEstimator, NoEstimateBeforeSamples) {
  ClockEstimator clock;
  EXPECT_FALSE(clock.has_estimate());
  EXPECT_FALSE(clock.offset().has_value());
  EXPECT_DOUBLE_EQ(clock.server_time_at(12.5), 12.5);
}

TEST(ClockEstimator, OffsetAssumesServerStampedHalfWay) {
  ClockEstimator clock;
  // Sent at 100, place said 1000.05, received at 100.1: rtt 0.1, offset 900.
  ASSERT_TRUE(clock.add_sample(100.0, 1000.05, 100.1));
  EXPECT_NEAR(*clock.round_trip(), 0.1, 1e-9);
  EXPECT_NEAR(*clock.offset(), 900.0, 1e-9);
  EXPECT_NEAR(clock.server_time_at(200.0), 1100.0, 1e-9);
}

TEST(ClockEstimator, TrustsLowestRoundTrip) {
  ClockEstimator clock(3);
  clock.add_sample(0.0, 10.5, 1.0);    // rtt 1, offset 10
  clock.add_sample(2.0, 12.01, 2.02);  // rtt 0.02, offset 10.0
  clock.add_sample(3.0, 20.0, 3.5);    // rtt 0.5, offset 16.75 (slow path)
  EXPECT_NEAR(*clock.round_trip(), 0.02, 1e-9);
  EXPECT_NEAR(*clock.offset(), 10.0, 1e-9);
  // The window forgets the good sample after 3 newer ones.
  clock.add_sample(4.0, 20.0, 4.4);
  clock.add_sample(5.0, 20.0, 5.4);
  clock.add_sample(6.0, 20.0, 6.3);
  EXPECT_EQ(clock.sample_count(), 3u);
  EXPECT_NEAR(*clock.round_trip(), 0.3, 1e-9);
}

TEST(ClockEstimator, RejectsImpossibleSamples) {
  ClockEstimator clock;
  EXPECT_FALSE(clock.add_sample(10.0, 5.0, 9.0));  // received before sent
  EXPECT_FALSE(clock.add_sample(std::numeric_limits<double>::quiet_NaN(), 5.0, 9.0));
  EXPECT_FALSE(clock.add_sample(1.0, std::numeric_limits<double>::infinity(), 2.0));
  EXPECT_FALSE(clock.has_estimate());
}

}  // namespace
}  // namespace allo::client
