#include "loadgen_run.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "common/log.hpp"
#include "loadgen_shard.hpp"

namespace allo::loadgen {
namespace {

constexpr double kFrameSeconds = 0.02;

}  // namespace

LoadgenRun::LoadgenRun(LoadgenOptions options) : options_(std::move(options)) {}

uint32_t LoadgenRun::thread_count(uint32_t requested, uint32_t clients) {
  const uint32_t wanted =
      requested != 0 ? requested : std::max(1u, std::thread::hardware_concurrency());
  return std::clamp(wanted, 1u, std::max(1u, clients));
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
      running.emplace_back([&, k] {
        results[k] = shards[k]->run();
        tallies[k] = shards[k]->take_tally();
        shards[k]->close();
      });
    }
  }  // joins

  // The first real failure; the others only say that one failed.
  std::optional<proto::Error> error;
  for (const auto& r : results) {
    if (r) continue;
    const bool echo = r.error().detail.starts_with("another load generator thread");
    if (!error || (!echo && error->detail.starts_with("another load generator thread")))
      error = r.error();
  }
  if (error) return std::unexpected(*error);

  std::map<std::string, uint32_t> fallbacks;
  for (const auto& t : tallies)
    for (const auto& [reason, count] : t.fallbacks) fallbacks[reason] += count;
  for (const auto& [reason, count] : fallbacks) {
    log::warn("{} clients on the compatible path instead of the direct one: {}", count, reason);
  }

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
    r.loadgen_cpu_seconds += t.window_cpu_seconds;
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
  r.latency = summarize_latency(latency);
  r.arrival_latency = summarize_latency(arrival_latency);
  return r;
}

}  // namespace allo::loadgen
