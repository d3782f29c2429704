// allo-loadgen's ReadySockets over real loopback UDP sockets: a datagram
// reports the tag it was watched under, watches follow a tag's new socket,
// and a socket number reused by another tag is not lost.
#include "ready_sockets.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>

#include "tests/support/net.hpp"

namespace allo::loadgen {
namespace {

// A UDP socket bound to 127.0.0.1 on a free port; closes itself.
class UdpSocket {
 public:
  UdpSocket()
      : fd_(allo::testing::bind_loopback(SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, address_)) {}
  ~UdpSocket() { close_now(); }
  void close_now() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  int fd() const { return fd_; }
  // Sends one datagram to `to` from this socket.
  void send_to(const UdpSocket& to) const {
    const char byte = 'x';
    sendto(fd_, &byte, 1, 0, reinterpret_cast<const sockaddr*>(&to.address_), sizeof to.address_);
  }
  void drain() const {
    char buffer[64];
    while (recv(fd_, buffer, sizeof buffer, 0) > 0) {
    }
  }

 private:
  sockaddr_in address_{};  // before fd_: the constructor fills it while binding
  int fd_;
};

std::vector<uint32_t> wait_for(ReadySockets& sockets, double seconds) {
  std::vector<uint32_t> ready;
  EXPECT_TRUE(sockets.wait(seconds, 16, ready).has_value());
  return ready;
}

TEST(ReadySockets, ReportsTheTagOfTheSocketThatGotADatagram) {
  auto sockets = ReadySockets::create();
  ASSERT_TRUE(sockets.has_value());
  UdpSocket a, b, sender;
  ASSERT_TRUE(sockets->watch(7, a.fd()));
  ASSERT_TRUE(sockets->watch(9, b.fd()));
  EXPECT_EQ(sockets->watched(7), a.fd());
  EXPECT_EQ(sockets->watched(8), -1);
  EXPECT_TRUE(wait_for(*sockets, 0).empty()) << "nothing sent yet";
  sender.send_to(b);
  EXPECT_EQ(wait_for(*sockets, 2), std::vector<uint32_t>{9});
  // Edge-triggered: reported once per arrival, even before it is read.
  EXPECT_TRUE(wait_for(*sockets, 0).empty());
  sender.send_to(b);
  EXPECT_EQ(wait_for(*sockets, 2), std::vector<uint32_t>{9}) << "a new arrival, a new report";
  b.drain();
}

TEST(ReadySockets, ATagFollowsItsNewSocketAndStopsAtMinusOne) {
  auto sockets = ReadySockets::create();
  ASSERT_TRUE(sockets.has_value());
  UdpSocket first, second, sender;
  ASSERT_TRUE(sockets->watch(1, first.fd()));
  ASSERT_TRUE(sockets->watch(1, second.fd()));
  sender.send_to(first);
  EXPECT_TRUE(wait_for(*sockets, 0.05).empty()) << "the old socket is no longer watched";
  sender.send_to(second);
  EXPECT_EQ(wait_for(*sockets, 2), std::vector<uint32_t>{1});
  ASSERT_TRUE(sockets->watch(1, -1));
  EXPECT_EQ(sockets->watched(1), -1);
  sender.send_to(second);
  EXPECT_TRUE(wait_for(*sockets, 0.05).empty());
}

TEST(ReadySockets, AReusedSocketNumberMovesToItsNewTag) {
  auto sockets = ReadySockets::create();
  ASSERT_TRUE(sockets.has_value());
  UdpSocket sender;
  auto old_socket = std::make_unique<UdpSocket>();
  const int number = old_socket->fd();
  ASSERT_TRUE(sockets->watch(2, number));
  old_socket.reset();  // closed: the kernel drops the watch
  UdpSocket reused;    // the lowest free number: the same one
  ASSERT_EQ(reused.fd(), number);
  ASSERT_TRUE(sockets->watch(4, reused.fd()));
  EXPECT_EQ(sockets->watched(2), -1) << "the stale tag forgot the number";
  ASSERT_TRUE(sockets->watch(2, -1)) << "and does not unwatch tag 4's socket";
  sender.send_to(reused);
  EXPECT_EQ(wait_for(*sockets, 2), std::vector<uint32_t>{4});
}

TEST(ReadySockets, WaitsAboutTheTimeoutWhenNothingArrives) {
  auto sockets = ReadySockets::create();
  ASSERT_TRUE(sockets.has_value());
  UdpSocket a;
  ASSERT_TRUE(sockets->watch(0, a.fd()));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(wait_for(*sockets, 0.03).empty());
  const double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GE(waited, 0.025);
  EXPECT_LT(waited, 1.0);
}

TEST(ReadySockets, RejectsABadSocket) {
  auto sockets = ReadySockets::create();
  ASSERT_TRUE(sockets.has_value());
  auto watched = sockets->watch(3, 1'000'000);  // no such descriptor
  ASSERT_FALSE(watched);
  EXPECT_EQ(watched.error().code, "epoll_ctl_failed");
  EXPECT_EQ(sockets->watched(3), -1);
}

}  // namespace
}  // namespace allo::loadgen
