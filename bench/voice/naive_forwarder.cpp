#include "naive_forwarder.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/mono_clock.hpp"
#include "common/realtime.hpp"
#include "common/rt_load_guard.hpp"
#include "common/socket_buffers.hpp"
#include "loadgen_report.hpp"
#include "sent_frames.hpp"
#include "tests/support/net.hpp"

namespace allo::bench {
namespace {

int udp_socket(sockaddr_in& bound) {
  const int fd = allo::testing::bind_loopback(SOCK_DGRAM | SOCK_NONBLOCK, bound);
  if (fd < 0) throw std::runtime_error("cannot bind a loopback UDP socket");
  (void)set_socket_buffers(fd, 4 << 20);
  return fd;
}

}  // namespace

void raise_open_file_limit(size_t descriptors) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur >= descriptors) return;
  if (limit.rlim_max < descriptors) {
    throw std::runtime_error("a baseline needs " + std::to_string(descriptors) +
                             " open files; the hard limit is " + std::to_string(limit.rlim_max));
  }
  limit.rlim_cur = descriptors;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) throw std::runtime_error("setrlimit(RLIMIT_NOFILE)");
}

void speak_and_drain(const loadgen::SentFrames& opus, uint32_t speakers, uint32_t frames,
                     uint64_t expected, const std::function<uint64_t()>& delivered,
                     const std::function<void()>& idle,
                     const std::function<void(uint32_t, std::span<const uint8_t>)>& send) {
  const double start = mono_seconds();
  std::vector<uint8_t> packet;
  for (uint32_t f = 0; f < frames; ++f) {
    for (uint32_t s = 0; s < speakers; ++s) {
      const double due = start + f * 0.02 + 0.02 * s / speakers;
      while (mono_seconds() < due) {
        idle();
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
      const auto& payload = opus.opus(s, f);
      packet.resize(kNaiveHeaderBytes + payload.size());
      const double sent = mono_seconds();
      std::memcpy(packet.data(), &s, 4);
      std::memcpy(packet.data() + 4, &sent, 8);
      std::memcpy(packet.data() + kNaiveHeaderBytes, payload.data(), payload.size());
      send(s, packet);
    }
  }
  const double drain_until = mono_seconds() + 2.0;
  while (delivered() < expected && mono_seconds() < drain_until) {
    idle();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

NaivePlan naive_plan(uint32_t clients, uint32_t speakers, uint32_t selected, uint32_t frames) {
  NaivePlan plan;
  plan.subscribers.resize(speakers);
  for (uint32_t l = 0; l < clients; ++l) {
    uint32_t want = speakers - (l < speakers ? 1 : 0);
    if (selected > 0) want = std::min(want, selected);
    for (uint32_t j = 0, taken = 0; taken < want; ++j) {
      const uint32_t s = (l + j) % speakers;
      if (s == l) continue;
      plan.subscribers[s].push_back(l);
      ++taken;
    }
    plan.expected += static_cast<uint64_t>(want) * frames;
  }
  return plan;
}

NaiveRun prepare_naive_run(uint32_t clients, uint32_t speakers, uint32_t selected, double seconds) {
  const uint32_t frames = static_cast<uint32_t>(seconds * 50);
  auto opus = loadgen::SentFrames::encode(speakers, frames);
  if (!opus) throw std::runtime_error("a baseline's Opus frames: " + opus.error().detail);
  return {frames, std::move(*opus), naive_plan(clients, speakers, selected, frames)};
}

NaiveResult run_naive_forwarder(uint32_t clients, uint32_t speakers, uint32_t selected,
                                double seconds, int rt_priority) {
  const NaiveRun run = prepare_naive_run(clients, speakers, selected, seconds);
  const auto& subscribers = run.plan.subscribers;
  NaiveResult result;
  result.expected = run.plan.expected;
  raise_open_file_limit(clients + 3 + 32);
  std::vector<int> listener_fd(clients);
  std::vector<sockaddr_in> listener_addr(clients);
  for (uint32_t l = 0; l < clients; ++l) listener_fd[l] = udp_socket(listener_addr[l]);
  sockaddr_in forwarder_addr{}, speaker_addr{};
  const int forwarder_fd = udp_socket(forwarder_addr);
  const int speaker_fd = udp_socket(speaker_addr);
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> delivered{0};
  std::vector<float> latency_ms;

  std::thread forwarder([&] {
    if (rt_priority > 0) result.rt_refused = !make_thread_realtime(rt_priority).has_value();
    const double cpu_before = thread_cpu_seconds();
    std::vector<uint8_t> buffer(2048);
    pollfd p{forwarder_fd, POLLIN, 0};
    while (!stop.load(std::memory_order_relaxed)) {
      if (poll(&p, 1, 10) <= 0) continue;
      ssize_t n;
      while ((n = recv(forwarder_fd, buffer.data(), buffer.size(), 0)) > 0) {
        uint32_t track;
        std::memcpy(&track, buffer.data(), 4);
        if (track >= speakers) continue;
        for (uint32_t l : subscribers[track]) {
          sendto(forwarder_fd, buffer.data(), static_cast<size_t>(n), 0,
                 reinterpret_cast<const sockaddr*>(&listener_addr[l]), sizeof(sockaddr_in));
        }
      }
    }
    result.forwarder_cpu_seconds = thread_cpu_seconds() - cpu_before;
  });
  std::thread receiver([&] {
    std::vector<pollfd> fds(clients);
    for (uint32_t l = 0; l < clients; ++l) fds[l] = {listener_fd[l], POLLIN, 0};
    std::vector<uint8_t> buffer(2048);
    while (!stop.load(std::memory_order_relaxed)) {
      if (poll(fds.data(), fds.size(), 10) <= 0) continue;
      for (auto& p : fds) {
        if (!(p.revents & POLLIN)) continue;
        ssize_t n;
        while ((n = recv(p.fd, buffer.data(), buffer.size(), 0)) >
               static_cast<ssize_t>(kNaiveHeaderBytes)) {
          double sent;
          std::memcpy(&sent, buffer.data() + 4, 8);
          latency_ms.push_back(static_cast<float>((mono_seconds() - sent) * 1000));
          delivered.fetch_add(1, std::memory_order_relaxed);
        }
      }
    }
  });
  speak_and_drain(
      run.opus, speakers, run.frames, result.expected, [&] { return delivered.load(); }, [] {},
      [&](uint32_t, std::span<const uint8_t> packet) {
        sendto(speaker_fd, packet.data(), packet.size(), 0,
               reinterpret_cast<const sockaddr*>(&forwarder_addr), sizeof forwarder_addr);
      });
  stop = true;
  forwarder.join();
  receiver.join();
  result.delivered = delivered.load();
  auto summary = loadgen::summarize_latency(latency_ms);
  result.p50_ms = summary.p50_ms;
  result.p99_ms = summary.p99_ms;
  result.p999_ms = summary.p999_ms;
  for (int fd : listener_fd) close(fd);
  close(forwarder_fd);
  close(speaker_fd);
  return result;
}

UdpRate run_sendmmsg_rate(double seconds, size_t bytes) {
  sockaddr_in rx_addr{}, tx_addr{};
  const int rx = udp_socket(rx_addr);
  const int tx = udp_socket(tx_addr);
  constexpr size_t kBatch = 64;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> received{0};
  std::thread receiver([&] {
    std::vector<std::vector<uint8_t>> buffers(kBatch, std::vector<uint8_t>(2048));
    std::vector<iovec> iov(kBatch);
    std::vector<mmsghdr> msgs(kBatch);
    for (size_t i = 0; i < kBatch; ++i) {
      iov[i] = {buffers[i].data(), buffers[i].size()};
      msgs[i] = {};
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    pollfd p{rx, POLLIN, 0};
    while (!stop.load(std::memory_order_relaxed)) {
      if (poll(&p, 1, 10) <= 0) continue;
      int n;
      while ((n = recvmmsg(rx, msgs.data(), kBatch, 0, nullptr)) > 0) received += n;
    }
  });
  std::vector<uint8_t> payload(bytes, 0x5a);
  std::vector<iovec> iov(kBatch, iovec{payload.data(), payload.size()});
  std::vector<mmsghdr> msgs(kBatch);
  for (size_t i = 0; i < kBatch; ++i) {
    msgs[i] = {};
    msgs[i].msg_hdr.msg_name = &rx_addr;
    msgs[i].msg_hdr.msg_namelen = sizeof rx_addr;
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  uint64_t sent = 0;
  const double start = mono_seconds();
  while (mono_seconds() - start < seconds) {
    const int n = sendmmsg(tx, msgs.data(), kBatch, 0);
    if (n > 0)
      sent += static_cast<uint64_t>(n);
    else
      std::this_thread::yield();  // socket buffer full
  }
  const double elapsed = mono_seconds() - start;
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  stop = true;
  receiver.join();
  close(rx);
  close(tx);
  return {sent / elapsed, received.load() / elapsed};
}

}  // namespace allo::bench
