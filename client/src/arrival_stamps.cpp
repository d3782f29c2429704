#include "arrival_stamps.hpp"

#if defined(__linux__)
#include <linux/sockios.h>
#include <sys/ioctl.h>
#endif

#include <ctime>

#include "common/bytes_hash.hpp"
#include "common/mono_clock.hpp"
#include "enet_datagram.hpp"

namespace allo::client {
namespace {

// Stamps of packets ENet never hands out (a sequenced packet overtaken by a
// newer one) are dropped wholesale past this many.
constexpr size_t kMaxPendingStamps = 4096;

thread_local ArrivalStamps* active = nullptr;

double seconds_of(const timespec& t) {
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

}  // namespace

ArrivalStamps::ArrivalStamps(ENetHost* host, uint8_t channel) : host_(host), channel_(channel) {
#if defined(__linux__)
  // The first SIOCGSTAMPNS turns timestamping on for the socket (it has no
  // stamp to give yet); later reads get the stamp of the last datagram read.
  timespec ignored{};
  (void)ioctl(static_cast<int>(host_->socket), SIOCGSTAMPNS, &ignored);
  host_->intercept = &ArrivalStamps::intercept;
#endif
}

ArrivalStamps::~ArrivalStamps() {
  // Only our own hook (a host has one intercept; do not unhook another's).
  if (host_->intercept == &ArrivalStamps::intercept) host_->intercept = nullptr;
  if (active == this) active = nullptr;
}

ArrivalStamps::Scope::Scope(ArrivalStamps* stamps) : previous_(active) {
  active = stamps;
}

ArrivalStamps::Scope::~Scope() {
  active = previous_;
}

int ArrivalStamps::intercept(ENetHost* host, ENetEvent*) {
  if (active != nullptr && active->host_ == host) active->record(host);
  return 0;  // ENet handles the datagram as usual
}

void ArrivalStamps::record(ENetHost* host) {
  std::span<const uint8_t> datagram(host->receivedData, host->receivedDataLength);
  double arrival = -1;
  scan_enet_datagram(datagram, [&](uint8_t channel, std::span<const uint8_t> payload) {
    if (channel != channel_) return;
    if (arrival < 0) {
      timespec stamp{}, real_now{};
#if defined(__linux__)
      if (ioctl(static_cast<int>(host->socket), SIOCGSTAMPNS, &stamp) != 0) return;
#else
      return;
#endif
      clock_gettime(CLOCK_REALTIME, &real_now);
      const double mono = mono_seconds();
      // The stamp is realtime; move it onto the monotonic clock.
      arrival = mono - (seconds_of(real_now) - seconds_of(stamp));
    }
    if (arrivals_.size() >= kMaxPendingStamps) arrivals_.clear();
    arrivals_[hash_bytes(payload)] = arrival;
  });
}

double ArrivalStamps::take(std::span<const uint8_t> packet) {
  auto it = arrivals_.find(hash_bytes(packet));
  if (it == arrivals_.end()) return -1;
  const double arrival = it->second;
  arrivals_.erase(it);
  return arrival;
}

}  // namespace allo::client
