// AssetPublisher: the assets an agent offers on channel 2. It answers the
// place's requests for them (a head request [s, 0] with one data frame
// carrying total_length; a range with data frames of at most chunk_size
// bytes) and can push an asset unprompted to warm the place's cache. Unknown
// ids get an "asset_not_found" failure, a start past the end
// "range_out_of_bounds". Assets are held in memory (shared, never copied per
// request). Not thread-safe: use it on the Client's poll thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "proto/asset_frame.hpp"
#include "proto/error.hpp"

namespace allo::client {

// Asset bytes per data frame (the same as allo-assetd's default chunk).
inline constexpr size_t kAssetChunkBytes = 64 * 1024;

// Sends one channel-2 frame (reliable); false when it could not be queued.
using AssetFrameSender = std::function<bool(std::span<const uint8_t> frame)>;

struct AssetPublisherStats {
  uint64_t requests_answered = 0;  // with data (head or range)
  uint64_t requests_refused = 0;   // with a failure frame
  uint64_t bytes_sent = 0;         // asset bytes in data frames
};

class AssetPublisher {
 public:
  explicit AssetPublisher(AssetFrameSender send, size_t chunk_size = kAssetChunkBytes);

  // Publishes `bytes`; returns its id (sha256). Publishing it again is a no-op.
  std::string add(std::vector<uint8_t> bytes);
  // Reads and publishes a file. Errors: "read_failed" naming the path.
  proto::Result<std::string> add_file(const std::string& path);
  bool remove(const std::string& id) { return assets_.erase(id) > 0; }
  bool has(const std::string& id) const { return assets_.contains(id); }
  size_t size() const { return assets_.size(); }

  // Answers one request forwarded by the place.
  void on_request(const proto::AssetRequest& request);
  // Sends a whole published asset unprompted. Errors: "unknown_asset", "send_failed".
  proto::Result<void> push(const std::string& id);

  const AssetPublisherStats& stats() const { return stats_; }

 private:
  bool send_range(const std::string& id, const std::vector<uint8_t>& bytes, uint64_t start,
                  uint64_t count);
  void refuse(const std::string& id, const char* code, const std::string& reason);

  AssetFrameSender send_;
  size_t chunk_size_;
  std::map<std::string, std::shared_ptr<const std::vector<uint8_t>>> assets_;
  AssetPublisherStats stats_;
};

}  // namespace allo::client
