#include "allo/asset_publisher.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>

#include "allo/asset_hash.hpp"
#include "common/log.hpp"

namespace allo::client {

AssetPublisher::AssetPublisher(AssetFrameSender send, size_t chunk_size)
    : send_(std::move(send)), chunk_size_(std::max<size_t>(chunk_size, 1)) {}

std::string AssetPublisher::add(std::vector<uint8_t> bytes) {
  std::string id = asset_id_of(bytes);
  if (!assets_.contains(id))
    assets_[id] = std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
  return id;
}

proto::Result<std::string> AssetPublisher::add_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return proto::fail("read_failed", "cannot read " + path);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  if (in.bad()) return proto::fail("read_failed", "error reading " + path);
  return add(std::move(bytes));
}

void AssetPublisher::on_request(const proto::AssetRequest& request) {
  auto it = assets_.find(request.id);
  if (it == assets_.end())
    return refuse(request.id, "asset_not_found", "this agent does not publish that asset");
  const auto& bytes = *it->second;
  if (request.range.start > bytes.size()) {
    return refuse(request.id, "range_out_of_bounds",
                  "range starts past the asset's " + std::to_string(bytes.size()) + " bytes");
  }
  uint64_t count = std::min<uint64_t>(request.range.count, bytes.size() - request.range.start);
  if (send_range(request.id, bytes, request.range.start, count)) ++stats_.requests_answered;
}

proto::Result<void> AssetPublisher::push(const std::string& id) {
  auto it = assets_.find(id);
  if (it == assets_.end()) return proto::fail("unknown_asset", id + " is not published here");
  if (!send_range(id, *it->second, 0, it->second->size()))
    return proto::fail("send_failed", "ENet refused an asset frame");
  return {};
}

bool AssetPublisher::send_range(const std::string& id, const std::vector<uint8_t>& bytes,
                                uint64_t start, uint64_t count) {
  if (count == 0) {  // head request: the length only
    return send_(proto::encode_asset_data(id, {start, 0}, bytes.size(), {}));
  }
  for (uint64_t offset = start; offset < start + count; offset += chunk_size_) {
    uint64_t n = std::min<uint64_t>(chunk_size_, start + count - offset);
    if (!send_(proto::encode_asset_data(id, {offset, n}, bytes.size(),
                                        {bytes.data() + offset, static_cast<size_t>(n)}))) {
      return false;
    }
    stats_.bytes_sent += n;
  }
  return true;
}

void AssetPublisher::refuse(const std::string& id, const char* code, const std::string& reason) {
  ++stats_.requests_refused;
  log::debug("asset request for {} refused: {}", id, code);
  send_(proto::encode_asset_failure({id, reason, code}));
}

}  // namespace allo::client
