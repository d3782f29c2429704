// Plain ENet bulk-transfer baseline for asset_bench: a server thread sends
// `bytes_per_client` to each of `clients` ENet client hosts polled on the
// calling thread, as reliable messages of `message_bytes` on one channel (one
// packet shared by all peers, as the place does for state). asset_bench sends
// one message per asset, cut in 64 KiB pieces like assetd's data frames: 2048
// messages of 1 KiB for the 1 KB class, 64 KiB messages for 1 and 16 MB. No
// place, no assetd, no requests, no asset framing: the ceiling the hit path
// is compared against.
#pragma once

#include <cstddef>
#include <functional>

namespace allo::bench {

// Seconds from the first send until every client has received every byte.
// `keepalive` runs every ~20 ms meanwhile (the caller's other connections).
// Throws std::runtime_error when the hosts cannot be set up or it times out.
double enet_bulk_seconds(size_t bytes_per_client, size_t message_bytes, int clients,
                         const std::function<void()>& keepalive);

}  // namespace allo::bench
