#include "place/asset_relay.hpp"

#include <string_view>

#include "common/log.hpp"
#include "proto/asset_frame.hpp"
#include "proto/assetd_link.hpp"
#include "proto/limits.hpp"

namespace allo::place {
namespace {

// Link header plus the hint agent in front of a forwarded frame.
constexpr size_t kFrameFromAgentOverhead = proto::kAssetdLinkHeaderBytes + 4;

// Channel-2 frames or bytes relayed, by direction ("to_assetd", "to_agent").
prometheus::Counter& by_direction(prometheus::Registry& registry, const std::string& name,
                                  const std::string& direction) {
  return prometheus::BuildCounter()
      .Name(name)
      .Help("Channel-2 traffic relayed between agents and allo-assetd, by direction")
      .Register(registry)
      .Add({{"direction", direction}});
}

bool is_request(std::span<const uint8_t> frame) {
  return frame.size() >= 2 && frame[0] == 0 &&
         frame[1] == static_cast<uint8_t>(proto::AssetMid::kRequest);
}

}  // namespace

void for_each_asset_id(const nlohmann::json& value,
                       const std::function<void(const std::string&)>& found, int depth) {
  if (depth > kMaxAssetScanDepth) return;
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (text.starts_with("asset:") && proto::parse_asset_id(text)) found(text);
  } else if (value.is_object() || value.is_array()) {
    for (const auto& item : value) for_each_asset_id(item, found, depth + 1);
  }
}

AssetRelay::AssetRelay(Place& place, AssetRelayOutput& output, prometheus::Registry& registry)
    : place_(place),
      output_(output),
      connected_(prometheus::BuildGauge()
                     .Name("alloplace_assetd_link_connected")
                     .Help("1 while the link to allo-assetd is up")
                     .Register(registry)
                     .Add({})),
      frames_to_assetd_(by_direction(registry, "alloplace_asset_frames_total", "to_assetd")),
      frames_to_agents_(by_direction(registry, "alloplace_asset_frames_total", "to_agent")),
      bytes_to_assetd_(by_direction(registry, "alloplace_asset_bytes_total", "to_assetd")),
      bytes_to_agents_(by_direction(registry, "alloplace_asset_bytes_total", "to_agent")),
      references_(prometheus::BuildCounter()
                      .Name("alloplace_asset_references_total")
                      .Help("New asset ids in entity components reported to allo-assetd")
                      .Register(registry)
                      .Add({})) {
  place_.add_observer(this);
  place_.set_channel_handler(
      limits::kChannelAssets,
      [this](Agent& agent, std::span<const uint8_t> data) { on_agent_frame(agent, data); });
}

void AssetRelay::on_link_up() {
  up_ = true;
  connected_.Set(1);
  output_.send_link(proto::encode_link_hello());
  for (AgentId id : joined_) output_.send_link(proto::encode_link_agent_joined(id));
  log::info("asset link up ({} agents)", joined_.size());
}

void AssetRelay::on_link_down() {
  if (up_) log::warn("asset link down: asset requests fail with assetd_unavailable");
  up_ = false;
  connected_.Set(0);
}

void AssetRelay::on_link_message(std::span<const uint8_t> message) {
  auto parsed = proto::parse_link_packet(message);
  if (!parsed) {
    place_.metrics().rejected("assetd_link_" + parsed.error().code);
    log::warn("asset link: message dropped: {}", parsed.error().detail);
    return;
  }
  for (const auto& m : *parsed) handle_link_message(m);
}

void AssetRelay::handle_link_message(const proto::LinkMessage& m) {
  switch (m.kind) {
    case proto::LinkKind::kHello:
      if (m.version != proto::kAssetdLinkVersion) {
        log::warn("asset link: assetd speaks version {}, this place {}", m.version,
                  proto::kAssetdLinkVersion);
      }
      return;
    case proto::LinkKind::kFrameToAgent:
      if (!joined_.contains(m.agent) || !place_.agent(m.agent)) {
        log::debug("asset frame for departed agent {} dropped", m.agent);
        return;
      }
      frames_to_agents_.Increment();
      bytes_to_agents_.Increment(static_cast<double>(m.frame.size()));
      output_.deliver(m.agent, m.frame);
      return;
    default:
      place_.metrics().rejected("assetd_link_unexpected_kind");
      log::warn("asset link: unexpected message kind {} from assetd", static_cast<int>(m.kind));
      return;
  }
}

