// Pumping a host's events with a cap per loop turn, for the daemons' event
// loops. Header-only: its users link libenet already.
#pragma once

#include <enet/enet.h>

namespace allo {

// One enet_host_service (sends, receives, timers; it waits up to `wait_ms`
// for a first event), then the events it queued, at most `max_events` of
// them, each given to `handle` as an ENetEvent lvalue. The next event is fetched only when it will
// be handled: an event fetched and left unhandled would be lost. Returns how many were handled;
// `max_events` means ENet may hold more (do not sleep next turn, the socket may stay quiet while
// they wait).
template <typename Handle>
int service_events(ENetHost* host, int max_events, Handle&& handle, enet_uint32 wait_ms = 0) {
  ENetEvent event;
  int handled = 0;
  int got = enet_host_service(host, &event, wait_ms);
  while (got > 0) {
    handle(event);
    if (++handled >= max_events) break;
    got = enet_host_check_events(host, &event);
  }
  return handled;
}

}  // namespace allo
