#include "tests/support/child_process.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <stdexcept>

#include "common/mono_clock.hpp"

extern char** environ;

namespace allo::testing {

ChildProcess::ChildProcess(const std::vector<std::string>& argv) {
  int in_pipe[2], out_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in_pipe[0]);
  close(out_pipe[1]);
  stdin_fd_ = in_pipe[1];
  stdout_fd_ = out_pipe[0];
  if (rc != 0) {
    close(stdin_fd_);
    close(stdout_fd_);
    throw std::runtime_error("posix_spawn " + argv[0] + " failed");
  }
  signal(SIGPIPE, SIG_IGN);  // a dead child must not kill the test on write
}

ChildProcess::~ChildProcess() {
  if (!status_) {
    kill_now(SIGKILL);
    wait(5);
  }
  if (stdin_fd_ >= 0) close(stdin_fd_);
  if (stdout_fd_ >= 0) close(stdout_fd_);
}

void ChildProcess::write_stdin(const std::string& text) {
  size_t done = 0;
  while (stdin_fd_ >= 0 && done < text.size()) {
    ssize_t n = ::write(stdin_fd_, text.data() + done, text.size() - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
}

void ChildProcess::close_stdin() {
  if (stdin_fd_ >= 0) close(stdin_fd_);
  stdin_fd_ = -1;
}

bool ChildProcess::fill(double deadline) {
  if (eof_) return false;
  double left = deadline - mono_seconds();
  if (left <= 0) return false;
  pollfd p{stdout_fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(std::ceil(left * 1000))) <= 0) return false;
  char chunk[4096];
  ssize_t n = ::read(stdout_fd_, chunk, sizeof chunk);
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  buffer_.append(chunk, static_cast<size_t>(n));
  return true;
}

std::optional<std::string> ChildProcess::read_line(double timeout_seconds) {
  const double deadline = mono_seconds() + timeout_seconds;
  while (true) {
    if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    if (!fill(deadline) && (eof_ || mono_seconds() >= deadline)) return std::nullopt;
  }
}

std::string ChildProcess::read_all(double timeout_seconds) {
  const double deadline = mono_seconds() + timeout_seconds;
  while (!eof_ && mono_seconds() < deadline) fill(deadline);
  std::string out;
  out.swap(buffer_);
  return out;
}

std::optional<int> ChildProcess::wait(double timeout_seconds) {
  if (status_) return status_;
  const double deadline = mono_seconds() + timeout_seconds;
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return status_;
    }
    if (r < 0 || mono_seconds() >= deadline) return std::nullopt;
    // Child exit has no pollable fd here; a short nap between checks is the wait itself.
    usleep(2000);
  }
}

void ChildProcess::kill_now(int signal) {
  if (pid_ > 0 && !status_) ::kill(pid_, signal);
}

}  // namespace allo::testing
