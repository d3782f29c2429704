// ArrivalStamps: when each packet on one channel reached an ENet host's
// socket, by the kernel's receive timestamp (SIOCGSTAMPNS), taken while ENet
// reads the datagram (ENetHost::intercept: the datagram is scanned with
// scan_enet_datagram and the stamp fetched only when it carries a packet of
// that channel) and handed out by the packet's bytes once ENet dispatches it.
// The application's own delay in reading (a busy thread, a load generator
// running 500 clients on two cores) is then not counted as network latency.
// Times are mono_seconds(); the realtime stamp is converted at the read.
//
// ENet's intercept has no user pointer: a Scope makes a recorder the one this
// thread's intercept calls use (EnetConnection opens one around each
// service). One recorder per host (it owns the host's intercept). Packets
// are matched by their bytes: two identical packets in flight on the channel
// (Opus has no sequence number) may swap stamps, or one goes unstamped.
// Linux only (SIOCGSTAMPNS); elsewhere every packet is unstamped. When no
// socket on the machine had timestamping on, Linux turns it on by a deferred
// work item: the first datagrams may arrive unstamped, and then read as
// arriving when they are read (the conservative error). Not
// thread-safe; one thread per host, as ENet requires.
#pragma once

#include <enet/enet.h>

#include <cstdint>
#include <span>
#include <unordered_map>

namespace allo::client {

class ArrivalStamps {
 public:
  // Stamps packets on `channel` of `host` (asks the kernel to timestamp
  // the socket's datagrams and installs the host's intercept).
  ArrivalStamps(ENetHost* host, uint8_t channel);
  ~ArrivalStamps();  // removes the intercept
  ArrivalStamps(const ArrivalStamps&) = delete;
  ArrivalStamps& operator=(const ArrivalStamps&) = delete;

  // Makes `stamps` the recorder of this thread's intercept calls while alive.
  class Scope {
   public:
    explicit Scope(ArrivalStamps* stamps);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    ArrivalStamps* previous_;
  };

  uint8_t channel() const { return channel_; }
  // Arrival (mono seconds) of a packet with exactly these bytes, forgotten
  // once taken; negative when unknown (a fragmented packet, a datagram read
  // outside a Scope, a stamp the kernel could not give).
  double take(std::span<const uint8_t> packet);
  size_t pending() const { return arrivals_.size(); }

 private:
  static int intercept(ENetHost* host, ENetEvent* event);
  void record(ENetHost* host);

  ENetHost* host_;
  uint8_t channel_;
  std::unordered_map<uint64_t, double> arrivals_;  // payload hash -> arrival
};

}  // namespace allo::client
