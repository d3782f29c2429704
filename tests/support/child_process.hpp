// ChildProcess: a program started with posix_spawn, its stdin and stdout
// connected to pipes (stderr inherited). For driving the `allo` CLI and the
// place daemon from tests. Destruction kills (SIGKILL) and reaps it.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace allo::testing {

class ChildProcess {
 public:
  // argv[0] is the program path. Throws std::runtime_error when it cannot start.
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  void write_stdin(const std::string& text);
  void close_stdin();
  // The next stdout line (without '\n'), or nullopt at EOF / after the deadline.
  std::optional<std::string> read_line(double timeout_seconds);
  // Everything left on stdout until EOF (or the deadline).
  std::string read_all(double timeout_seconds);
  // The exit status (or 128+signal), or nullopt if still running at the deadline.
  std::optional<int> wait(double timeout_seconds);
  void kill_now(int signal);
  pid_t pid() const { return pid_; }

 private:
  bool fill(double deadline);
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  bool eof_ = false;
  std::string buffer_;
  std::optional<int> status_;
};

}  // namespace allo::testing
