#include "place_process.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <thread>

namespace allo::testing {

PlaceProcess::PlaceProcess(std::vector<std::string> extra_args, const std::string& name)
    : port(free_udp_port()), metrics_port(free_tcp_port()) {
  argv_ = {std::string(ALLO_BIN_DIR) + "/alloplace",
           "--listen",
           "127.0.0.1:" + std::to_string(port),
           "--metrics",
           "127.0.0.1:" + std::to_string(metrics_port),
           "--name",
           name,
           "--log-level",
           "warn"};
  argv_.insert(argv_.end(), extra_args.begin(), extra_args.end());
  start();
}

void PlaceProcess::start() {
  process_ = std::make_unique<ChildProcess>(argv_);
  // Ready when the metrics endpoint answers (it starts before the ENet loop).
  bool up = wait_until([&] { return !metrics().empty(); }, 10.0, [] {});
  EXPECT_TRUE(up) << "alloplace did not start";
}

void PlaceProcess::restart_now() {
  process_->kill_now(SIGKILL);
  process_->wait(5);
  start();
}

PlaceProcess::~PlaceProcess() {
  if (process_) {
    process_->kill_now(SIGTERM);
    if (!process_->wait(5)) process_->kill_now(SIGKILL);
  }
}

void PlaceProcess::kill_now() {
  process_->kill_now(SIGKILL);
}

SfuProcess::SfuProcess()
    : link_port(free_udp_port()), direct_port(free_udp_port()), metrics_port(free_tcp_port()) {
  start();
}

SfuProcess::~SfuProcess() {
  if (process_) {
    process_->kill_now(SIGTERM);
    if (!process_->wait(5)) process_->kill_now(SIGKILL);
  }
}

void SfuProcess::start() {
  process_ = std::make_unique<ChildProcess>(std::vector<std::string>{
      std::string(ALLO_BIN_DIR) + "/allo-sfu", "--link", link_endpoint(), "--listen",
      "127.0.0.1:" + std::to_string(direct_port), "--metrics",
      "127.0.0.1:" + std::to_string(metrics_port), "--workers", "2", "--log-level", "warn"});
  // Ready when /metrics answers (every socket is bound before it serves).
  bool up = wait_until([&] { return !scrape_metrics(metrics_port).empty(); }, 10.0,
                       [] { std::this_thread::sleep_for(std::chrono::milliseconds(10)); });
  EXPECT_TRUE(up) << "allo-sfu did not start";
}

void SfuProcess::kill_now() {
  process_->kill_now(SIGKILL);
  process_->wait(5);
  process_.reset();
}

void SfuProcess::stop() {
  process_->kill_now(SIGTERM);
  EXPECT_TRUE(process_->wait(10)) << "allo-sfu did not stop on SIGTERM";
  process_.reset();
}

std::unique_ptr<client::Client> join(const PlaceProcess& place, const std::string& name,
                                     client::ClientOptions options,
                                     const nlohmann::json& identity) {
  auto c = std::make_unique<client::Client>(options);
  auto connected = c->connect(place.url(), 5.0);
  EXPECT_TRUE(connected) << (connected ? "" : connected.error().detail);
  bool done = false;
  nlohmann::json full_identity = identity;
  full_identity["display_name"] = name;
  auto sent = c->announce(
      full_identity,
      {{"geometry", {{"type", "hardcoded-model"}, {"name", "head"}}},
       {"children", nlohmann::json::array({{{"intent", {{"actuate_pose", "hand/left"}}}}})}},
      [&](const client::AnnounceResult& r) {
        EXPECT_TRUE(r.ok) << r.error.code << ": " << r.error.detail;
        done = true;
      });
  EXPECT_TRUE(sent);
  EXPECT_TRUE(c->run_until([&] { return done; }, 5.0));
  return c;
}

nlohmann::json call(client::Client& c, const std::vector<client::Client*>& others,
                    const std::string& to, const nlohmann::json& body) {
  nlohmann::json reply;
  bool done = false;
  auto sent = c.request(to, body, [&](const nlohmann::json& r) {
    reply = r;
    done = true;
  });
  EXPECT_TRUE(sent);
  EXPECT_TRUE(wait_until([&] { return done; }, 5.0,
                         [&] {
                           c.poll(5);
                           poll_all(others, 0);
                         }));
  return reply;
}

void poll_all(const std::vector<client::Client*>& clients, int timeout_ms) {
  for (auto* c : clients) c->poll(timeout_ms);
}

}  // namespace allo::testing
