// asset_bench: the asset hit path (SDK clients <- alloplace --assetd <-
// allo-assetd, served from LMDB) for 1 KB, 1 MB and 16 MB assets to 1, 10 and
// 50 clients, beside raw LMDB reads and a plain ENet bulk transfer of the same
// assets (one message per asset, in 64 KiB pieces) measured in the same run,
// a plain ENet relay of one request and one reply per asset through a middle
// host (for assets that fit one message: what the hit path's four ENet hops
// cost with no work of its own), and the miss latency of a 1 MB asset (fetched from a publishing
// agent). Starts both daemons from the build's bin directory. Prints medians and the hit/ENet
// ratio. Usage: asset_bench [--quick] [--only "1 KB"|"1 MB"|"16 MB"] (--only runs one size class)
#include <enet/enet.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include "allo/asset_client.hpp"
#include "common/mono_clock.hpp"
#include "enet_bulk_baseline.hpp"
#include "enet_relay_baseline.hpp"
#include "lmdb_read_baseline.hpp"
#include "ready_fleet.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/net.hpp"

namespace allo::bench {
namespace {

using Bytes = std::vector<uint8_t>;

struct Agent {
  std::unique_ptr<client::Client> client;
  std::unique_ptr<client::AssetClient> assets;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

Bytes random_bytes(size_t n, std::mt19937_64& rng) {
  Bytes b(n);
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  return b;
}

Agent connect_agent(const std::string& url, const std::string& name) {
  Agent a;
  a.client = std::make_unique<client::Client>();
  if (auto r = a.client->connect(url, 5); !r)
    throw std::runtime_error("connect: " + r.error().detail);
  bool done = false;
  (void)a.client->announce({{"display_name", name}}, {{"transform", nlohmann::json::object()}},
                           [&](const client::AnnounceResult&) { done = true; });
  if (!a.client->run_until([&] { return done; }, 5)) throw std::runtime_error("announce timed out");
  a.assets = std::make_unique<client::AssetClient>(*a.client);
  return a;
}

// Services the agents until cond() or the timeout (see ReadyFleet).
bool pump(std::vector<Agent*> agents, const std::function<bool()>& cond, double timeout) {
  double deadline = mono_seconds() + timeout;
  std::vector<int> fds;
  for (auto* a : agents) fds.push_back(a->client->socket_fd());
  ReadyFleet fleet(fds, [&](size_t i) { (void)agents[i]->client->poll(0); });
  while (!cond()) {
    if (mono_seconds() > deadline) return false;
    fleet.turn();
  }
  return true;
}

// Every agent fetches every id at once; returns the seconds until all are verified.
double fetch_all(std::vector<Agent*> agents, const std::vector<std::string>& ids) {
  size_t done = 0, failed = 0;
  double start = mono_seconds();
  for (auto* a : agents) {
    for (const auto& id : ids) {
      (void)a->assets->requester().fetch(id, [&](const client::AssetResult& r) {
        ++done;
        failed += r.ok ? 0 : 1;
      });
    }
  }
  if (!pump(
          agents, [&] { return done == agents.size() * ids.size(); }, 300) ||
      failed)
    throw std::runtime_error(fmt::format("hit path: {} of {} fetches failed", failed, done));
  return mono_seconds() - start;
}

// The baseline's message size cap: assetd's data frames carry 64 KiB.
constexpr size_t kMessageBytes = 64 * 1024;

struct SizeClass {
  const char* label;
  size_t bytes;
  int count;  // distinct assets fetched at once by every client
};

int run(bool quick, const std::string& only, bool hit_only) {
  std::string pattern = (std::filesystem::temp_directory_path() / "asset-bench-XXXXXX").string();
  std::filesystem::path dir = mkdtemp(pattern.data());
  uint16_t link = testing::free_udp_port(), assetd_metrics = testing::free_tcp_port();
  uint16_t port = testing::free_udp_port(), place_metrics = testing::free_tcp_port();
  const std::string bin = ALLO_BIN_DIR;
  auto assetd = std::make_unique<testing::ChildProcess>(std::vector<std::string>{
      bin + "/allo-assetd", "--link", fmt::format("127.0.0.1:{}", link), "--metrics",
      fmt::format("127.0.0.1:{}", assetd_metrics), "--db", dir.string(), "--budget", "512MiB",
      "--hard-limit", "768MiB", "--map-size", "1GiB", "--log-level", "warn"});
  auto place = std::make_unique<testing::ChildProcess>(
      std::vector<std::string>{bin + "/alloplace", "--listen", fmt::format("127.0.0.1:{}", port),
                               "--metrics", fmt::format("127.0.0.1:{}", place_metrics), "--assetd",
                               fmt::format("127.0.0.1:{}", link), "--log-level", "warn"});
  auto place_metric = [&](const char* name) {
    return testing::metric_value(testing::scrape_metrics(place_metrics), name);
  };
  auto assetd_metric = [&](const char* name) {
    return testing::metric_value(testing::scrape_metrics(assetd_metrics), name);
  };
  if (!testing::wait_until([&] { return place_metric("alloplace_assetd_link_connected") == 1; }, 15,
                           [] { std::this_thread::sleep_for(std::chrono::milliseconds(50)); }))
    throw std::runtime_error("the place did not connect to allo-assetd");
  const std::string url = fmt::format("alloplace://127.0.0.1:{}", port);

  std::mt19937_64 rng(42);
  std::vector<SizeClass> classes = {
      {"1 KB", 1024, 2048}, {"1 MB", 1 << 20, 4}, {"16 MB", 16 << 20, 1}};
  std::map<std::string, std::vector<std::string>> ids;
  double expected_entries = 0;
  for (const auto& c : classes) expected_entries += c.count;
  {
    Agent publisher = connect_agent(url, "publisher");
    for (const auto& c : classes) {
      for (int i = 0; i < c.count; ++i) {
        std::string id = publisher.assets->publisher().add(random_bytes(c.bytes, rng));
        (void)publisher.assets->publisher().push(id);
        ids[c.label].push_back(id);
      }
    }
    if (!pump(
            {&publisher}, [&] { return assetd_metric("assetd_store_entries") >= expected_entries; },
            60))
      throw std::runtime_error("pushes were not stored");
    publisher.client->disconnect();
  }
  std::vector<int> client_counts = {1, 10, 50};
  std::vector<Agent> agents;
  for (int i = 0; i < client_counts.back(); ++i) agents.push_back(connect_agent(url, "visor"));

  // The SDK agents stay connected while the ENet baseline runs.
  auto keepalive = [&] {
    for (auto& a : agents) a.client->poll(0);
  };
  fmt::print("asset hit path vs plain ENet (medians; MB/s = all clients' bytes / wall time)\n");
  fmt::print("{:>6} {:>7} {:>5} {:>12} {:>12} {:>8} {:>12} {:>9} {:>14}\n", "size", "clients",
             "reps", "hit MB/s", "enet MB/s", "ratio", "relay MB/s", "hit/relay", "lmdb read MB/s");
  for (const auto& c : classes) {
    if (!only.empty() && only != c.label) continue;
    uint64_t lmdb_bytes = 0;
    double lmdb_s = 0;
    for (const auto& id : ids[c.label]) {
      if (hit_only) break;
      uint64_t b = 0;
      lmdb_s += lmdb_read_seconds(dir.string(), id, c.bytes < 4096 ? 200 : 20, b);
      lmdb_bytes += b;
    }
    for (int n : client_counts) {
      // 16 MB moves up to 800 MB per run: three runs, not five.
      int reps = quick ? 1 : c.bytes >= (16u << 20) ? 3 : 5;
      std::vector<Agent*> group;
      for (int i = 0; i < n; ++i) group.push_back(&agents[i]);
      double total = static_cast<double>(n) * c.count * c.bytes;
      std::vector<double> hit, enet, relay;
      // The relay baseline answers each request with one message.
      const bool relayed = c.bytes <= kMessageBytes;
      for (int r = 0; r < reps; ++r) {
        hit.push_back(total / fetch_all(group, ids[c.label]) / 1e6);
        if (hit_only) continue;
        enet.push_back(total /
                       enet_bulk_seconds(c.count * c.bytes,
                                         std::min<size_t>(c.bytes, kMessageBytes), n, keepalive) /
                       1e6);
        if (relayed)
          relay.push_back(total / enet_relay_seconds(c.count, c.bytes, n, keepalive) / 1e6);
      }
      const double h = median(hit);
      if (hit_only) {
        fmt::print("{:>6} {:>7} {:>5} {:>12.1f} {:>12} {:>8} {:>12} {:>9} {:>14}\n", c.label, n,
                   reps, h, "-", "-", "-", "-", "-");
        continue;
      }
      const double e = median(enet);
      const std::string relay_rate = relayed ? fmt::format("{:.1f}", median(relay)) : "-";
      const std::string relay_ratio = relayed ? fmt::format("{:.2f}", h / median(relay)) : "-";
      fmt::print("{:>6} {:>7} {:>5} {:>12.1f} {:>12.1f} {:>8.2f} {:>12} {:>9} {:>14.1f}\n", c.label,
                 n, reps, h, e, h / e, relay_rate, relay_ratio, lmdb_bytes / lmdb_s / 1e6);
    }
  }

  if (!hit_only) {
    // Miss latency: a fresh 1 MB asset each time, fetched from its publisher.
    Agent publisher = connect_agent(url, "publisher");
    std::vector<double> miss;
    for (int r = 0; r < (quick ? 3 : 11); ++r) {
      std::string id = publisher.assets->publisher().add(random_bytes(1 << 20, rng));
      client::AssetRequestOptions options;
      options.published_by = publisher.client->avatar_id();
      bool ok = false, done = false;
      double start = mono_seconds();
      (void)agents[0].assets->requester().fetch(
          id, [&](const client::AssetResult& res) { ok = res.ok, done = true; }, options);
      if (!pump(
              {&publisher, &agents[0]}, [&] { return done; }, 30) ||
          !ok)
        throw std::runtime_error("miss fetch failed");
      miss.push_back((mono_seconds() - start) * 1000);
    }
    fmt::print("miss latency, 1 MB from a publishing agent: median {:.1f} ms over {} runs\n",
               median(miss), miss.size());
  }
  agents.clear();
  place.reset();
  assetd.reset();
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace allo::bench

int main(int argc, char** argv) {
  enet_initialize();
  bool quick = false, hit_only = false;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--quick") {
      quick = true;
    } else if (arg == "--hit-only") {
      hit_only = true;  // for profiling the daemons: no baselines, no miss runs
    } else if (arg == "--only" && i + 1 < argc) {
      only = argv[++i];
    } else {
      fmt::print(
          stderr,
          "usage: asset_bench [--quick] [--hit-only] [--only \"1 KB\"|\"1 MB\"|\"16 MB\"]\n");
      return 2;
    }
  }
  try {
    return allo::bench::run(quick, only, hit_only);
  } catch (const std::exception& e) {
    fmt::print(stderr, "asset_bench: {}\n", e.what());
    return 1;
  }
}
