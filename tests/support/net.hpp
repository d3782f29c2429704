// Loopback helpers for tests that start real daemons.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <functional>
#include <string>

namespace allo::testing {

// A port on 127.0.0.1 that was free a moment ago (bound, then released), and
// never returned to this process before: consecutive calls give distinct ports.
uint16_t free_udp_port();
// A socket of `type` (SOCK_DGRAM, SOCK_STREAM, plus flags) bound to
// 127.0.0.1 on a port the kernel picks; fills `bound` with its address.
// Returns -1 when the socket cannot be made or bound.
int bind_loopback(int type, sockaddr_in& bound);
uint16_t free_tcp_port();

// GET http://127.0.0.1:port/metrics; "" when nothing answers.
std::string scrape_metrics(uint16_t port);
// Sum of the samples of `name` (exact metric name) in exposition `text` whose
// label set contains `label_filter` (e.g. "reason=\"not_owner\""); 0 if none.
double metric_value(const std::string& text, const std::string& name,
                    const std::string& label_filter = "");

// Calls `step` (which should block briefly, e.g. a poll with a timeout) until
// `cond` holds or `timeout_seconds` pass; returns cond().
bool wait_until(const std::function<bool()>& cond, double timeout_seconds,
                const std::function<void()>& step);

}  // namespace allo::testing
