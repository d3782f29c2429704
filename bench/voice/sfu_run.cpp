#include "sfu_run.hpp"

#include <dirent.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "tests/support/child_process.hpp"
#include "tests/support/net.hpp"

namespace allo::bench {
namespace {

using testing::ChildProcess;

std::string local(uint16_t port) {
  return "127.0.0.1:" + std::to_string(port);
}

// The pid of the running process whose command line holds both strings.
pid_t find_process(const std::string& a, const std::string& b) {
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return -1;
  pid_t found = -1;
  while (dirent* entry = readdir(proc)) {
    const pid_t pid = static_cast<pid_t>(std::atoi(entry->d_name));
    if (pid <= 0) continue;
    std::ifstream file("/proc/" + std::string(entry->d_name) + "/cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(file)), {});
    if (cmdline.find(a) != std::string::npos && cmdline.find(b) != std::string::npos) {
      found = pid;
      break;
    }
  }
  closedir(proc);
  return found;
}

double process_cpu_seconds(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(file)), {});
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string skip;
  for (int i = 3; i < 14; ++i) fields >> skip;  // state .. cmajflt
  double utime = 0, stime = 0;
  fields >> utime >> stime;
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::unique_ptr<ChildProcess> start(const std::vector<std::string>& argv, uint16_t metrics) {
  auto process = std::make_unique<ChildProcess>(argv);
  testing::wait_until([&] { return !testing::scrape_metrics(metrics).empty(); }, 10, [] {});
  return process;
}

void stop(std::unique_ptr<ChildProcess>& process) {
  process->kill_now(SIGTERM);
  if (!process->wait(5)) process->kill_now(SIGKILL);
}

constexpr double kSampleSeconds = 0.25;

struct Sample {
  double t, cpu, packets;
};

// Δcpu / Δpackets between the samples where the cumulative packets-out
// count first reaches 10% and 90% of its final value: the forwarding stretch,
// without client setup before it and the drain after it. Cumulative
// quantiles, not per-interval rates: the workers publish their counters
// every 250 ms, so one sampling interval can see zero or two publications.
void steady_state(const std::vector<Sample>& samples, SfuRunResult& result) {
  if (samples.size() < 3) return;
  const double total = samples.back().packets - samples.front().packets;
  if (total <= 0) return;
  auto crossing = [&](double fraction) {
    for (const Sample& s : samples) {
      if (s.packets - samples.front().packets >= fraction * total) return &s;
    }
    return &samples.back();
  };
  const Sample& a = *crossing(0.1);
  const Sample& b = *crossing(0.9);
  if (b.t <= a.t || b.packets <= a.packets) return;
  result.steady_cpu_us_per_packet = 1e6 * (b.cpu - a.cpu) / (b.packets - a.packets);
  result.steady_seconds = b.t - a.t;
  result.steady_packets_per_second = (b.packets - a.packets) / (b.t - a.t);
}

}  // namespace

SfuRunResult run_sfu(const SfuRunConfig& c) {
  SfuRunResult result;
  const std::string bin = ALLO_BIN_DIR;
  // free_*_port never hands out a port twice: the five are distinct.
  const uint16_t link = testing::free_udp_port(), listen = testing::free_udp_port();
  const uint16_t place = testing::free_udp_port();
  const uint16_t sfu_metrics = testing::free_tcp_port(), place_metrics = testing::free_tcp_port();
  auto sfu = start({bin + "/allo-sfu", "--link", local(link), "--listen", local(listen),
                    "--metrics", local(sfu_metrics), "--workers", std::to_string(c.workers),
                    "--max-speakers", std::to_string(c.selected), "--rt-priority",
                    std::to_string(c.rt_priority), "--log-level", "warn"},
                   sfu_metrics);
  auto alloplace =
      start({bin + "/alloplace", "--listen", local(place), "--metrics", local(place_metrics),
             "--sfu", local(link), "--tick-hz", std::to_string(c.tick_hz), "--max-peers", "1024",
             "--rt-priority", std::to_string(c.place_rt_priority), "--log-level", "warn"},
            place_metrics);
  const pid_t sfu_pid = find_process("allo-sfu", local(link));
  const double cpu_before = sfu_pid > 0 ? process_cpu_seconds(sfu_pid) : 0;
  std::vector<Sample> samples;
  std::atomic<bool> sampling{true};
  std::thread sampler([&] {
    const auto start = std::chrono::steady_clock::now();
    auto next = start;
    while (sampling.load()) {
      next += std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(kSampleSeconds));
      std::this_thread::sleep_until(next);  // a sampling period, not a synchronization
      // A saturated SFU can answer a scrape late (the client gives up after
      // 2 s): such a sample would read as 0 packets and end the cumulative
      // count below where it started. Skip it; time and CPU are read after
      // the scrape, next to the count they go with.
      const std::string text = testing::scrape_metrics(sfu_metrics);
      if (text.empty()) continue;
      const double t =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double cpu = sfu_pid > 0 ? process_cpu_seconds(sfu_pid) : 0;
      samples.push_back({t, cpu, testing::metric_value(text, "allo_sfu_packets_out_total")});
    }
  });
  {
    ChildProcess loadgen({bin + "/allo-loadgen", "--place", "alloplace://" + local(place),
                          "--clients", std::to_string(c.clients), "--speakers",
                          std::to_string(c.speakers), "--selected", std::to_string(c.selected),
                          "--seconds", std::to_string(c.seconds), "--warmup", "3", "--path",
                          c.direct ? "direct" : "compatible", "--listeners",
                          c.sink ? "sink" : "read", "--intent-hz", std::to_string(c.intent_hz)});
    const std::string out = loadgen.read_all(c.seconds + 180);
    loadgen.wait(5);
    auto report = loadgen::parse_report_line(out.substr(0, out.find('\n')));
    if (report) {
      result.ok = true;
      result.report = *report;
    } else {
      result.error = report.error().code + ": " + report.error().detail;
    }
  }
  sampling = false;
  sampler.join();
  steady_state(samples, result);
  if (sfu_pid > 0) result.sfu_cpu_seconds = process_cpu_seconds(sfu_pid) - cpu_before;
  const std::string sfu_text = testing::scrape_metrics(sfu_metrics);
  result.sfu_packets_out = testing::metric_value(sfu_text, "allo_sfu_packets_out_total");
  result.sfu_rt_priority =
      static_cast<int>(testing::metric_value(sfu_text, "allo_sfu_rt_priority"));
  const std::string place_text = testing::scrape_metrics(place_metrics);
  result.place_rt_priority =
      static_cast<int>(testing::metric_value(place_text, "alloplace_rt_priority"));
  result.place_rt_demotions =
      static_cast<int>(testing::metric_value(place_text, "alloplace_rt_demotions_total"));
  stop(alloplace);
  stop(sfu);
  return result;
}

}  // namespace allo::bench
