#include "sfu_process.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace allo::sfu::test {

SfuProcess::SfuProcess(uint16_t link, uint16_t listen, uint16_t metrics,
                       std::vector<std::string> extra)
    : link_port(link), listen_port(listen), metrics_port(metrics), extra_(std::move(extra)) {}

void SfuProcess::start() {
  std::vector<std::string> args = {std::string(ALLO_BIN_DIR) + "/allo-sfu",
                                   "--link",
                                   "127.0.0.1:" + std::to_string(link_port),
                                   "--listen",
                                   "127.0.0.1:" + std::to_string(listen_port),
                                   "--metrics",
                                   "127.0.0.1:" + std::to_string(metrics_port),
                                   "--log-level",
                                   "warn"};
  args.insert(args.end(), extra_.begin(), extra_.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) != 0) {
    throw std::runtime_error("cannot start allo-sfu");
  }
  // Ready when /metrics answers (all sockets are bound before it serves).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (scrape().empty()) {
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("allo-sfu not ready");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void SfuProcess::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string SfuProcess::scrape() const {
  // A minimal HTTP/1.0 GET: the server closes the connection after the body.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  timeval timeout{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(metrics_port);
  std::string response;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string request = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size())) {
      char buffer[16384];
      ssize_t n;
      // Stop at Content-Length: the server may keep the connection open.
      while ((n = recv(fd, buffer, sizeof buffer, 0)) > 0) {
        response.append(buffer, static_cast<size_t>(n));
        const size_t header_end = response.find("\r\n\r\n");
        const size_t length_at = response.find("Content-Length: ");
        if (header_end != std::string::npos && length_at != std::string::npos &&
            length_at < header_end &&
            response.size() >= header_end + 4 + std::stoul(response.substr(length_at + 16))) {
          break;
        }
      }
    }
  }
  close(fd);
  if (response.rfind("HTTP/1.1 200", 0) != 0 && response.rfind("HTTP/1.0 200", 0) != 0) return {};
  const size_t body = response.find("\r\n\r\n");
  return body == std::string::npos ? std::string() : response.substr(body + 4);
}

double SfuProcess::metric(const std::string& name, const std::string& label_filter) const {
  std::istringstream in(scrape());
  std::string line;
  double sum = 0;
  while (std::getline(in, line)) {
    if (line.rfind(name, 0) != 0) continue;
    const char next = line.size() > name.size() ? line[name.size()] : '\0';
    if (next != '{' && next != ' ') continue;
    if (!label_filter.empty() && line.find(label_filter) == std::string::npos) continue;
    sum += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return sum;
}

EnetClient::EnetClient(size_t channels, Receive on_receive)
    : channels_(channels), on_receive_(std::move(on_receive)) {
  host_ = enet_host_create(nullptr, 1, channels, 0, 0);
  host_->maximumPacketSize = 1024 * 1024;
}

EnetClient::~EnetClient() {
  if (peer_ != nullptr && connected_) enet_peer_disconnect_now(peer_, 0);
  enet_host_destroy(host_);
}

bool EnetClient::connect(uint16_t port, std::chrono::milliseconds timeout) {
  ENetAddress address{};
  enet_address_set_host_ip(&address, "127.0.0.1");
  address.port = port;
  peer_ = enet_host_connect(host_, &address, channels_, 0);
  connected_ = false;
  // A local link: notice a dead peer within about a second.
  enet_peer_timeout(peer_, 8, 500, 1000);
  enet_peer_ping_interval(peer_, 100);
  pump_until([&] { return connected_; }, timeout);
  if (!connected_ && peer_ != nullptr) {
    enet_peer_reset(peer_);
    peer_ = nullptr;
  }
  return connected_;
}

void EnetClient::send(uint8_t channel, const std::vector<uint8_t>& bytes, bool reliable) {
  if (!connected_) return;
  enet_peer_send(
      peer_, channel,
      enet_packet_create(bytes.data(), bytes.size(), reliable ? ENET_PACKET_FLAG_RELIABLE : 0));
  enet_host_flush(host_);
}

void EnetClient::send(uint8_t channel, const std::string& text, bool reliable) {
  send(channel, std::vector<uint8_t>(text.begin(), text.end()), reliable);
}

void EnetClient::pump(std::chrono::milliseconds duration) {
  pump_until([] { return false; }, duration);
}

bool EnetClient::pump_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    ENetEvent event;
    if (enet_host_service(host_, &event, 2) <= 0) continue;
    switch (event.type) {
      case ENET_EVENT_TYPE_CONNECT:
        connected_ = true;
        break;
      case ENET_EVENT_TYPE_DISCONNECT:
        connected_ = false;
        peer_ = nullptr;
        break;
      case ENET_EVENT_TYPE_RECEIVE:
        on_receive_(event.channelID,
                    std::vector<uint8_t>(event.packet->data,
                                         event.packet->data + event.packet->dataLength));
        enet_packet_destroy(event.packet);
        break;
      default:
        break;
    }
  }
  return true;
}

void EnetClient::disconnect() {
  if (peer_ != nullptr && connected_) {
    enet_peer_disconnect(peer_, 0);
    pump_until([&] { return !connected_; }, std::chrono::milliseconds(500));
  }
}

}  // namespace allo::sfu::test
