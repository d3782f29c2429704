#include "assetd/asset_router.hpp"

#include <algorithm>

#include "common/log.hpp"

namespace allo::assetd {

AssetRouter::AssetRouter(RouterConfig config, AssetCache* cache, Listener& listener)
    : config_(config),
      cache_(cache),
      listener_(listener),
      deliveries_(config.window_bytes, config.chunk_bytes, *this) {}

AssetRouter::~AssetRouter() {
  for (AgentId agent : std::vector<AgentId>(agents_)) deliveries_.remove_agent(agent);
}

void AssetRouter::agent_joined(AgentId agent) {
  if (std::find(agents_.begin(), agents_.end(), agent) == agents_.end()) agents_.push_back(agent);
}

void AssetRouter::agent_left(AgentId agent, double now) {
  std::erase(agents_, agent);
  deliveries_.remove_agent(agent);
  std::erase_if(assemblies_, [&](const auto& entry) { return entry.first.first == agent; });
  for (auto& [id, sources] : forgers_) sources.erase(agent);
  std::erase_if(forgers_, [](const auto& entry) { return entry.second.empty(); });
  std::vector<std::string> to_advance, to_drop;
  for (auto& [id, fetch] : fetches_) {
    std::erase_if(fetch.waiters, [&](const Waiter& w) { return w.agent == agent; });
    std::erase(fetch.candidates, agent);
    if (fetch.waiters.empty() && cache_ == nullptr) {
      to_drop.push_back(id);  // nobody to deliver to and nowhere to keep it
    } else if (fetch.source == agent) {
      to_advance.push_back(id);
    }
  }
  for (const auto& id : to_drop) {
    assemblies_.erase({fetches_[id].source, id});
    fetches_.erase(id);
  }
  for (const auto& id : to_advance) ask_next_source(id, now);
}

void AssetRouter::frame_from_agent(AgentId agent, AgentId hint, std::span<const uint8_t> bytes,
                                   double now) {
  auto message = proto::parse_asset_message(bytes);
  if (!message) return reject_frame(agent, bytes, message.error());
  if (auto* request = std::get_if<proto::AssetRequest>(&*message))
    return on_request(agent, hint, *request, now);
  if (auto* data = std::get_if<proto::AssetData>(&*message)) return on_data(agent, *data, now);
  on_failure(agent, std::get<proto::AssetFailure>(*message), now);
}

void AssetRouter::reject_frame(AgentId agent, std::span<const uint8_t> bytes,
                               const proto::Error& error) {
  // Rare: the frame is read again for its mid and id.
  auto frame = proto::parse_asset_frame(bytes);
  if (frame && frame->mid == proto::AssetMid::kFailure) {
    stats_.rejected[error.code]++;  // never answer a failure with a failure
    return;
  }
  reject(agent, frame ? &*frame : nullptr, error);
}

void AssetRouter::on_request(AgentId agent, AgentId hint, const proto::AssetRequest& request,
                             double now) {
  auto parsed = proto::parse_asset_id(request.id);
  if (!parsed) {
    stats_.rejected["invalid_asset_id"]++;
    return send_failure(agent, request.id, "invalid_asset_id",
                        "asset ids are asset:sha1:<40 hex> or asset:sha256:<64 hex>");
  }
  if (cache_ != nullptr) {
    if (auto total = cache_->total_length(request.id)) {
      stats_.hits++;
      cache_->record_lookup(request.id, true);
      return serve(agent, request.id, request.range, *total, nullptr);
    }
    cache_->record_lookup(request.id, false);
  }
  stats_.misses++;
  if (auto it = fetches_.find(request.id); it != fetches_.end()) {
    stats_.coalesced++;
    it->second.waiters.push_back({agent, request.range});
    return;
  }
  std::vector<AgentId> candidates;
  auto usable = [&](AgentId a) {
    return a != agent && !is_blacklisted(request.id, a) &&
           std::find(candidates.begin(), candidates.end(), a) == candidates.end();
  };
  if (hint != 0 && std::find(agents_.begin(), agents_.end(), hint) != agents_.end() &&
      usable(hint)) {
    candidates.push_back(hint);
  }
  for (AgentId a : agents_) {
    if (usable(a)) candidates.push_back(a);
  }
  fetches_[request.id].waiters.push_back({agent, request.range});
  start_fetch(request.id, *parsed, std::move(candidates), now);
}

void AssetRouter::start_fetch(const std::string& id, proto::AssetId parsed,
                              std::vector<AgentId> candidates, double now) {
  Fetch& fetch = fetches_[id];
  fetch.parsed = std::move(parsed);
  fetch.candidates = std::move(candidates);
  fetch.started = now;
  ask_next_source(id, now);
}

void AssetRouter::ask_next_source(const std::string& id, double now) {
  auto it = fetches_.find(id);
  if (it == fetches_.end()) return;
  Fetch& fetch = it->second;
  if (fetch.source != 0) assemblies_.erase({fetch.source, id});
  fetch.source = 0;
  while (!fetch.candidates.empty()) {
    AgentId next = fetch.candidates.front();
    fetch.candidates.erase(fetch.candidates.begin());
    if (is_blacklisted(id, next)) continue;
    fetch.source = next;
    fetch.deadline = now + config_.source_timeout;
    stats_.upstream_requests++;
    deliveries_.send_now(next, proto::encode_asset_request({id, {0, 0}, ""}));
    return;
  }
  fail_fetch(id, "asset_not_found", "no connected agent has this asset", now);
}

void AssetRouter::on_data(AgentId agent, const proto::AssetData& data, double now) {
  auto parsed = proto::parse_asset_id(data.id);
  if (!parsed) {
    stats_.rejected["invalid_asset_id"]++;
    return send_failure(agent, data.id, "invalid_asset_id", "not an asset id");
  }
  auto fetch = fetches_.find(data.id);
  bool from_source = fetch != fetches_.end() && fetch->second.source == agent;
  AssemblyKey key{agent, data.id};
  auto assembly = assemblies_.find(key);
  if (assembly == assemblies_.end()) {
    if (data.range.start != 0) {
      stats_.rejected["unexpected_data"]++;
      return;
    }
    if (data.total_length > config_.max_asset_size) {
      if (from_source) return fail_fetch(data.id, "too_large", "asset is over the size limit", now);
      return send_failure(agent, data.id, "too_large", "asset is over the size limit");
    }
    if (!from_source) {  // a push, or an answer from a source we gave up on
      bool wanted = fetch != fetches_.end();
      if (is_blacklisted(data.id, agent) ||
          (!wanted && (cache_ == nullptr || cache_->total_length(data.id)))) {
        stats_.rejected["unwanted_push"]++;
        return;
      }
      if (!wanted && !cache_->admits(data.total_length)) {
        return send_failure(agent, data.id, "store_full", "the asset cache is full");
      }
      if (staged_by(agent) >= config_.max_pushes_per_agent) {
        return send_failure(agent, data.id, "too_many_transfers", "too many pushes at once");
      }
    }
    assembly = assemblies_.emplace(key, AssetAssembly(*parsed, data.total_length)).first;
    if (from_source && data.range.count == 0 && data.total_length > 0) {
      // The head reply: now ask for the whole asset.
      stats_.upstream_requests++;
      fetch->second.deadline = now + config_.source_timeout;
      deliveries_.send_now(agent,
                           proto::encode_asset_request({data.id, {0, data.total_length}, ""}));
      return;
    }
  }
  if (from_source) fetch->second.deadline = now + config_.source_timeout;
  auto step = assembly->second.append(data.range.start, data.total_length, data.bytes);
  switch (step) {
    case AssetAssembly::Step::kNeedMore:
      return;
    case AssetAssembly::Step::kBadChunk:
      stats_.rejected["bad_chunk"]++;
      assemblies_.erase(assembly);
      if (from_source) ask_next_source(data.id, now);
      return;
    case AssetAssembly::Step::kForged:
      stats_.hash_mismatches++;
      log::warn("agent {} sent bytes for {} that do not match its hash", agent, data.id);
      assemblies_.erase(assembly);
      forgers_[data.id].insert(agent);
      send_failure(agent, data.id, "hash_mismatch", "bytes do not match the asset id");
      if (from_source) ask_next_source(data.id, now);
      return;
    case AssetAssembly::Step::kVerified: {
      auto bytes = assembly->second.take();
      assemblies_.erase(assembly);
      return ingest_verified(agent, data.id, std::move(bytes), now);
    }
  }
}

void AssetRouter::ingest_verified(AgentId source, const std::string& id,
                                  std::shared_ptr<const std::vector<uint8_t>> bytes, double now) {
  stats_.bytes_ingested += bytes->size();
  if (cache_ != nullptr && !cache_->total_length(id) && cache_->admits(bytes->size())) {
    cache_->store(id, bytes);
    if (!fetches_.contains(id)) stats_.pushes_stored++;
  }
  log::debug("ingested {} ({} bytes) from agent {}", id, bytes->size(), source);
  if (fetches_.contains(id)) finish_fetch(id, std::move(bytes), now);
}

void AssetRouter::on_failure(AgentId agent, const proto::AssetFailure& failure, double now) {
  auto fetch = fetches_.find(failure.id);
  if (fetch != fetches_.end() && fetch->second.source == agent) ask_next_source(failure.id, now);
}

void AssetRouter::finish_fetch(const std::string& id,
                               std::shared_ptr<const std::vector<uint8_t>> bytes, double now) {
  auto node = fetches_.extract(id);
  Fetch& fetch = node.mapped();
  if (fetch.source != 0) assemblies_.erase({fetch.source, id});
  listener_.fetch_finished(id, now - fetch.started, true);
  for (const Waiter& waiter : fetch.waiters)
    serve(waiter.agent, id, waiter.range, bytes->size(), bytes);
}

void AssetRouter::fail_fetch(const std::string& id, const std::string& code,
                             const std::string& reason, double now) {
  auto node = fetches_.extract(id);
  if (node.empty()) return;
  Fetch& fetch = node.mapped();
  if (fetch.source != 0) assemblies_.erase({fetch.source, id});
  listener_.fetch_finished(id, now - fetch.started, false);
  for (const Waiter& waiter : fetch.waiters) send_failure(waiter.agent, id, code, reason);
}

void AssetRouter::serve(AgentId agent, const std::string& id, proto::AssetRange range,
                        uint64_t total, std::shared_ptr<const std::vector<uint8_t>> buffer) {
  if (range.start > total) {
    return send_failure(agent, id, "range_out_of_bounds",
                        "range starts past total_length " + std::to_string(total));
  }
  uint64_t count = std::min(range.count, total - range.start);
  if (count == 0) {  // a head request (or an empty range)
    return deliveries_.send_now(agent, proto::encode_asset_data(id, {range.start, 0}, total, {}));
  }
  if (!buffer) cache_->pin(id);
  deliveries_.add(agent, Delivery{id, range.start, range.start + count, total, std::move(buffer)});
}

void AssetRouter::asset_referenced(AgentId owner, const std::string& asset_id, double now) {
  if (cache_ == nullptr) return;  // nowhere to keep a warm-up
  auto parsed = proto::parse_asset_id(asset_id);
  if (!parsed) {
    stats_.rejected["invalid_asset_id"]++;
    return;
  }
  if (fetches_.contains(asset_id) || cache_->total_length(asset_id) ||
      std::find(agents_.begin(), agents_.end(), owner) == agents_.end() ||
      is_blacklisted(asset_id, owner)) {
    return;
  }
  stats_.warmups++;
  fetches_[asset_id];
  start_fetch(asset_id, *parsed, {owner}, now);
}

void AssetRouter::delivered(AgentId agent, uint64_t bytes) {
  deliveries_.credit(agent, bytes);
}

void AssetRouter::tick(double now) {
  std::vector<std::string> expired;
  for (const auto& [id, fetch] : fetches_) {
    if (fetch.source != 0 && now >= fetch.deadline) expired.push_back(id);
  }
  for (const auto& id : expired) {
    stats_.source_timeouts++;
    log::info("source agent {} timed out on {}", fetches_[id].source, id);
    ask_next_source(id, now);
  }
}

void AssetRouter::send_failure(AgentId agent, const std::string& id, const std::string& code,
                               const std::string& reason) {
  stats_.failures_sent++;
  deliveries_.send_now(agent, proto::encode_asset_failure({id, reason, code}));
}

void AssetRouter::reject(AgentId agent, const proto::AssetFrame* frame, const proto::Error& error) {
  stats_.rejected[error.code]++;
  log::debug("agent {}: bad asset frame: {}", agent, error.detail);
  std::string id;
  if (frame != nullptr) {
    if (auto it = frame->header.find("id"); it != frame->header.end() && it->is_string()) id = *it;
  }
  send_failure(agent, id, "malformed_frame", error.detail);
}

bool AssetRouter::is_blacklisted(const std::string& id, AgentId agent) const {
  auto it = forgers_.find(id);
  return it != forgers_.end() && it->second.contains(agent);
}

size_t AssetRouter::staged_by(AgentId agent) const {
  size_t n = 0;
  for (const auto& [key, assembly] : assemblies_) n += key.first == agent;
  return n;
}

proto::Result<std::vector<uint8_t>> AssetRouter::read_cached(const std::string& id, uint64_t start,
                                                             uint64_t count) {
  if (cache_ == nullptr) return proto::fail("not_found", "no cache");
  return cache_->read(id, start, count);
}

void AssetRouter::send_frame(AgentId agent, std::vector<uint8_t> frame) {
  listener_.send_to_agent(agent, std::move(frame));
}

void AssetRouter::delivery_ended(AgentId, const Delivery& delivery, bool) {
  if (!delivery.buffer && cache_ != nullptr) cache_->unpin(delivery.id);
}

}  // namespace allo::assetd
