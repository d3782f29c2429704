// Baselines for the voice benchmark, in-process over loopback UDP:
// - run_naive_forwarder: a naive single-threaded forwarder (recvfrom, then one
//   sendto per subscribed listener, no batching, no threads), fed by S
//   speakers at 50 packets/s each carrying real Opus, with N listener sockets.
//   Listener l hears a fixed set of min(K, candidates) speakers, so it carries
//   the same number of deliveries as the SFU with --max-speakers K.
// - run_sendmmsg_rate: raw loopback UDP, sendmmsg batches of 64 datagrams of
//   `bytes` bytes from one thread, recvmmsg in another.
#pragma once

#include <cstddef>
#include <cstdint>

namespace allo::bench {

struct NaiveResult {
  uint64_t expected = 0, delivered = 0;
  double p50_ms = 0, p99_ms = 0, p999_ms = 0;
  double forwarder_cpu_seconds = 0;  // the forwarding thread only
  bool rt_refused = false;           // SCHED_RR was asked for and refused
};
// The forwarding thread runs under SCHED_RR at `rt_priority` (0: normal
// scheduling), as the SFU's threads do in the same run; its speakers and
// listeners, like the load generator, at normal priority.
NaiveResult run_naive_forwarder(uint32_t clients, uint32_t speakers, uint32_t selected,
                                double seconds, int rt_priority);

struct UdpRate {
  double sent_per_second = 0, received_per_second = 0;
};
UdpRate run_sendmmsg_rate(double seconds, size_t bytes);

}  // namespace allo::bench
