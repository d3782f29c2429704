// ArrivalStamps on a real loopback ENet pair: a packet's stamp is when the
// kernel queued it, not when the application got to it.
#include "arrival_stamps.hpp"

#include <enet/enet.h>
#include <gtest/gtest.h>
#include <poll.h>

#include <chrono>
#include <string>
#include <thread>

#include "common/mono_clock.hpp"
#include "tests/support/enet_loopback_pair.hpp"
#include "tests/support/net.hpp"

namespace allo::client {
namespace {

class ArrivalStampsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(pair_.connect()); }
  void send(uint8_t channel, const std::string& bytes) {
    enet_peer_send(peer_, channel, enet_packet_create(bytes.data(), bytes.size(), 0));
    enet_host_flush(server_);
  }
  void wait_readable() {
    pollfd p{static_cast<int>(client_->socket), POLLIN, 0};
    ASSERT_EQ(poll(&p, 1, 5000), 1);
  }
  // Services the client once; returns {payload, arrival} of what it received.
  std::vector<std::pair<std::string, double>> receive(ArrivalStamps& stamps, bool in_scope) {
    std::vector<std::pair<std::string, double>> out;
    std::optional<ArrivalStamps::Scope> scope;
    if (in_scope) scope.emplace(&stamps);
    ENetEvent event;
    while (enet_host_service(client_, &event, 0) > 0) {
      if (event.type != ENET_EVENT_TYPE_RECEIVE) continue;
      std::span<const uint8_t> bytes(event.packet->data, event.packet->dataLength);
      out.emplace_back(std::string(bytes.begin(), bytes.end()),
                       event.channelID == stamps.channel() ? stamps.take(bytes) : -1);
      enet_packet_destroy(event.packet);
    }
    return out;
  }
  // Linux turns receive timestamping on for the first socket that asks by a
  // deferred work item: until it has run, datagrams carry no stamp and the
  // ioctl answers with the reading time. Waits (deadline 5 s) until a probe,
  // read 2 ms after its socket became readable, is stamped no later than
  // that (an unstamped one reads as at least 2 ms later).
  bool wait_until_kernel_stamps(ArrivalStamps& stamps) {
    return testing::wait_until(
        [&] {
          send(3, "probe");
          wait_readable();
          const double readable_at = mono_seconds();
          std::this_thread::sleep_for(std::chrono::milliseconds(2));  // the delay under test
          const auto got = receive(stamps, true);
          return got.size() == 1 && got[0].second > 0 && got[0].second <= readable_at + 0.0005;
        },
        5, [] {});
  }

  testing::EnetLoopbackPair pair_;
  ENetHost*& server_ = pair_.server;
  ENetHost*& client_ = pair_.client;
  ENetPeer*& peer_ = pair_.server_peer;
};

TEST_F(ArrivalStampsTest, StampIsTheKernelArrivalNotTheReadingTime) {
  ArrivalStamps stamps(client_, 3);
  ASSERT_TRUE(wait_until_kernel_stamps(stamps));
  const double sent = mono_seconds();
  send(3, "voice-1");
  wait_readable();
  const double readable = mono_seconds();
  // The application is busy for 30 ms before it reads (a delay under test,
  // not a synchronization).
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  auto got = receive(stamps, true);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].first, "voice-1");
  EXPECT_GE(got[0].second, sent - 0.001);
  EXPECT_LE(got[0].second, readable + 0.001);
  EXPECT_LT(got[0].second, mono_seconds() - 0.025);
  EXPECT_EQ(stamps.pending(), 0u);  // taken once
}

TEST_F(ArrivalStampsTest, OnlyItsChannelAndOnlyInsideAScope) {
  ArrivalStamps stamps(client_, 3);
  send(1, "state");
  send(3, "voice-2");
  wait_readable();
  auto got = receive(stamps, false);  // read outside a scope: nothing stamped
  for (const auto& [payload, arrival] : got) EXPECT_LT(arrival, 0) << payload;
  send(1, "state-2");
  send(3, "voice-3");
  wait_readable();
  ASSERT_TRUE(testing::wait_until(
      [&] {
        for (auto& g : receive(stamps, true)) got.push_back(g);
        return got.size() == 4;
      },
      5, [] {}));
  for (const auto& [payload, arrival] : got) {
    if (payload == "voice-3")
      EXPECT_GT(arrival, 0);
    else
      EXPECT_LT(arrival, 0) << payload;
  }
}

int someone_elses_intercept(ENetHost*, ENetEvent*) {
  return 0;
}

TEST_F(ArrivalStampsTest, RemovingTheStampsUnhooksTheHostButNotAnotherHook) {
  {
    ArrivalStamps stamps(client_, 3);
    EXPECT_NE(client_->intercept, nullptr);
  }
  EXPECT_EQ(client_->intercept, nullptr);
  {
    ArrivalStamps stamps(client_, 3);
    client_->intercept = someone_elses_intercept;  // replaced after us
  }
  EXPECT_EQ(client_->intercept, &someone_elses_intercept);
}

}  // namespace
}  // namespace allo::client
