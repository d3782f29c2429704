#include "allo/asset_requester.hpp"

#include <algorithm>

#include "allo/asset_hash.hpp"

namespace allo::client {

proto::Result<void> AssetRequester::fetch(const std::string& id, AssetCallback done,
                                          AssetRequestOptions options) {
  if (!proto::parse_asset_id(id)) return proto::fail("invalid_asset_id", "not an asset id: " + id);
  if (auto it = pending_.find(id); it != pending_.end()) {
    const auto& o = it->second.options;
    if (o.start != options.start || o.count != options.count)
      return proto::fail("busy", "another range of " + id + " is being fetched");
    it->second.callbacks.push_back(std::move(done));
    return {};
  }
  if (!send_(
          proto::encode_asset_request({id, {options.start, options.count}, options.published_by})))
    return proto::fail("send_failed", "ENet refused the asset request");
  Pending p;
  p.result.id = id;
  p.result.start = options.start;
  p.options = std::move(options);
  p.callbacks.push_back(std::move(done));
  pending_.emplace(id, std::move(p));
  return {};
}

bool AssetRequester::on_data(const proto::AssetData& data) {
  auto it = pending_.find(data.id);
  if (it == pending_.end()) return false;
  Pending& p = it->second;
  AssetResult& r = p.result;
  uint64_t next = r.start + r.bytes.size();
  if (!p.started) {
    p.started = true;
    r.total_length = data.total_length;
    if (p.options.start > data.total_length) {
      fail(data.id, "bad_frames", "data starts past the asset's end");
      return true;
    }
    p.expected = std::min(p.options.count, data.total_length - p.options.start);
    if (p.expected > kMaxFetchedAssetBytes) {
      fail(data.id, "too_large", std::to_string(p.expected) + " bytes is over the SDK's limit");
      return true;
    }
    r.bytes.reserve(p.expected);
  }
  if (data.range.start != next || data.total_length != r.total_length ||
      r.bytes.size() + data.bytes.size() > p.expected) {
    fail(data.id, "bad_frames", "asset data out of order or inconsistent");
    return true;
  }
  r.bytes.insert(r.bytes.end(), data.bytes.begin(), data.bytes.end());
  if (p.options.progress) p.options.progress(r.bytes.size(), p.expected);
  if (r.bytes.size() < p.expected) return true;
  bool whole = r.start == 0 && p.expected == r.total_length && p.options.count != 0;
  if (whole) {
    if (!asset_matches(data.id, r.bytes)) {
      fail(data.id, "hash_mismatch", "the received bytes do not hash to the asset id");
      return true;
    }
    r.verified = true;
  }
  r.ok = true;
  finish(data.id, std::move(r));
  return true;
}

bool AssetRequester::on_failure(const proto::AssetFailure& failure) {
  if (!pending_.contains(failure.id)) return false;
  fail(failure.id, failure.error_code, failure.error_reason);
  return true;
}

void AssetRequester::fail_all(const std::string& code, const std::string& detail) {
  std::vector<std::string> ids;
  for (const auto& [id, p] : pending_) ids.push_back(id);
  for (const auto& id : ids) fail(id, code, detail);
}

void AssetRequester::fail(const std::string& id, const std::string& code,
                          const std::string& detail) {
  AssetResult r;
  r.id = id;
  r.start = pending_.at(id).result.start;
  r.total_length = pending_.at(id).result.total_length;
  r.error = {code, detail};
  finish(id, std::move(r));
}

void AssetRequester::finish(const std::string& id, AssetResult result) {
  auto node = pending_.extract(id);  // callbacks may request this id again
  for (auto& callback : node.mapped().callbacks) {
    if (callback) callback(result);
  }
}

}  // namespace allo::client