void AssetRelay::credit(AgentId agent, uint32_t bytes) {
  if (up_ && joined_.contains(agent)) output_.send_link(proto::encode_link_delivered(agent, bytes));
}

void AssetRelay::on_agent_frame(Agent& agent, std::span<const uint8_t> frame) {
  if (frame.size() + kFrameFromAgentOverhead > proto::kMaxAssetdLinkMessageBytes) {
    return place_.reject(agent, "asset_frame_too_large",
                         fmt::format("{} byte asset frame dropped", frame.size()));
  }
  if (frame.size() < limits::kAssetFrameHeaderBytes) {
    // Too short for the link codec; nothing to forward or answer.
    return place_.reject(agent, "asset_too_short", "asset frame shorter than its header");
  }
  if (!up_) return answer_unavailable(agent, frame);
  join(agent.id);
  uint32_t hint = is_request(frame) ? hint_for(frame) : 0;
  frames_to_assetd_.Increment();
  bytes_to_assetd_.Increment(static_cast<double>(frame.size()));
  output_.send_link(proto::encode_link_frame_from_agent(agent.id, hint, frame));
}

void AssetRelay::answer_unavailable(Agent& agent, std::span<const uint8_t> frame) {
  auto parsed = proto::parse_asset_frame(frame);
  if (!parsed) return place_.reject(agent, "asset_" + parsed.error().code, parsed.error().detail);
  if (parsed->mid != proto::AssetMid::kRequest) {
    return place_.reject(agent, "assetd_unavailable", "asset frame dropped: assetd is down");
  }
  std::string id;
  if (auto it = parsed->header.find("id"); it != parsed->header.end() && it->is_string())
    id = it->get<std::string>();
  auto bytes =
      proto::encode_asset_failure({id, "the asset service is unavailable", "assetd_unavailable"});
  place_.send_to_agent(agent.id, limits::kChannelAssets, std::string(bytes.begin(), bytes.end()),
                       true);
  place_.metrics().rejected("assetd_unavailable");
}

uint32_t AssetRelay::hint_for(std::span<const uint8_t> frame) const {
  // Most requests name no publisher: skip the JSON parse when the header does
  // not even contain the key (a key spelled with escapes only loses the hint).
  if (proto::asset_frame_header_text(frame).find("published_by") == std::string_view::npos)
    return 0;
  auto parsed = proto::parse_asset_frame(frame);
  if (!parsed) return 0;  // assetd answers and counts malformed frames
  auto it = parsed->header.find("published_by");
  if (it == parsed->header.end() || !it->is_string()) return 0;
  const auto* record = place_.world().find(it->get<std::string>());
  return record ? record->owner : 0;
}

void AssetRelay::join(AgentId agent) {
  if (joined_.insert(agent).second && up_)
    output_.send_link(proto::encode_link_agent_joined(agent));
}

void AssetRelay::on_agent_announced(const Agent& agent) {
  join(agent.id);
}

void AssetRelay::on_agent_left(const Agent& agent) {
  referenced_.erase(agent.id);
  if (joined_.erase(agent.id) && up_) output_.send_link(proto::encode_link_agent_left(agent.id));
}

void AssetRelay::on_revision(const RevisionDelta& delta, const World& world) {
  if (!up_) return;  // warm-up is best effort; references made while down are not replayed
  for (const auto& [entity_id, before] : delta.before) {
    const auto* record = world.find(entity_id);
    if (!record || record->owner == kPlaceAgent || !joined_.contains(record->owner)) continue;
    AgentId owner = record->owner;
    for_each_asset_id(record->value->components(),
                      [&](const std::string& id) { reference(owner, id); });
  }
}

void AssetRelay::reference(AgentId owner, const std::string& id) {
  auto& seen = referenced_[owner];
  if (seen.contains(id)) return;
  if (seen.size() >= kMaxReferencedIdsPerAgent) seen.clear();
  seen.insert(id);
  references_.Increment();
  output_.send_link(proto::encode_link_asset_referenced(owner, id));
}

}  // namespace allo::place
