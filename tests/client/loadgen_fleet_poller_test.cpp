// allo-loadgen's FleetPoller against scripted places (FakePlace): input is
// handled because a socket became readable, not because of a sweep, and a
// quiet client is still polled by the upkeep rota.
#include "fleet_poller.hpp"

#include <gtest/gtest.h>

#include "common/mono_clock.hpp"
#include "fake_place.hpp"
#include "proto/limits.hpp"
#include "tests/support/net.hpp"

namespace allo::loadgen {
namespace {

using client::testing::FakePlace;
using nlohmann::json;

json oneway(const std::string& word) {
  return json::array({"interaction", "oneway", "place", "", "", json::array({word})});
}

TEST(FleetPoller, HandlesInputWhenItsSocketIsReadableWithoutUpkeep) {
  FakePlace quiet(nullptr), talking(nullptr);
  FleetPoller::Clients clients;
  FleetPoller::Sessions sessions;
  client::ClientOptions options;
  options.clock_interval_seconds = 0;  // no traffic of our own
  for (auto* place : {&quiet, &talking}) {
    clients.push_back(std::make_unique<client::Client>(options));
    ASSERT_TRUE(clients.back()->connect(place->url(), 5).has_value());
    clients.back()->poll(0);  // sends ENet's ack of the handshake
  }
  // An upkeep period far longer than the test: only readiness polls.
  auto poller = FleetPoller::create(clients, sessions, 1000.0);
  ASSERT_TRUE(poller.has_value());
  ASSERT_TRUE((*poller)->watch_client(0));
  ASSERT_TRUE((*poller)->watch_client(1));
  ASSERT_TRUE(allo::testing::wait_until([&] { return talking.has_client(); }, 5, [] {}));
  std::vector<std::string> heard;
  clients[1]->on_interaction([&](const proto::Interaction& in) { heard.push_back(in.name()); });
  talking.send(limits::kChannelCommands, oneway("hello"), true);
  const double deadline = mono_seconds() + 5;
  while (heard.empty() && mono_seconds() < deadline) {
    ASSERT_TRUE((*poller)->serve(deadline));
  }
  EXPECT_EQ(heard, std::vector<std::string>{"hello"});
  EXPECT_GE((*poller)->stats().ready_polls, 1u);
  EXPECT_EQ((*poller)->stats().upkeep_polls, 0u);
}

TEST(FleetPoller, PollsAQuietClientOncePerUpkeepPeriod) {
  FakePlace place(nullptr);  // never answers: the client's socket stays quiet
  FleetPoller::Clients clients;
  FleetPoller::Sessions sessions;
  client::ClientOptions options;
  options.clock_interval_seconds = 0.02;  // sent from poll(): only upkeep can send them
  clients.push_back(std::make_unique<client::Client>(options));
  ASSERT_TRUE(clients.back()->connect(place.url(), 5).has_value());
  auto poller = FleetPoller::create(clients, sessions, 0.01);
  ASSERT_TRUE(poller.has_value());
  ASSERT_TRUE((*poller)->watch_client(0));
  auto clock_requests = [&] {
    size_t n = 0;
    for (const auto& r : place.received()) n += r.channel == limits::kChannelClock;
    return n;
  };
  ASSERT_TRUE(
      allo::testing::wait_until([&] { return clock_requests() >= 5; }, 5,
                                [&] { ASSERT_TRUE((*poller)->serve(mono_seconds() + 0.01)); }));
  EXPECT_GT((*poller)->stats().upkeep_polls, 0u);
}

}  // namespace
}  // namespace allo::loadgen
