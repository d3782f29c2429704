// One measured run of the real stack: allo-sfu + alloplace --sfu (state at
// 20 Hz) + allo-loadgen, as child processes on free loopback ports. The SFU's
// CPU time is read from /proc over the whole loadgen run, and also sampled
// with its packets-out counter every kSampleSeconds: CPU per packet is taken
// over the steady state (between the samples where the cumulative packets-out
// count reaches 10% and 90% of its total), not over client setup and drain, where the SFU works
// without forwarding (handshakes, tokens, joins), as the naive forwarder has none.
#pragma once

#include <cstdint>
#include <string>

#include "loadgen_report.hpp"

namespace allo::bench {

struct SfuRunConfig {
  uint32_t clients = 0, speakers = 0, selected = 6, workers = 2;
  bool direct = true;
  double seconds = 5;
  bool sink = false;  // allo-loadgen --listeners sink (saturation: count packets out)
  // The place's tick rate and the clients' intent rate (a visor's: 20 Hz).
  // The scaling runs lower both so the state work leaves the cores to the SFU.
  int tick_hz = 20;
  int intent_hz = 20;
  // --rt-priority for allo-sfu's fan-out threads (ops/config sets 10) and
  // for alloplace's event loop (ops/config leaves it at 0); 0 = normal
  // scheduling.
  int rt_priority = 0;
  int place_rt_priority = 0;
};

struct SfuRunResult {
  bool ok = false;
  std::string error;
  loadgen::LoadgenReport report;
  double sfu_cpu_seconds = 0;
  double sfu_packets_out = 0;  // allo_sfu_packets_out_total at the end
  // SFU CPU microseconds per packet sent in the steady state; 0 if unknown.
  double steady_cpu_us_per_packet = 0;
  double steady_seconds = 0;             // length of that stretch
  double steady_packets_per_second = 0;  // the SFU's packets out per second in it
  // The SCHED_RR priority each daemon reports it got (allo_sfu_rt_priority,
  // alloplace_rt_priority): 0 when it was refused or not asked for.
  int sfu_rt_priority = 0, place_rt_priority = 0;
  // Times alloplace's load guard took its loop off real time in the run
  // (alloplace_rt_demotions_total): its priority above may be back by then.
  int place_rt_demotions = 0;
};

SfuRunResult run_sfu(const SfuRunConfig& config);

}  // namespace allo::bench
