#include "proto/sfu_link.hpp"

#include <arpa/inet.h>

#include "proto/json_frame.hpp"

namespace allo::proto::sfu_link {

namespace {

constexpr int kMaxControlDepth = 8;

Result<std::string> get_string(const json& doc, const char* key) {
  auto it = doc.find(key);
  if (it == doc.end() || !it->is_string() || it->get_ref<const std::string&>().empty() ||
      it->get_ref<const std::string&>().size() > limits::kMaxIdLength) {
    return fail("bad_field", key);
  }
  return it->get<std::string>();
}

template <class T>
Result<T> get_unsigned(const json& doc, const char* key) {
  auto it = doc.find(key);
  if (it == doc.end() || !it->is_number_unsigned() ||
      it->get<uint64_t>() > std::numeric_limits<T>::max()) {
    return fail("bad_field", key);
  }
  return static_cast<T>(it->get<uint64_t>());
}

Result<json> decode_object(std::string_view bytes) {
  auto doc = decode_json(bytes, kMaxLinkControlBytes, kMaxControlDepth);
  if (!doc) return std::unexpected(doc.error());
  if (!doc->is_object()) return fail("not_object", "control message must be a JSON object");
  auto type = doc->find("type");
  if (type == doc->end() || !type->is_string()) return fail("bad_field", "type");
  return doc;
}

// Reads the "agents" object of a per-agent message (positions,
// route_groups): each key an agent id, each value read by `item`, which
// returns false for a bad one.
template <class Item>
Result<void> read_agents(const json& doc, Item&& item) {
  auto agents = doc.find("agents");
  if (agents == doc.end() || !agents->is_object() || agents->size() > kMaxLinkFanout) {
    return fail("bad_field", "agents");
  }
  for (const auto& [agent, value] : agents->items()) {
    if (agent.empty() || agent.size() > kMaxLinkAgentIdBytes || !item(agent, value)) {
      return fail("bad_field", "agents." + agent.substr(0, 64));
    }
  }
  return {};
}

Result<Positions> decode_positions(const json& doc) {
  Positions out;
  auto read = read_agents(doc, [&](const std::string& agent, const json& xyz) {
    if (!xyz.is_array() || xyz.size() != 3 || !xyz[0].is_number() || !xyz[1].is_number() ||
        !xyz[2].is_number()) {
      return false;
    }
    out.agents.push_back({agent, xyz[0].get<float>(), xyz[1].get<float>(), xyz[2].get<float>()});
    return true;
  });
  if (!read) return std::unexpected(read.error());
  return out;
}

Result<AgentRoute> decode_route(const json& doc) {
  auto ip = doc.find("ip");
  in_addr address{};
  if (ip == doc.end() || !ip->is_string() ||
      inet_pton(AF_INET, ip->get_ref<const std::string&>().c_str(), &address) != 1) {
    return fail("bad_field", "route.ip");
  }
  AgentRoute route;
  route.ipv4 = ntohl(address.s_addr);
  for (auto [key, field] : {std::pair{"port", &route.port}, std::pair{"peer", &route.header_peer},
                            std::pair{"mtu", &route.mtu}, std::pair{"group", &route.first_group}}) {
    auto value = get_unsigned<uint16_t>(doc, key);
    if (!value) return fail("bad_field", std::string("route.") + key);
    *field = *value;
  }
  // ENet's MTU range; the header's top two bits are flags, not peer bits.
  if (route.port == 0 || route.mtu < 576 || route.mtu > 4096 || (route.header_peer & 0xC000) != 0) {
    return fail("bad_field", "route");
  }
  return route;
}

json encode_route(const AgentRoute& route) {
  in_addr address{htonl(route.ipv4)};
  char ip[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &address, ip, sizeof ip);
  return {{"ip", ip},
          {"port", route.port},
          {"peer", route.header_peer},
          {"mtu", route.mtu},
          {"group", route.first_group}};
}

Result<RouteGroups> decode_route_groups(const json& doc) {
  RouteGroups out;
  auto read = read_agents(doc, [&](const std::string& agent, const json& group) {
    if (!group.is_number_unsigned() || group.get<uint64_t>() > 0xFFFF) return false;
    out.agents.emplace_back(agent, static_cast<uint16_t>(group.get<uint64_t>()));
    return true;
  });
  if (!read) return std::unexpected(read.error());
  return out;
}

}  // namespace

Result<PlaceMessage> decode_place_message(std::string_view bytes) {
  auto doc = decode_object(bytes);
  if (!doc) return std::unexpected(doc.error());
  const std::string& type = (*doc)["type"].get_ref<const std::string&>();
  if (type == "hello") {
    auto version = get_unsigned<int>(*doc, "version");
    if (!version) return std::unexpected(version.error());
    if (*version != kLinkVersion) return fail("unsupported_version", std::to_string(*version));
    auto secret = get_string(*doc, "secret");
    if (!secret || secret->size() < 16) return fail("bad_field", "secret");
    return Hello{*version, *secret};
  }
  if (type == "agent_joined" || type == "agent_left") {
    auto agent = get_string(*doc, "agent");
    if (!agent || agent->size() > kMaxLinkAgentIdBytes) return fail("bad_field", "agent");
    if (type == "agent_left") return AgentLeft{*agent};
    return AgentJoined{*agent};
  }
  if (type == "agent_route") {
    auto agent = get_string(*doc, "agent");
    if (!agent || agent->size() > kMaxLinkAgentIdBytes) return fail("bad_field", "agent");
    auto route = doc->find("route");
    if (route == doc->end() || !route->is_object()) return fail("bad_field", "route");
    auto decoded = decode_route(*route);
    if (!decoded) return std::unexpected(decoded.error());
    return AgentRouted{*agent, *decoded};
  }
  if (type == "track_added") {
    auto track = get_unsigned<uint32_t>(*doc, "track");
    auto owner = get_string(*doc, "owner");
    auto entity = get_string(*doc, "entity");
    if (!track) return std::unexpected(track.error());
    if (!owner || owner->size() > kMaxLinkAgentIdBytes) return fail("bad_field", "owner");
    if (!entity) return std::unexpected(entity.error());
    return TrackAdded{*track, *owner, *entity};
  }
  if (type == "track_removed") {
    auto track = get_unsigned<uint32_t>(*doc, "track");
    if (!track) return std::unexpected(track.error());
    return TrackRemoved{*track};
  }
  if (type == "positions") {
    auto positions = decode_positions(*doc);
    if (!positions) return std::unexpected(positions.error());
    return *positions;
  }
  return fail("unknown_type", type.substr(0, 64));
}

std::string encode_place_message(const PlaceMessage& message) {
  json doc;
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, Hello>) {
          doc = {{"type", "hello"}, {"version", m.version}, {"secret", m.secret}};
        } else if constexpr (std::is_same_v<T, AgentJoined>) {
          doc = {{"type", "agent_joined"}, {"agent", m.agent}};
        } else if constexpr (std::is_same_v<T, AgentRouted>) {
          doc = {{"type", "agent_route"}, {"agent", m.agent}, {"route", encode_route(m.route)}};
        } else if constexpr (std::is_same_v<T, AgentLeft>) {
          doc = {{"type", "agent_left"}, {"agent", m.agent}};
        } else if constexpr (std::is_same_v<T, TrackAdded>) {
          doc = {{"type", "track_added"},
                 {"track", m.track},
                 {"owner", m.owner_agent},
                 {"entity", m.entity}};
        } else if constexpr (std::is_same_v<T, TrackRemoved>) {
          doc = {{"type", "track_removed"}, {"track", m.track}};
        } else {
          json agents = json::object();
          for (const AgentPosition& p : m.agents) agents[p.agent] = {p.x, p.y, p.z};
          doc = {{"type", "positions"}, {"agents", agents}};
        }
      },
      message);
  return encode_json(doc);
}

