// Plain ENet relay baseline for asset_bench: the shape the hit path has (the
// place relays between agents and assetd), with no work but ENet's. Each of `clients` ENet client
// hosts (polled on the calling thread) sends `requests` small reliable requests at once to a relay
// thread; the relay forwards each over one ENet link to a server thread, prefixed with the client's
// index; the server answers each with one reliable reply of `reply_bytes`; the relay forwards the
// reply to its client. No asset framing, no JSON, no LMDB, no hashing, no flow control, one ENet
// packet per message on the link (the place's link batches): what four ENet hops per asset cost on
// this machine, the part of the hit path's cost that is not its own work. The link is tuned as the
// place's is (common/enet_link.hpp).
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
