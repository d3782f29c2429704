// Plain ENet relay baseline for asset_bench: the shape of the hit path (the
// place relays between agents and assetd) with no work but ENet's and the
// link's framing. Each of `clients` ENet client hosts (polled on the calling
// thread) keeps 256 small reliable requests outstanding, `requests` in all,
// each starting with the client's index, to a relay thread; the relay
// forwards them to a server thread over one ENet link that speaks the place's
// link protocol (frame_from_agent / frame_to_agent, batched by
// proto::LinkBatchWriter) and is tuned as the place's is
// (common/enet_link.hpp); the server answers each with one reply of
// `reply_bytes` to the same agent; the relay forwards each reply to its
// client. No asset framing, JSON, LMDB, hashing or per-agent flow control:
// what four ENet hops per asset cost on this machine.
#pragma once

#include <cstddef>
#include <functional>

namespace allo::bench {

// Seconds from the first request until every client has every reply.
// `keepalive` runs every ~20 ms meanwhile (the caller's other connections).
// Throws std::runtime_error when the hosts cannot be set up or it times out.
double enet_relay_seconds(int requests, size_t reply_bytes, int clients,
                          const std::function<void()>& keepalive);

}  // namespace allo::bench
