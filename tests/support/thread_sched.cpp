#include "tests/support/thread_sched.hpp"

#include <dirent.h>
#include <sched.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/realtime.hpp"

namespace allo::testing {

std::vector<ThreadSched> thread_scheds(pid_t pid) {
  std::vector<ThreadSched> out;
  const std::string dir = "/proc/" + std::to_string(pid) + "/task";
  DIR* tasks = opendir(dir.c_str());
  if (tasks == nullptr) return out;
  while (dirent* entry = readdir(tasks)) {
    const pid_t tid = static_cast<pid_t>(std::atoi(entry->d_name));
    if (tid <= 0) continue;
    const std::string base = dir + "/" + entry->d_name;
    std::ifstream stat_file(base + "/stat");
    std::string stat((std::istreambuf_iterator<char>(stat_file)), {});
    const size_t close = stat.rfind(')');
    if (close == std::string::npos) continue;
    // proc(5): after "pid (comm)" come fields 3.., rt_priority is 40 and policy 41.
    std::istringstream fields(stat.substr(close + 2));
    std::string skip;
    for (int field = 3; field < 40; ++field) fields >> skip;
    ThreadSched sched;
    sched.tid = tid;
    fields >> sched.rt_priority >> sched.policy;
    std::ifstream(base + "/comm") >> sched.name;
    out.push_back(sched);
  }
  closedir(tasks);
  return out;
}

size_t round_robin_threads(pid_t pid, int priority) {
  size_t n = 0;
  for (const ThreadSched& t : thread_scheds(pid)) {
    if (t.policy == SCHED_RR && t.rt_priority == priority) ++n;
  }
  return n;
}

size_t real_time_threads(pid_t pid) {
  size_t n = 0;
  for (const ThreadSched& t : thread_scheds(pid)) n += t.policy == SCHED_OTHER ? 0 : 1;
  return n;
}

bool may_use_round_robin(int priority) {
  bool allowed = false;
  std::thread probe([&] { allowed = make_thread_realtime(priority).has_value(); });
  probe.join();
  return allowed;
}

}  // namespace allo::testing
