// allo-loadgen: N voice clients against a place (see loadgen_run.hpp). Prints
// a human summary on stderr and one JSON report line on stdout.
#include <fmt/format.h>

#include <cstdio>

#include "common/allocator.hpp"
#include "common/log.hpp"
#include "loadgen_options.hpp"
#include "loadgen_run.hpp"

int main(int argc, char** argv) {
  using namespace allo::loadgen;
  auto options = parse_loadgen_options(std::vector<std::string>(argv + 1, argv + argc));
  if (!options) {
    const bool help = options.error().code == "help";
    fmt::print(help ? stdout : stderr, "{}{}\n",
               help ? "" : "allo-loadgen: ", options.error().detail);
    return help ? 0 : 2;
  }
  allo::log::configure("allo-loadgen", allo::log::Level::kWarn);
  allo::log_malloc_in_use();  // a warning when mimalloc did not take (common/allocator.hpp)
  LoadgenRun run(*options);
  auto report = run.run();
  if (!report) {
    fmt::print(stderr, "allo-loadgen: {}: {}\n", report.error().code, report.error().detail);
    return 1;
  }
  const auto& r = *report;
  fmt::print(stderr,
             "clients {} speakers {} selected {} direct {} | sent {} expected {} delivered {} "
             "({:.3f}%) unknown {} | latency ms p50 {:.2f} p99 {:.2f} p999 {:.2f} max {:.2f} | "
             "at arrival p50 {:.2f} p99 {:.2f} p999 {:.2f} ({} stamped) | "
             "decoded {}/{} | intents {} state {} | cpu {:.2f} s on {} threads\n",
             r.clients, r.speakers, r.selected, r.direct_clients, r.packets_sent, r.expected,
             r.delivered, 100 * r.delivered_ratio(), r.unknown, r.latency.p50_ms, r.latency.p99_ms,
             r.latency.p999_ms, r.latency.max_ms, r.arrival_latency.p50_ms,
             r.arrival_latency.p99_ms, r.arrival_latency.p999_ms, r.arrival_latency.samples,
             r.decoded, r.decoded + r.decode_failures, r.intents_sent, r.state_packets,
             r.loadgen_cpu_seconds, r.threads);
  fmt::print("{}\n", to_json_line(r));
  return 0;
}
