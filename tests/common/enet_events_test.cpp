// common/enet_events.hpp against real loopback hosts: service_events hands
// over at most its cap per call and loses nothing in between, and waits for a
// first event only as long as it is told to.
#include "common/enet_events.hpp"

#include <enet/enet.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "tests/support/enet_loopback_pair.hpp"
#include "tests/support/net.hpp"

namespace allo {
namespace {

TEST(ServiceEvents, AtMostTheCapPerCallAndNoEventLost) {
  ASSERT_EQ(enet_initialize(), 0);
  ENetAddress address{};
  enet_address_set_host(&address, "127.0.0.1");
  address.port = testing::free_udp_port();
  ENetHost* server = enet_host_create(&address, 1, 1, 0, 0);
  ENetHost* client = enet_host_create(nullptr, 1, 1, 0, 0);
  ASSERT_NE(server, nullptr);
  ASSERT_NE(client, nullptr);
  ENetPeer* peer = enet_host_connect(client, &address, 1, 0);
  ASSERT_NE(peer, nullptr);

  int connects = 0, received = 0;
  auto count = [&](const ENetEvent& event) {
    if (event.type == ENET_EVENT_TYPE_CONNECT) ++connects;
    if (event.type == ENET_EVENT_TYPE_RECEIVE) {
      ++received;
      enet_packet_destroy(event.packet);
    }
  };
  auto drain_client = [&] {
    ENetEvent event;
    while (enet_host_service(client, &event, 0) > 0) {
      if (event.type == ENET_EVENT_TYPE_RECEIVE) enet_packet_destroy(event.packet);
    }
  };
  ASSERT_TRUE(testing::wait_until([&] { return connects == 1; }, 5,
                                  [&] {
                                    drain_client();
                                    service_events(server, 8, count);
                                  }));

  // 10 packets in one datagram: one service queues all of them.
  constexpr int kSent = 10;
  for (int i = 0; i < kSent; ++i) {
    enet_peer_send(peer, 0, enet_packet_create("x", 1, ENET_PACKET_FLAG_RELIABLE));
  }
  enet_host_flush(client);
  int most_in_one_call = 0;
  ASSERT_TRUE(testing::wait_until([&] { return received == kSent; }, 5,
                                  [&] {
                                    drain_client();
                                    const int handled = service_events(server, 3, count);
                                    EXPECT_LE(handled, 3);
                                    most_in_one_call = std::max(most_in_one_call, handled);
                                  }));
  EXPECT_EQ(most_in_one_call, 3);  // the cap was reached and the rest came later

  enet_host_destroy(client);
  enet_host_destroy(server);
  enet_deinitialize();
}

TEST(ServiceEvents, WaitsForAFirstEventAtMostTheWait) {
  testing::EnetLoopbackPair pair(1, 1);
  ASSERT_TRUE(pair.connect());
  int received = 0;
  auto count = [&](const ENetEvent& event) {
    if (event.type != ENET_EVENT_TYPE_RECEIVE) return;
    ++received;
    enet_packet_destroy(event.packet);
  };
  auto seconds_of = [](auto&& call) {
    const auto start = std::chrono::steady_clock::now();
    call();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  // Nothing comes: it waits the whole 100 ms, then returns with nothing.
  int handled = -1;
  const double idle = seconds_of([&] { handled = service_events(pair.server, 8, count, 100); });
  EXPECT_EQ(handled, 0);
  EXPECT_GE(idle, 0.09);
  // A packet is on its way: it returns with it long before the 5 s wait.
  enet_peer_send(pair.client_peer, 0, enet_packet_create("x", 1, ENET_PACKET_FLAG_RELIABLE));
  enet_host_flush(pair.client);
  const double busy = seconds_of([&] { handled = service_events(pair.server, 8, count, 5000); });
  EXPECT_EQ(handled, 1);
  EXPECT_EQ(received, 1);
  EXPECT_LT(busy, 2.0);
}

}  // namespace
}  // namespace allo
