// A Place driven directly: agents connect, send interactions as JSON, and the
// test reads what the place answered.
#pragma once

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "place/place.hpp"
#include "proto/limits.hpp"
#include "recording_outbox.hpp"

namespace allo::place::testing {

using nlohmann::json;

class PlaceFixture : public ::testing::Test {
 public:
  PlaceFixture() : PlaceFixture(StateFlowLimits{}) {}
  explicit PlaceFixture(StateFlowLimits state_flow)
      : metrics(registry),
        place(PlaceOptions{"Test Place", 5.0, 5.0, state_flow}, out, metrics, 100.0) {}

  void send_raw(AgentId id, uint8_t channel, const std::string& bytes) {
    place.on_packet(id, channel, {reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()},
                    now);
  }
  void send(AgentId id, const json& doc) {
    send_raw(id, limits::kChannelCommands, proto::encode_json(doc));
  }
  json request(AgentId /*sender*/, const std::string& from, const std::string& to,
               const std::string& req_id, const json& body) {
    return json::array({"interaction", "request", from, to, req_id, body});
  }
  // The last interaction sent to `id` on channel 1.
  json last_reply(AgentId id) {
    auto packets = out.to(id, limits::kChannelCommands);
    return packets.empty() ? json() : packets.back().json();
  }
  // Connects agent `id` and announces it; returns the avatar id.
  std::string join(AgentId id, const std::string& name = "annie", json avatar = json()) {
    place.on_connect(id, now);
    if (avatar.is_null()) avatar = {{"geometry", {{"type", "hardcoded-model"}, {"name", "head"}}}};
    send(id, request(id, "", "place", "a1",
                     {"announce",
                      "version",
                      2,
                      "identity",
                      {{"display_name", name}},
                      "spawn_avatar",
                      avatar}));
    json reply = last_reply(id);
    EXPECT_EQ(reply[5][0], "announce") << reply.dump();
    return reply[5][1].get<std::string>();
  }
  // Body of the reply to the last command.
  json body(AgentId id) { return last_reply(id)[5]; }

  prometheus::Registry registry;
  PlaceMetrics metrics;
  RecordingOutbox out;
  double now = 100.0;
  Place place;
};

}  // namespace allo::place::testing
