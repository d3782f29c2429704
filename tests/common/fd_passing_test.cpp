// fd_passing: a descriptor handed over an abstract unix socket is a working
// copy; the failures a caller acts on (nobody listening, nothing yet, the
// peer gone) come back as their errno values.
#include "common/fd_passing.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace allo {
namespace {

std::string unique_name(const char* what) {
  return std::string("allo-test-") + what + "-" + std::to_string(getpid());
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

TEST(FdPassing, AHandedOverPipeWritesIntoTheSamePipe) {
  const std::string name = unique_name("pipe");
  Fd listener{listen_abstract(name)};
  ASSERT_GE(listener.fd, 0) << std::strerror(errno);
  Fd client{connect_abstract(name)};
  ASSERT_GE(client.fd, 0) << std::strerror(errno);
  Fd server{accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC)};
  ASSERT_GE(server.fd, 0);

  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  Fd read_end{pipe_fds[0]}, write_end{pipe_fds[1]};
  FdMessage message;
  EXPECT_EQ(receive_with_fd(server.fd, message), EAGAIN) << "nothing sent yet";
  ASSERT_EQ(send_with_fd(client.fd, "the secret", write_end.fd), 0);
  ASSERT_EQ(receive_with_fd(server.fd, message), 0);
  EXPECT_EQ(message.bytes, "the secret");
  ASSERT_GE(message.fd, 0);
  Fd received{message.fd};
  EXPECT_NE(received.fd, write_end.fd) << "a new descriptor for the same pipe";
  ASSERT_EQ(write(received.fd, "x", 1), 1);
  char c = 0;
  ASSERT_EQ(read(read_end.fd, &c, 1), 1);
  EXPECT_EQ(c, 'x');
}

TEST(FdPassing, NobodyListeningIsConnectionRefused) {
  EXPECT_LT(connect_abstract(unique_name("nobody")), 0);
  EXPECT_EQ(errno, ECONNREFUSED);
}

TEST(FdPassing, APeerThatClosedIsConnectionReset) {
  const std::string name = unique_name("closed");
  Fd listener{listen_abstract(name)};
  ASSERT_GE(listener.fd, 0);
  int client = connect_abstract(name);
  ASSERT_GE(client, 0);
  Fd server{accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC)};
  close(client);
  FdMessage message;
  EXPECT_EQ(receive_with_fd(server.fd, message), ECONNRESET);
  EXPECT_LT(message.fd, 0);
}

TEST(FdPassing, ADescriptorSentWithAnEmptyMessageIsClosedNotLeaked) {
  const std::string name = unique_name("empty");
  Fd listener{listen_abstract(name)};
  Fd client{connect_abstract(name)};
  ASSERT_GE(client.fd, 0);
  Fd server{accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC)};
  int pipe_fds[2];
  ASSERT_EQ(pipe2(pipe_fds, O_NONBLOCK), 0);
  Fd read_end{pipe_fds[0]};
  ASSERT_EQ(send_with_fd(client.fd, "", pipe_fds[1]), 0);
  close(pipe_fds[1]);  // the only copy left is the one in flight
  FdMessage message;
  EXPECT_EQ(receive_with_fd(server.fd, message), ECONNRESET);
  EXPECT_LT(message.fd, 0);
  char c;
  EXPECT_EQ(read(read_end.fd, &c, 1), 0) << "no writer left: the received copy was closed";
}

TEST(FdPassing, OversizedMessagesAreRefusedBeforeSending) {
  const std::string name = unique_name("big");
  Fd listener{listen_abstract(name)};
  Fd client{connect_abstract(name)};
  ASSERT_GE(client.fd, 0);
  EXPECT_EQ(send_with_fd(client.fd, std::string(kMaxFdMessageBytes + 1, 'a'), 0), EMSGSIZE);
}

TEST(FdPassing, TheSameNameCannotBeListenedOnTwice) {
  const std::string name = unique_name("twice");
  Fd first{listen_abstract(name)};
  ASSERT_GE(first.fd, 0);
  EXPECT_LT(listen_abstract(name), 0);
  EXPECT_EQ(errno, EADDRINUSE);
}

}  // namespace
}  // namespace allo