Result<SfuMessage> decode_sfu_message(std::string_view bytes) {
  auto doc = decode_object(bytes);
  if (!doc) return std::unexpected(doc.error());
  const std::string& type = (*doc)["type"].get_ref<const std::string&>();
  if (type == "welcome") {
    auto version = get_unsigned<int>(*doc, "version");
    auto endpoint = get_string(*doc, "direct_endpoint");
    auto workers = get_unsigned<uint32_t>(*doc, "workers");
    if (!version) return std::unexpected(version.error());
    if (!endpoint) return std::unexpected(endpoint.error());
    if (!workers) return std::unexpected(workers.error());
    Welcome welcome{*version, *endpoint, *workers, {}};
    if (auto relay = doc->find("relay"); relay != doc->end()) {
      if (!relay->is_string() || relay->get_ref<const std::string&>().empty() ||
          relay->get_ref<const std::string&>().size() > kMaxRelayNameBytes) {
        return fail("bad_field", "relay");
      }
      welcome.relay = relay->get<std::string>();
    }
    return welcome;
  }
  if (type == "load") {
    LoadReport out;
    auto workers = get_unsigned<uint32_t>(*doc, "workers");
    if (!workers) return std::unexpected(workers.error());
    out.workers = *workers;
    for (auto [key, field] :
         {std::pair{"tracks", &out.tracks}, std::pair{"listeners", &out.listeners},
          std::pair{"packets_in", &out.packets_in}, std::pair{"packets_out", &out.packets_out},
          std::pair{"packets_dropped", &out.packets_dropped}}) {
      auto value = get_unsigned<uint64_t>(*doc, key);
      if (!value) return std::unexpected(value.error());
      *field = *value;
    }
    return out;
  }
  if (type == "route_groups") {
    auto groups = decode_route_groups(*doc);
    if (!groups) return std::unexpected(groups.error());
    return *groups;
  }
  return fail("unknown_type", type.substr(0, 64));
}

