#include "tests/assetd/assetd_process.hpp"

#include "tests/support/net.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace allo::testing {

uint16_t free_port(int type) {
  return type == SOCK_DGRAM ? allo::testing::free_udp_port() : allo::testing::free_tcp_port();
}

namespace {

pid_t spawn(const std::vector<std::string>& args, int stdout_fd) {
  std::string path = std::string(ALLO_BIN_DIR) + "/allo-assetd";
  pid_t pid = fork();
  if (pid == 0) {
    if (stdout_fd >= 0) dup2(stdout_fd, 1);
    std::vector<char*> argv{path.data()};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(path.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

}  // namespace

AssetdProcess::AssetdProcess(std::vector<std::string> args) : pid_(spawn(args, -1)) {
  if (pid_ < 0) throw std::runtime_error("fork failed");
}

AssetdProcess::~AssetdProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
}

void AssetdProcess::kill9() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
}

std::string AssetdProcess::run_to_end(const std::vector<std::string>& args, int* status) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  pid_t pid = spawn(args, fds[1]);
  close(fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, n);
  close(fds[0]);
  int st = 0;
  waitpid(pid, &st, 0);
  if (status) *status = st;
  return out;
}

PlaceLink::PlaceLink(uint16_t port, std::chrono::milliseconds timeout) {
  host_ = enet_host_create(nullptr, 1, 2, 0, 0);
  ENetAddress address{};
  enet_address_set_host(&address, "127.0.0.1");
  address.port = port;
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline && peer_ == nullptr) {
    ENetPeer* peer = enet_host_connect(host_, &address, 2, 0);
    auto attempt_end = std::min(deadline, Clock::now() + std::chrono::milliseconds(500));
    ENetEvent event;
    while (Clock::now() < attempt_end) {
      if (enet_host_service(host_, &event, 10) > 0 && event.type == ENET_EVENT_TYPE_CONNECT) {
        peer_ = peer;
        break;
      }
    }
    if (peer_ == nullptr) enet_peer_reset(peer);
  }
}

PlaceLink::~PlaceLink() {
  if (peer_ != nullptr) {
    enet_peer_disconnect_now(peer_, 0);
  }
  enet_host_destroy(host_);
}

void PlaceLink::send(const std::vector<uint8_t>& message) {
  if (peer_ == nullptr) return;
  enet_peer_send(peer_, 0,
                 enet_packet_create(message.data(), message.size(), ENET_PACKET_FLAG_RELIABLE));
  enet_host_flush(host_);
}

void PlaceLink::service(uint32_t timeout_ms) {
  ENetEvent event;
  int rc = enet_host_service(host_, &event, timeout_ms);
  while (rc > 0) {
    if (event.type == ENET_EVENT_TYPE_RECEIVE) {
      auto messages = proto::parse_link_packet({event.packet->data, event.packet->dataLength});
      for (const auto& msg : messages ? *messages : std::vector<proto::LinkMessage>{}) {
        if (msg.kind != proto::LinkKind::kFrameToAgent) continue;
        received_.push_back({msg.agent, {msg.frame.begin(), msg.frame.end()}});
        send(proto::encode_link_delivered(msg.agent, static_cast<uint32_t>(msg.frame.size())));
      }
      enet_packet_destroy(event.packet);
    } else if (event.type == ENET_EVENT_TYPE_DISCONNECT) {
      peer_ = nullptr;
    }
    rc = enet_host_check_events(host_, &event);
  }
}

std::optional<AgentFrame> PlaceLink::next(uint32_t agent, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (true) {
    auto it = std::find_if(received_.begin(), received_.end(),
                           [&](const AgentFrame& f) { return f.agent == agent; });
    if (it != received_.end()) {
      AgentFrame out = std::move(*it);
      received_.erase(it);
      return out;
    }
    if (Clock::now() >= deadline) return std::nullopt;
    service(5);
  }
}

void PlaceLink::pump_for(std::chrono::milliseconds duration) {
  auto deadline = Clock::now() + duration;
  while (Clock::now() < deadline) service(5);
}

size_t PlaceLink::queued(uint32_t agent) const {
  return std::count_if(received_.begin(), received_.end(),
                       [&](const AgentFrame& f) { return f.agent == agent; });
}

}  // namespace allo::testing
