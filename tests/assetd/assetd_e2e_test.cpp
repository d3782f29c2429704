// End to end: the real allo-assetd binary on loopback, with this test playing
// the place over the link (and the agents behind it).
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/socket.h>

#include "common/hash_verifier.hpp"
#include "tests/assetd/assetd_process.hpp"
#include "tests/assetd/temp_dir.hpp"

namespace allo::testing {
namespace {

using namespace std::chrono_literals;
using proto::AssetMid;
using Bytes = std::vector<uint8_t>;

Bytes make_bytes(size_t n, uint8_t seed) {
  Bytes v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(seed * 17 + i * 5 + (i >> 10));
  return v;
}

std::string asset_id(const Bytes& bytes) {
  return HashVerifier::asset_id_of(proto::HashAlgorithm::kSha256, bytes);
}

Bytes request(const std::string& id, uint64_t start, uint64_t count) {
  return proto::encode_asset_request({id, {start, count}, ""});
}

// Sends `bytes` as data frames from `agent`, starting at 0.
void send_data(PlaceLink& link, uint32_t agent, const std::string& id, const Bytes& bytes,
               size_t limit = SIZE_MAX) {
  const size_t chunk = 64 * 1024;
  for (size_t off = 0; off < std::min(bytes.size(), limit); off += chunk) {
    size_t n = std::min(chunk, bytes.size() - off);
    link.from_agent(agent,
                    proto::encode_asset_data(id, {off, n}, bytes.size(), {bytes.data() + off, n}));
  }
}

// Plays a publisher agent: answers the head request, then the range request.
void publish(PlaceLink& link, uint32_t agent, const std::string& id, const Bytes& bytes) {
  auto head = link.next(agent);
  ASSERT_TRUE(head);
  ASSERT_EQ(head->mid(), AssetMid::kRequest);
  EXPECT_EQ(head->header()["range"], proto::json::array({0, 0}));
  link.from_agent(agent, proto::encode_asset_data(id, {0, 0}, bytes.size(), {}));
  auto range = link.next(agent);
  ASSERT_TRUE(range);
  EXPECT_EQ(range->header()["range"], proto::json::array({0, bytes.size()}));
  send_data(link, agent, id, bytes);
}

// Collects data frames for `agent` until `total` bytes arrived from offset `base`.
Bytes receive_asset(PlaceLink& link, uint32_t agent, size_t total, size_t base = 0,
                    size_t* frames = nullptr) {
  Bytes got;
  while (got.size() < total) {
    auto f = link.next(agent);
    if (!f || f->mid() != AssetMid::kData) {
      ADD_FAILURE() << "expected data for agent " << agent;
      break;
    }
    EXPECT_EQ(f->header()["range"][0].get<size_t>(), base + got.size());
    EXPECT_LE(f->body().size(), 64u * 1024);
    auto body = f->body();
    got.insert(got.end(), body.begin(), body.end());
    if (frames) ++*frames;
  }
  return got;
}

class AssetdE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { enet_initialize(); }

  void start() {
    daemon_ = std::make_unique<AssetdProcess>(std::vector<std::string>{
        "--link", "127.0.0.1:" + std::to_string(link_port_), "--metrics",
        "127.0.0.1:" + std::to_string(metrics_port_), "--db", dir_.path().string(), "--budget",
        "32MiB", "--hard-limit", "48MiB", "--map-size", "64MiB", "--source-timeout", "2",
        "--log-level", "warn"});
    link_ = std::make_unique<PlaceLink>(link_port_);
    ASSERT_TRUE(link_->connected());
  }
  // Waits until the metrics text has `line` (metrics publish once a second).
  bool metric_is(const std::string& line) {
    httplib::Client client("127.0.0.1", metrics_port_);
    auto deadline = Clock::now() + 5s;
    while (Clock::now() < deadline) {
      auto res = client.Get("/metrics");
      if (res && res->body.find("\n" + line + "\n") != std::string::npos) return true;
      link_->pump_for(50ms);
    }
    return false;
  }
  std::string inspect() {
    return AssetdProcess::run_to_end({"--inspect", "--db", dir_.path().string()});
  }

