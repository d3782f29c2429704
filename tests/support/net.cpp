#include "tests/support/net.hpp"

#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <set>
#include <sstream>
#include <utility>

#include "common/mono_clock.hpp"

namespace allo::testing {
namespace {

// A port the kernel just gave out, never one this process was handed before
// (of the same type): the kernel may give a released port out again at once,
// and two daemons started on "two" free ports then collide.
uint16_t free_port(int type) {
  static std::mutex mutex;
  static std::set<std::pair<int, uint16_t>> handed_out;
  std::lock_guard lock(mutex);
  uint16_t port = 0;
  for (int attempt = 0; attempt < 64; ++attempt) {
    sockaddr_in addr{};
    const int fd = bind_loopback(type, addr);
    if (fd >= 0) close(fd);
    port = ntohs(addr.sin_port);
    if (handed_out.insert({type, port}).second) break;
  }
  return port;
}

}  // namespace

int bind_loopback(int type, sockaddr_in& bound) {
  int fd = socket(AF_INET, type, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof bound;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

uint16_t free_udp_port() {
  return free_port(SOCK_DGRAM);
}
uint16_t free_tcp_port() {
  return free_port(SOCK_STREAM);
}

std::string scrape_metrics(uint16_t port) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(1, 0);
  client.set_read_timeout(2, 0);
  auto res = client.Get("/metrics");
  return res && res->status == 200 ? res->body : "";
}

double metric_value(const std::string& text, const std::string& name,
                    const std::string& label_filter) {
  std::istringstream in(text);
  std::string line;
  double sum = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t name_end = line.find_first_of("{ ");
    if (name_end == std::string::npos || line.compare(0, name_end, name) != 0 ||
        name_end != name.size())
      continue;
    size_t value_at = line.rfind(' ');
    std::string labels = line.substr(name_end, value_at - name_end);
    if (!label_filter.empty() && labels.find(label_filter) == std::string::npos) continue;
    sum += std::stod(line.substr(value_at + 1));
  }
  return sum;
}

bool wait_until(const std::function<bool()>& cond, double timeout_seconds,
                const std::function<void()>& step) {
  const double deadline = mono_seconds() + timeout_seconds;
  while (!cond()) {
    if (mono_seconds() >= deadline) return cond();
    step();
  }
  return true;
}

}  // namespace allo::testing
