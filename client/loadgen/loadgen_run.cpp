#include "loadgen_run.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <system_error>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "loadgen_shard.hpp"

namespace allo::loadgen {

LoadgenRun::LoadgenRun(LoadgenOptions options) : options_(std::move(options)) {}

uint32_t LoadgenRun::thread_count(uint32_t requested, uint32_t clients) {
  const uint32_t wanted = requested != 0 ? requested : std::thread::hardware_concurrency();
  return std::clamp(wanted, 1u, std::clamp(clients, 1u, kMaxLoadgenThreads));
}

proto::Result<void> LoadgenRun::first_cause(const std::vector<proto::Result<void>>& results) {
  const proto::Error* cause = nullptr;
  for (const auto& r : results) {
    if (r) continue;
    if (cause == nullptr || (cause->code == "aborted" && r.error().code != "aborted"))
      cause = &r.error();
  }
  if (cause != nullptr) return std::unexpected(*cause);
  return {};
}

proto::Result<LoadgenReport> LoadgenRun::run() {
  const uint32_t total_frames = static_cast<uint32_t>(
      std::ceil((options_.warmup_seconds + options_.seconds) / kFrameSeconds));
  const uint32_t window_first =
      static_cast<uint32_t>(std::floor(options_.warmup_seconds / kFrameSeconds));
  auto frames = SentFrames::encode(options_.speakers, total_frames);
  if (!frames) return std::unexpected(frames.error());

  const uint32_t threads = thread_count(options_.threads, options_.clients);
  ShardShared shared(options_, *frames, threads, window_first, total_frames);
  std::vector<std::unique_ptr<LoadgenShard>> shards;
  for (uint32_t k = 0; k < threads; ++k)
    shards.push_back(std::make_unique<LoadgenShard>(shared, k));
  std::vector<proto::Result<void>> results(threads);
  std::vector<ShardTally> tallies(threads);
  {
    std::vector<std::jthread> running;
    for (uint32_t k = 0; k < threads; ++k) {
      try {
        running.emplace_back([&, k] {
          results[k] = shards[k]->run();
          tallies[k] = shards[k]->take_tally();
          shards[k]->close();
        });
      } catch (const std::system_error& e) {  // the started ones stop at their next turn
        shared.abort.abort();
        for (uint32_t rest = k; rest < threads; ++rest) {
          results[rest] = proto::fail("setup_failed", fmt::format("thread {}: {}", rest, e.what()));
        }
        break;
      }
    }
  }  // joins

  if (auto failed = first_cause(results); !failed) return std::unexpected(failed.error());

  LoadgenReport r;
  r.clients = options_.clients;
  r.speakers = options_.speakers;
  r.selected = options_.selected;
  r.seconds = (total_frames - window_first) * kFrameSeconds;
  std::vector<float> latency, arrival_latency;
  for (auto& t : tallies) {
    r.packets_sent += t.sent_in_window;
    r.delivered += t.delivered;
    r.unknown += t.unknown;
    r.decoded += t.decoded;
    r.decode_failures += t.decode_failures;
    r.intents_sent += t.intents_sent;
    r.state_packets += t.state_packets;
    r.direct_clients += t.direct_clients;
    latency.insert(latency.end(), t.latency_ms.begin(), t.latency_ms.end());
    arrival_latency.insert(arrival_latency.end(), t.arrival_latency_ms.begin(),
                           t.arrival_latency_ms.end());
  }
  // Every listener hears min(selected, its candidates) speakers at any time
  // (a speaker is not its own candidate); all speakers send at the same rate.
  uint64_t streams = 0;
  for (uint32_t l = 0; l < options_.clients; ++l) {
    const uint32_t candidates = options_.speakers - (l < options_.speakers ? 1 : 0);
    streams += options_.selected == 0 ? candidates : std::min(options_.selected, candidates);
  }
  r.expected = options_.speakers == 0 ? 0 : r.packets_sent * streams / options_.speakers;
  r.threads = threads;
  r.loadgen_cpu_seconds = shared.window_cpu_after - shared.window_cpu_before;
  r.latency = summarize_latency(latency);
  r.arrival_latency = summarize_latency(arrival_latency);
  return r;
}

}  // namespace allo::loadgen
