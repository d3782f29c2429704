// Baselines for the voice benchmark, in-process over loopback UDP. Both
// forwarders are fed by S speakers at 50 packets/s each carrying real Opus,
// and listener l hears a fixed set of min(K, candidates) speakers, so they
// carry the same number of deliveries as the SFU with --max-speakers K:
// - run_naive_forwarder: a raw UDP relay (recvfrom, then one sendto per
//   subscribed listener, no batching, no threads) to N listener sockets. It
//   speaks no protocol: no client of a place could use it. It is the floor
//   of forwarding on this kernel, what each delivery costs in the stack.
// - run_naive_enet_forwarder: the same job done the way the clients need it
//   and the obvious way: one thread, one ENet host, and for each voice
//   packet received one enet_packet_create (a copy) and enet_peer_send per
//   subscribed listener, the sends going out on the host's next service.
//   Its N listeners are ENet clients. Its peers get the SFU's voice settings
//   (common/enet_voice_peer.hpp), so the two differ in design only.
// - run_sendmmsg_rate: raw loopback UDP, sendmmsg batches of 64 datagrams of
//   `bytes` bytes from one thread, recvmmsg in another.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "sent_frames.hpp"

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
// Throws std::runtime_error when its hosts cannot be created or connected.
NaiveResult run_naive_enet_forwarder(uint32_t clients, uint32_t speakers, uint32_t selected,
                                     double seconds, int rt_priority);

// Who hears whom in both: subscribers[s] lists the listeners of speaker s
// (listener l < speakers is speaker l too and does not hear itself).
// `expected` is the deliveries of `frames` frames from every speaker.
struct NaivePlan {
  std::vector<std::vector<uint32_t>> subscribers;
  uint64_t expected = 0;
};
NaivePlan naive_plan(uint32_t clients, uint32_t speakers, uint32_t selected, uint32_t frames);

// Raises the soft RLIMIT_NOFILE to at least `descriptors` (up to the hard
// limit): a baseline opens a socket per listener. Throws std::runtime_error
// naming both numbers when the hard limit is lower.
void raise_open_file_limit(size_t descriptors);

// What both baselines start from: the frames each speaker sends (seconds *
// 50, encoded) and who hears whom. Throws std::runtime_error on a codec
// error.
struct NaiveRun {
  uint32_t frames = 0;
  loadgen::SentFrames opus;
  NaivePlan plan;
};
NaiveRun prepare_naive_run(uint32_t clients, uint32_t speakers, uint32_t selected, double seconds);

// The speakers' side of both baselines: frame f of speaker s is due at
// start + 20 ms * f + 20 ms * s / S (staggered), built as a voice packet
// (below) and passed to send(s, bytes). Then waits until delivered() reaches
// `expected` (at most 2 s), so what is still in a socket counts. idle() runs
// every 100 µs or so while waiting.
void speak_and_drain(const loadgen::SentFrames& opus, uint32_t speakers, uint32_t frames,
                     uint64_t expected, const std::function<uint64_t()>& delivered,
                     const std::function<void()>& idle,
                     const std::function<void(uint32_t, std::span<const uint8_t>)>& send);

// The baselines' voice packet: [u32 speaker][f64 send time][Opus], native
// byte order (it never leaves the machine).
inline constexpr size_t kNaiveHeaderBytes = 12;

struct UdpRate {
  double sent_per_second = 0, received_per_second = 0;
};
UdpRate run_sendmmsg_rate(double seconds, size_t bytes);

}  // namespace allo::bench
