// allo-loadgen's report line round-trips, and damaged lines are typed errors.
#include "loadgen_report.hpp"

#include <gtest/gtest.h>

namespace allo::loadgen {
namespace {

TEST(LoadgenReport, LineRoundTrips) {
  LoadgenReport r;
  r.clients = 500;
  r.speakers = 20;
  r.selected = 6;
  r.direct_clients = 500;
  r.seconds = 10;
  r.packets_sent = 10000;
  r.expected = 1500000;
  r.delivered = 1499000;
  r.unknown = 1;
  r.decoded = 150;
  r.decode_failures = 0;
  r.intents_sent = 100000;
  r.state_packets = 99000;
  r.loadgen_cpu_seconds = 7.5;
  r.threads = 2;
  r.latency = {0.4, 2.5, 4.75, 9.0, 1499000};
  r.arrival_latency = {0.3, 1.5, 3.75, 8.0, 1498000};
  const std::string line = to_json_line(r);
  EXPECT_EQ(line.find('\n'), std::string::npos) << "one line";
  auto back = parse_report_line(line);
  ASSERT_TRUE(back) << back.error().code << " " << back.error().detail;
  EXPECT_EQ(back->clients, 500u);
  EXPECT_EQ(back->selected, 6u);
  EXPECT_EQ(back->expected, 1500000u);
  EXPECT_EQ(back->delivered, 1499000u);
  EXPECT_DOUBLE_EQ(back->latency.p99_ms, 2.5);
  EXPECT_DOUBLE_EQ(back->latency.p999_ms, 4.75);
  EXPECT_EQ(back->latency.samples, 1499000u);
  EXPECT_DOUBLE_EQ(back->arrival_latency.p99_ms, 1.5);
  EXPECT_EQ(back->arrival_latency.samples, 1498000u);
  EXPECT_DOUBLE_EQ(back->loadgen_cpu_seconds, 7.5);
  EXPECT_EQ(back->threads, 2u);
  EXPECT_NEAR(back->delivered_ratio(), 1499000.0 / 1500000.0, 1e-12);
}

TEST(LoadgenReport, DamagedLinesAreTypedErrors) {
  EXPECT_EQ(parse_report_line("clients 5").error().code, "not_json");
  EXPECT_EQ(parse_report_line(R"({"other":{}})").error().code, "not_a_report");
  LoadgenReport r;
  std::string line = to_json_line(r);
  std::string negative = line;
  negative.replace(negative.find("\"delivered\":0"), 13, "\"delivered\":-4");
  auto bad = parse_report_line(negative);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "bad_field");
  EXPECT_EQ(bad.error().detail, "delivered");
  std::string missing = line;
  missing.replace(missing.find("\"p99\"", missing.find("\"latency_ms\"")), 5, "\"p98\"");
  EXPECT_EQ(parse_report_line(missing).error().detail, "latency_ms.p99");
  std::string no_arrival = line;
  no_arrival.replace(no_arrival.find("\"p99\"", no_arrival.find("\"arrival_latency_ms\"")), 5,
                     "\"p98\"");
  EXPECT_EQ(parse_report_line(no_arrival).error().detail, "arrival_latency_ms.p99");
}

TEST(LoadgenReport, PercentilesAreNearestRank) {
  std::vector<float> samples;
  for (int i = 1000; i >= 1; --i) samples.push_back(static_cast<float>(i));
  auto s = summarize_latency(samples);
  EXPECT_EQ(s.samples, 1000u);
  EXPECT_FLOAT_EQ(s.p50_ms, 500);
  EXPECT_FLOAT_EQ(s.p99_ms, 990);
  EXPECT_FLOAT_EQ(s.p999_ms, 999);
  EXPECT_FLOAT_EQ(s.max_ms, 1000);
  std::vector<float> none;
  EXPECT_EQ(summarize_latency(none).samples, 0u);
}

}  // namespace
}  // namespace allo::loadgen