std::string encode_sfu_message(const SfuMessage& message) {
  if (const auto* w = std::get_if<Welcome>(&message)) {
    json doc = {{"type", "welcome"},
                {"version", w->version},
                {"direct_endpoint", w->direct_endpoint},
                {"workers", w->workers}};
    if (!w->relay.empty()) doc["relay"] = w->relay;
    return encode_json(doc);
  }
  if (const auto* r = std::get_if<RouteGroups>(&message)) {
    json agents = json::object();
    for (const auto& [agent, group] : r->agents) agents[agent] = group;
    return encode_json({{"type", "route_groups"}, {"agents", agents}});
  }
  const auto& l = std::get<LoadReport>(message);
  return encode_json({{"type", "load"},
                      {"workers", l.workers},
                      {"tracks", l.tracks},
                      {"listeners", l.listeners},
                      {"packets_in", l.packets_in},
                      {"packets_out", l.packets_out},
                      {"packets_dropped", l.packets_dropped}});
}

namespace {

Result<std::string_view> read_agent(std::span<const uint8_t> bytes, size_t& offset) {
  if (offset >= bytes.size()) return fail("truncated", "agent length");
  const size_t length = bytes[offset++];
  if (length == 0) return fail("bad_agent", "empty agent id");
  if (bytes.size() - offset < length) return fail("truncated", "agent id");
  std::string_view agent(reinterpret_cast<const char*>(bytes.data() + offset), length);
  offset += length;
  return agent;
}

Result<std::span<const uint8_t>> read_media(std::span<const uint8_t> bytes, size_t offset) {
  if (offset >= bytes.size()) return fail("empty_media", "no media packet");
  if (bytes.size() - offset > limits::kMaxMediaPacketBytes)
    return fail("too_large", "media packet");
  return bytes.subspan(offset);
}

void write_agent(std::vector<uint8_t>& out, std::string_view agent) {
  out.push_back(static_cast<uint8_t>(agent.size()));
  out.insert(out.end(), agent.begin(), agent.end());
}

}  // namespace

