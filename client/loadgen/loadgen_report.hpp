// LoadgenReport: what one allo-loadgen run measured, printed as one JSON line
// ({"loadgen_report":{...}}) so benchmarks can read it back. Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "proto/error.hpp"

namespace allo::loadgen {

struct LatencySummary {
  double p50_ms = 0, p99_ms = 0, p999_ms = 0, max_ms = 0;
  uint64_t samples = 0;
};

struct LoadgenReport {
  uint32_t clients = 0;
  uint32_t speakers = 0;
  uint32_t selected = 0;        // speakers each listener should hear (0 = all)
  uint32_t direct_clients = 0;  // clients whose media went over the direct path
  double seconds = 0;           // measurement window
  uint64_t packets_sent = 0;    // in the window
  uint64_t expected = 0;        // deliveries the window should produce
  uint64_t delivered = 0;       // deliveries of window packets, intact bytes
  uint64_t unknown = 0;         // received payloads that match no sent frame
  uint64_t decoded = 0;         // sampled deliveries decoded to 20 ms of audio
  uint64_t decode_failures = 0;
  uint64_t intents_sent = 0;
  uint64_t state_packets = 0;
  double loadgen_cpu_seconds = 0;  // this process, during the window
  uint32_t threads = 0;            // shard threads the clients were spread over
  LatencySummary latency;          // one-way, send call to receive callback
  // One-way, send call to the kernel's arrival stamp at the listener's
  // socket: without the delay of this one process reading for every client.
  LatencySummary arrival_latency;

  double delivered_ratio() const {
    return expected == 0 ? 0 : static_cast<double>(delivered) / static_cast<double>(expected);
  }
};

// Percentiles (nearest rank) of `samples_ms`; sorts it.
LatencySummary summarize_latency(std::vector<float>& samples_ms);

// One line: {"loadgen_report":{...}} (no trailing newline).
std::string to_json_line(const LoadgenReport& report);
// Parses the line to_json_line wrote. Errors: "not_json", "not_a_report",
// "bad_field" (detail names the field).
proto::Result<LoadgenReport> parse_report_line(std::string_view line);

}  // namespace allo::loadgen
