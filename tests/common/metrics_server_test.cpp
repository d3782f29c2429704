#include "common/metrics_server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <prometheus/counter.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace allo {
namespace {

TEST(MetricsServer, SerializeShowsARegisteredCounter) {
  MetricsServer metrics(std::nullopt);  // no listener: the registry alone
  auto& family = prometheus::BuildCounter()
                     .Name("test_rejected_total")
                     .Help("Packets refused by the test")
                     .Register(metrics.registry());
  auto& bad_json = family.Add({{"reason", "malformed_json"}});
  bad_json.Increment(3);
  family.Add({{"reason", "too_deep"}}).Increment();
  std::string text = metrics.serialize();
  EXPECT_NE(text.find("# TYPE test_rejected_total counter"), std::string::npos) << text;
  EXPECT_NE(text.find("# HELP test_rejected_total Packets refused by the test"), std::string::npos);
  EXPECT_NE(text.find("test_rejected_total{reason=\"malformed_json\"} 3"), std::string::npos)
      << text;
  EXPECT_NE(text.find("test_rejected_total{reason=\"too_deep\"} 1"), std::string::npos) << text;
  bad_json.Increment();  // a kept reference keeps counting
  EXPECT_NE(metrics.serialize().find("test_rejected_total{reason=\"malformed_json\"} 4"),
            std::string::npos);
}

TEST(MetricsServer, EmptyRegistrySerializesToNothing) {
  MetricsServer metrics(std::nullopt);
  EXPECT_EQ(metrics.serialize(), "");
}

TEST(MetricsServer, LatencyBucketsAreIncreasingFrom10usTo1s) {
  auto buckets = latency_buckets_seconds();
  ASSERT_FALSE(buckets.empty());
  EXPECT_DOUBLE_EQ(buckets.front(), 0.00001);
  EXPECT_DOUBLE_EQ(buckets.back(), 1.0);
  EXPECT_TRUE(std::is_sorted(buckets.begin(), buckets.end()));
  EXPECT_EQ(std::adjacent_find(buckets.begin(), buckets.end()), buckets.end());
}

// A listener on 127.0.0.1 at a free port chosen by the kernel.
class BusyPort {
 public:
  BusyPort() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(fd_, 1) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      throw std::runtime_error("cannot open a loopback listener");
    }
    port_ = ntohs(addr.sin_port);
  }
  ~BusyPort() { ::close(fd_); }
  uint16_t port() const { return port_; }

 private:
  int fd_;
  uint16_t port_ = 0;
};

TEST(MetricsServer, BindFailureThrowsNamingTheAddress) {
  BusyPort busy;
  Endpoint endpoint{"127.0.0.1", busy.port()};
  try {
    MetricsServer metrics(endpoint);
    FAIL() << "bound a port that is in use";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(endpoint.to_string()), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace allo