Result<MediaFromAgent> parse_media_from_agent(std::span<const uint8_t> bytes) {
  if (bytes.empty() || bytes[0] != kMediaFromAgentTag)
    return fail("wrong_tag", "not media_from_agent");
  size_t offset = 1;
  auto agent = read_agent(bytes, offset);
  if (!agent) return std::unexpected(agent.error());
  auto media = read_media(bytes, offset);
  if (!media) return std::unexpected(media.error());
  return MediaFromAgent{*agent, *media};
}

Result<MediaToAgents> parse_media_to_agents(std::span<const uint8_t> bytes) {
  if (bytes.empty() || bytes[0] != kMediaToAgentsTag)
    return fail("wrong_tag", "not media_to_agents");
  if (bytes.size() < 3) return fail("truncated", "agent count");
  const size_t count = (size_t{bytes[1]} << 8) | bytes[2];
  if (count > kMaxLinkFanout) return fail("too_many_agents", std::to_string(count));
  MediaToAgents out;
  out.agents.reserve(count);
  size_t offset = 3;
  for (size_t i = 0; i < count; ++i) {
    auto agent = read_agent(bytes, offset);
    if (!agent) return std::unexpected(agent.error());
    out.agents.push_back(*agent);
  }
  auto media = read_media(bytes, offset);
  if (!media) return std::unexpected(media.error());
  out.media = *media;
  return out;
}

std::vector<uint8_t> encode_media_from_agent(std::string_view agent,
                                             std::span<const uint8_t> media) {
  std::vector<uint8_t> out;
  out.reserve(2 + agent.size() + media.size());
  out.push_back(kMediaFromAgentTag);
  write_agent(out, agent);
  out.insert(out.end(), media.begin(), media.end());
  return out;
}

std::vector<uint8_t> encode_media_to_agents(std::span<const std::string_view> agents,
                                            std::span<const uint8_t> media) {
  std::vector<uint8_t> out;
  out.reserve(3 + agents.size() * 16 + media.size());
  out.push_back(kMediaToAgentsTag);
  out.push_back(static_cast<uint8_t>(agents.size() >> 8));
  out.push_back(static_cast<uint8_t>(agents.size()));
  for (std::string_view agent : agents) write_agent(out, agent);
  out.insert(out.end(), media.begin(), media.end());
  return out;
}

Result<DirectHello> decode_direct_hello(std::string_view bytes) {
  auto doc = decode_object(bytes);
  if (!doc) return std::unexpected(doc.error());
  if ((*doc)["type"] != "hello") return fail("unknown_type", "expected hello");
  auto token = doc->find("token");
  if (token == doc->end() || !token->is_string() ||
      token->get_ref<const std::string&>().size() > 1024) {
    return fail("bad_field", "token");
  }
  return DirectHello{token->get<std::string>()};
}

std::string encode_direct_hello(const DirectHello& hello) {
  return encode_json({{"type", "hello"}, {"token", hello.token}});
}

std::string encode_direct_welcome(std::string_view agent) {
  return encode_json({{"type", "welcome"}, {"agent", agent}});
}

std::string encode_direct_refused(std::string_view reason) {
  return encode_json({{"type", "refused"}, {"reason", reason}});
}

int fuzz_sfu_link(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto m = decode_place_message(text)) (void)encode_place_message(*m);
  if (auto m = decode_sfu_message(text)) (void)encode_sfu_message(*m);
  (void)decode_direct_hello(text);
  if (auto m = parse_media_from_agent(bytes)) (void)encode_media_from_agent(m->agent, m->media);
  if (auto m = parse_media_to_agents(bytes)) (void)encode_media_to_agents(m->agents, m->media);
  return 0;
}

}  // namespace allo::proto::sfu_link
