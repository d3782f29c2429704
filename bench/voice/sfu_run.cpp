#include "sfu_run.hpp"

#include <dirent.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <memory>
#include <sstream>

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

}  // namespace

SfuRunResult run_sfu(const SfuRunConfig& c) {
  SfuRunResult result;
  const std::string bin = ALLO_BIN_DIR;
  const uint16_t link = testing::free_udp_port(), listen = testing::free_udp_port();
  const uint16_t place = testing::free_udp_port();
  const uint16_t sfu_metrics = testing::free_tcp_port(), place_metrics = testing::free_tcp_port();
  auto sfu = start({bin + "/allo-sfu", "--link", local(link), "--listen", local(listen),
                    "--metrics", local(sfu_metrics), "--workers", std::to_string(c.workers),
                    "--max-speakers", std::to_string(c.selected), "--log-level", "warn"},
                   sfu_metrics);
  auto alloplace =
      start({bin + "/alloplace", "--listen", local(place), "--metrics", local(place_metrics),
             "--sfu", local(link), "--tick-hz", "20", "--max-peers", "1024", "--log-level", "warn"},
            place_metrics);
  const pid_t sfu_pid = find_process("allo-sfu", local(link));
  const double cpu_before = sfu_pid > 0 ? process_cpu_seconds(sfu_pid) : 0;
  {
    ChildProcess loadgen({bin + "/allo-loadgen", "--place", "alloplace://" + local(place),
                          "--clients", std::to_string(c.clients), "--speakers",
                          std::to_string(c.speakers), "--selected", std::to_string(c.selected),
                          "--seconds", std::to_string(c.seconds), "--warmup", "1", "--path",
                          c.direct ? "direct" : "compatible"});
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
  if (sfu_pid > 0) result.sfu_cpu_seconds = process_cpu_seconds(sfu_pid) - cpu_before;
  result.sfu_packets_out =
      testing::metric_value(testing::scrape_metrics(sfu_metrics), "allo_sfu_packets_out_total");
  stop(alloplace);
  stop(sfu);
  return result;
}

}  // namespace allo::bench
