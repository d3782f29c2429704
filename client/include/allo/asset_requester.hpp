// AssetRequester: asks the place for assets on channel 2 and reassembles the
// data frames that come back. A whole-asset fetch is verified against its
// id's hash (sha1 or sha256) before the callback sees the bytes; a range or
// head request cannot be verified (only whole assets hash to their id).
// One request per asset id at a time: asking again for an id in flight with
// the same range joins it; with another range it is refused ("busy").
// Callbacks run inside on_data/on_failure (so inside Client::poll) and may
// start new requests. Not thread-safe: use it on the Client's poll thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "allo/asset_publisher.hpp"
#include "proto/asset_frame.hpp"
#include "proto/error.hpp"

namespace allo::client {

// Range count that means "to the end" (the place clamps it).
inline constexpr uint64_t kWholeAsset = (uint64_t{1} << 53) - 1;
// Largest range the SDK reassembles in memory ("too_large" beyond).
inline constexpr uint64_t kMaxFetchedAssetBytes = uint64_t{1} << 30;

struct AssetResult {
  bool ok = false;
  std::string id;
  uint64_t start = 0;
  uint64_t total_length = 0;   // as announced by the place (0 when unknown)
  std::vector<uint8_t> bytes;  // the requested range, when ok
  bool verified = false;       // true for a whole asset whose hash matched
  // When !ok: the place's error_code ("asset_not_found", "assetd_unavailable",
  // "range_out_of_bounds", ...) or the SDK's "hash_mismatch",
  // "bad_frames" (data out of order or inconsistent), "disconnected".
  proto::Error error;
};

using AssetCallback = std::function<void(const AssetResult&)>;
// Bytes received so far and the expected count (0 until the first frame).
using AssetProgressCallback = std::function<void(uint64_t received, uint64_t expected)>;

struct AssetRequestOptions {
  uint64_t start = 0;
  uint64_t count = kWholeAsset;  // 0: head request (total_length only)
  std::string published_by;      // entity id hint for the place
  AssetProgressCallback progress;
};

class AssetRequester {
 public:
  explicit AssetRequester(AssetFrameSender send) : send_(std::move(send)) {}

  // Errors: "invalid_asset_id", "busy" (another range of this id in flight),
  // "send_failed". On error the callback is never called.
  proto::Result<void> fetch(const std::string& id, AssetCallback done,
                            AssetRequestOptions options = {});
  bool pending(const std::string& id) const { return pending_.contains(id); }
  size_t pending_count() const { return pending_.size(); }

  // Frames from the place. Returns false when nothing waits for that id.
  bool on_data(const proto::AssetData& data);
  bool on_failure(const proto::AssetFailure& failure);
  // Fails every pending request with `code` (e.g. "disconnected").
  void fail_all(const std::string& code, const std::string& detail);

 private:
  struct Pending {
    AssetRequestOptions options;
    std::vector<AssetCallback> callbacks;
    uint64_t expected = 0;  // known after the first frame
    bool started = false;
    AssetResult result;
  };
  void finish(const std::string& id, AssetResult result);
  void fail(const std::string& id, const std::string& code, const std::string& detail);

  AssetFrameSender send_;
  std::unordered_map<std::string, Pending> pending_;  // by id
};

}  // namespace allo::client
