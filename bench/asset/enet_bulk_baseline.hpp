// Plain ENet bulk-transfer baseline for asset_bench: a server thread sends
// `bytes_per_client` to each of `clients` ENet client hosts polled on the
// calling thread, in reliable packets of at most 64 KiB on one channel (one
// packet shared by all peers, as the place does for state). No place, no
// assetd, no asset framing: the ceiling the hit path is compared against.
#pragma once

#include <cstddef>
#include <functional>

namespace allo::bench {

// Seconds from the first send until every client has received every byte.
// `keepalive` runs every ~20 ms meanwhile (the caller's other connections).
// Throws std::runtime_error when the hosts cannot be set up or it times out.
double enet_bulk_seconds(size_t bytes_per_client, int clients,
                         const std::function<void()>& keepalive);

}  // namespace allo::bench
