// AssetClient: the asset channel (2) of one Client. It installs the Client's
// asset-packet hook and hands requests from the place to its AssetPublisher,
// data and failures to its AssetRequester. Everything runs inside
// Client::poll(), on the caller's thread; no threads, not thread-safe.
// The Client must outlive the AssetClient; destroying the AssetClient removes
// the hooks. When the connection ends, every pending fetch fails with
// "disconnected". Malformed frames are counted in stats() and dropped.
//
//   allo::client::AssetClient assets(client);
//   std::string id = assets.publisher().add(bytes);           // serve it
//   assets.requester().fetch(other_id, [](const AssetResult& r) { ... });
#pragma once

#include <cstdint>

#include "allo/asset_publisher.hpp"
#include "allo/asset_requester.hpp"
#include "allo/client.hpp"

namespace allo::client {

struct AssetClientStats {
  uint64_t frames_received = 0;
  uint64_t malformed_frames = 0;   // dropped: bad framing or header
  uint64_t unexpected_frames = 0;  // data or failures nobody waits for
};

class AssetClient {
 public:
  explicit AssetClient(Client& client);
  ~AssetClient();
  AssetClient(const AssetClient&) = delete;
  AssetClient& operator=(const AssetClient&) = delete;

  AssetPublisher& publisher() { return publisher_; }
  AssetRequester& requester() { return requester_; }
  const AssetClientStats& stats() const { return stats_; }

  // One channel-2 packet as received (the hook calls this; tests may too).
  void on_packet(std::span<const uint8_t> packet);

 private:
  Client& client_;
  AssetPublisher publisher_;
  AssetRequester requester_;
  AssetClientStats stats_;
};

}  // namespace allo::client
