#include "common/socket_buffers.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

namespace allo {
namespace {

int sysctl_int(const char* path) {
  std::ifstream in(path);
  int value = 0;
  in >> value;
  return value;
}

TEST(SocketBuffers, GrantsWhatIsAskedUpToTheKernelCap) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  const int cap = sysctl_int("/proc/sys/net/core/rmem_max");
  ASSERT_GT(cap, 0);
  EXPECT_EQ(set_socket_buffers(fd, 256 * 1024), std::min(256 * 1024, cap));
  EXPECT_EQ(set_socket_buffers(fd, kPublicSocketBufferBytes),
            std::min(kPublicSocketBufferBytes, cap));
  close(fd);
}

TEST(SocketBuffers, ReportsARefusingSocket) {
  EXPECT_EQ(set_socket_buffers(-1, 1 << 20), -1);
}

}  // namespace
}  // namespace allo
