// allo-loadgen's UpkeepRota: every slot once per period, spread evenly,
// round-robin, never more than one pass owed after a stall.
#include "upkeep_rota.hpp"

#include <gtest/gtest.h>

#include <map>

namespace allo::loadgen {
namespace {

TEST(UpkeepRota, FirstCallStartsTheClockAndOwesNothing) {
  UpkeepRota rota(0.010);
  std::vector<uint32_t> due;
  EXPECT_EQ(rota.next_due(100.0, 10), 100.0) << "before the first call";
  rota.take_due(100.0, 10, due);
  EXPECT_TRUE(due.empty());
}

TEST(UpkeepRota, HandsOutCountSlotsPerPeriodSpreadOverIt) {
  UpkeepRota rota(0.010);
  std::vector<uint32_t> due;
  rota.take_due(0.0, 1000, due);
  rota.take_due(0.001, 1000, due);  // a tenth of the period: a tenth of the slots
  ASSERT_EQ(due.size(), 100u);
  for (uint32_t i = 0; i < 100; ++i) EXPECT_EQ(due[i], i) << "round-robin from slot 0";
  // 99 more steps of 0.1 ms complete exactly one pass: every slot once.
  std::map<uint32_t, int> times;
  for (uint32_t slot : due) ++times[slot];
  due.clear();
  for (int step = 1; step <= 90; ++step) rota.take_due(0.001 + step * 0.0001, 1000, due);
  for (uint32_t slot : due) ++times[slot];
  ASSERT_EQ(times.size(), 1000u);
  for (const auto& [slot, n] : times) EXPECT_EQ(n, 1) << "slot " << slot;
}

TEST(UpkeepRota, CarriesFractionsBetweenCalls) {
  UpkeepRota rota(1.0);
  std::vector<uint32_t> due;
  rota.take_due(0.0, 4, due);
  rota.take_due(0.125, 4, due);  // half a slot owed
  EXPECT_TRUE(due.empty());
  EXPECT_DOUBLE_EQ(rota.next_due(0.125, 4), 0.25) << "the other half";
  rota.take_due(0.25, 4, due);
  EXPECT_EQ(due, std::vector<uint32_t>{0});
}

TEST(UpkeepRota, AStallOwesOnePassNotMore) {
  UpkeepRota rota(0.010);
  std::vector<uint32_t> due;
  rota.take_due(0.0, 50, due);
  rota.take_due(5.0, 50, due);  // 500 periods late
  EXPECT_EQ(due.size(), 50u);
  due.clear();
  rota.take_due(5.0, 50, due);
  EXPECT_TRUE(due.empty()) << "nothing carried over from the stall";
}

TEST(UpkeepRota, FollowsAGrowingCount) {
  UpkeepRota rota(0.010);
  std::vector<uint32_t> due;
  rota.take_due(0.0, 2, due);
  rota.take_due(0.010, 2, due);  // one full pass over 2 slots
  EXPECT_EQ(due, (std::vector<uint32_t>{0, 1}));
  due.clear();
  rota.take_due(0.015, 6, due);  // half a period over 6 slots: 3
  EXPECT_EQ(due, (std::vector<uint32_t>{0, 1, 2}));
  due.clear();
  rota.take_due(0.020, 0, due);
  EXPECT_TRUE(due.empty());
}

}  // namespace
}  // namespace allo::loadgen