  TempDir dir_;
  uint16_t link_port_ = free_port(SOCK_DGRAM);
  uint16_t metrics_port_ = free_port(SOCK_STREAM);
  std::unique_ptr<AssetdProcess> daemon_;
  std::unique_ptr<PlaceLink> link_;
};

TEST_F(AssetdE2eTest, MissIsFetchedOnceForTwoRequestersThenServedAsAHit) {
  start();
  for (uint32_t a : {1u, 2u, 3u}) link_->join(a);
  Bytes bytes = make_bytes(300'000, 1);
  std::string id = asset_id(bytes);
  link_->from_agent(1, request(id, 0, bytes.size()), /*hint=*/2);
  link_->from_agent(3, request(id, 0, 0), /*hint=*/2);
  publish(*link_, 2, id, bytes);

  EXPECT_EQ(receive_asset(*link_, 1, bytes.size()), bytes);
  auto head = link_->next(3);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->header()["total_length"], 300'000);
  EXPECT_TRUE(head->body().empty());
  EXPECT_TRUE(metric_is("assetd_upstream_requests_total 2"));  // one fetch: head + range
  EXPECT_TRUE(metric_is("assetd_coalesced_requests_total 1"));

  // Now a hit: served from LMDB in chunks, nobody else is asked.
  link_->from_agent(3, request(id, 1000, 200'000));
  size_t frames = 0;
  Bytes got = receive_asset(*link_, 3, 200'000, 1000, &frames);
  EXPECT_EQ(got, Bytes(bytes.begin() + 1000, bytes.begin() + 201'000));
  EXPECT_EQ(frames, 4u);
  EXPECT_TRUE(metric_is("assetd_hits_total 1"));
  EXPECT_TRUE(metric_is("assetd_store_entries 1"));
  EXPECT_EQ(link_->queued(2), 0u);
}

TEST_F(AssetdE2eTest, ForgedBytesAreRejectedAndTheNextSourceAsked) {
  start();
  for (uint32_t a : {1u, 2u, 3u}) link_->join(a);
  Bytes bytes = make_bytes(100'000, 2);
  std::string id = asset_id(bytes);
  link_->from_agent(1, request(id, 0, bytes.size()));
  Bytes forged = bytes;
  forged[50'000] ^= 0x5a;
  auto asked = link_->next(2);
  ASSERT_TRUE(asked);
  send_data(*link_, 2, id, forged);  // answers the head request with all the (forged) data
  auto rejected = link_->next(2);
  ASSERT_TRUE(rejected);
  EXPECT_EQ(rejected->header()["error_code"], "hash_mismatch");
  auto next_source = link_->next(3);
  ASSERT_TRUE(next_source);
  EXPECT_EQ(next_source->mid(), AssetMid::kRequest);
  link_->from_agent(3, proto::encode_asset_failure({id, "not here", "asset_not_found"}));
  auto failure = link_->next(1);
  ASSERT_TRUE(failure);
  EXPECT_EQ(failure->mid(), AssetMid::kFailure);
  EXPECT_EQ(failure->header()["error_code"], "asset_not_found");
  EXPECT_TRUE(metric_is("assetd_hash_mismatches_total 1"));
  EXPECT_TRUE(metric_is("assetd_store_entries 0"));
}

TEST_F(AssetdE2eTest, MalformedInputIsAnsweredAndCounted) {
  start();
  link_->join(1);
  link_->from_agent(1, Bytes{0x00, 0x09, 0x00, 0x01, 'x'});
  auto reply = link_->next(1);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->header()["error_code"], "malformed_frame");
  link_->from_agent(1, request("asset:sha256:nothex", 0, 0));
  reply = link_->next(1);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->header()["error_code"], "invalid_asset_id");
  link_->send(Bytes{0x09, 0, 0, 0, 1});  // unknown link kind: dropped, counted
  EXPECT_TRUE(metric_is("assetd_rejected_total{reason=\"link_unknown_kind\"} 1"));
  EXPECT_TRUE(metric_is("assetd_rejected_total{reason=\"unknown_mid\"} 1"));
}

TEST_F(AssetdE2eTest, KillDuringIngestLeavesNoPartialAssetAndKeepsCommittedOnes) {
  start();
  link_->join(2);
  Bytes kept = make_bytes(200'000, 3), partial = make_bytes(1'000'000, 4);
  Bytes racing = make_bytes(700'000, 5);
  send_data(*link_, 2, asset_id(kept), kept);  // a push
  ASSERT_TRUE(metric_is("assetd_commits_total{outcome=\"stored\"} 1"));
  send_data(*link_, 2, asset_id(partial), partial, 300'000);  // the pusher stops halfway
  send_data(*link_, 2, asset_id(racing), racing);             // may or may not be committed
  link_->pump_for(100ms);
  daemon_->kill9();
  link_.reset();

  std::string report = inspect();
  EXPECT_NE(report.find("entries"), std::string::npos) << report;
  start();
  link_->join(1);
  link_->from_agent(1, request(asset_id(kept), 0, kept.size()));
  EXPECT_EQ(receive_asset(*link_, 1, kept.size()), kept);
  link_->from_agent(1, request(asset_id(partial), 0, 10));
  auto missing = link_->next(1);  // nobody else is connected to ask
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->header()["error_code"], "asset_not_found");
  // The asset pushed right before the kill is either whole or absent.
  link_->from_agent(1, request(asset_id(racing), 0, racing.size()));
  auto first = link_->next(1);
  ASSERT_TRUE(first);
  if (first->mid() == AssetMid::kData) {
    Bytes got = first->body();
    Bytes rest = receive_asset(*link_, 1, racing.size() - got.size(), got.size());
    got.insert(got.end(), rest.begin(), rest.end());
    EXPECT_EQ(got, racing);
  } else {
    EXPECT_EQ(first->header()["error_code"], "asset_not_found");
  }
}

TEST_F(AssetdE2eTest, InspectPrintsTheStore) {
  start();
  link_->join(2);
  Bytes bytes = make_bytes(5000, 6);
  send_data(*link_, 2, asset_id(bytes), bytes);
  ASSERT_TRUE(metric_is("assetd_store_entries 1"));
  link_->join(1);
  link_->from_agent(1, request(asset_id(bytes), 0, 0));
  ASSERT_TRUE(link_->next(1));
  link_.reset();
  daemon_.reset();  // SIGTERM: flushes the counters
  std::string report = inspect();
  EXPECT_NE(report.find("entries     1\n"), std::string::npos) << report;
  EXPECT_NE(report.find("budget      33554432\n"), std::string::npos) << report;
  EXPECT_NE(report.find("hit ratio   1.000 (1 hits, 0 misses)"), std::string::npos) << report;
}

TEST(AssetdCli, BadConfigurationFailsFastNamingTheSetting) {
  int status = 0;
  AssetdProcess::run_to_end({"--budget", "10MiB", "--hard-limit", "1MiB"}, &status);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
  std::string help = AssetdProcess::run_to_end({"--help"}, &status);
  EXPECT_NE(help.find("--max-asset-size"), std::string::npos);
}

}  // namespace
}  // namespace allo::testing
