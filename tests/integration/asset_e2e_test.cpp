// End to end: SDK clients <-> the real alloplace --assetd <-> the real
// allo-assetd (temp LMDB dir) over loopback ENet. One place and one assetd
// serve the whole AssetPaths suite (daemon starts cost ~2 s each); every test
// uses its own assets, so the order does not matter.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "allo/asset_client.hpp"
#include "allo/asset_hash.hpp"
#include "common/mono_clock.hpp"
#include "place_process.hpp"

namespace allo::testing {
namespace {

using Bytes = std::vector<uint8_t>;
using client::AssetResult;

Bytes make_bytes(size_t n, uint8_t seed) {
  Bytes v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(seed * 31 + i * 7 + (i >> 9));
  return v;
}

// allo-assetd on free loopback ports with a fresh LMDB directory.
struct Assetd {
  Assetd() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "allo-asset-e2e-XXXXXX").string();
    dir = mkdtemp(pattern.data());
    start();
  }
  ~Assetd() {
    process.reset();
    std::filesystem::remove_all(dir);
  }
  void start() {
    process = std::make_unique<ChildProcess>(
        std::vector<std::string>{std::string(ALLO_BIN_DIR) + "/allo-assetd", "--link",
                                 "127.0.0.1:" + std::to_string(link_port), "--metrics",
                                 "127.0.0.1:" + std::to_string(metrics_port), "--db", dir.string(),
                                 "--budget", "64MiB", "--hard-limit", "96MiB", "--map-size",
                                 "128MiB", "--source-timeout", "1", "--log-level", "warn"});
    EXPECT_TRUE(wait_until([&] { return !scrape_metrics(metrics_port).empty(); }, 10, [] {}));
  }
  double metric(const std::string& name, const std::string& labels = "") const {
    return metric_value(scrape_metrics(metrics_port), name, labels);
  }

  uint16_t link_port = free_udp_port();
  uint16_t metrics_port = free_tcp_port();
  std::filesystem::path dir;
  std::unique_ptr<ChildProcess> process;
};

// An announced SDK client with its asset channel.
struct Agent {
  Agent(const PlaceProcess& place, const std::string& name)
      : client(join(place, name)), assets(std::make_unique<client::AssetClient>(*client)) {}
  ~Agent() {
    assets.reset();
    client->disconnect(1.0);  // a goodbye, so assetd stops asking this agent at once
  }
  std::unique_ptr<client::Client> client;
  std::unique_ptr<client::AssetClient> assets;
};

class AssetPaths : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    assetd_ = new Assetd();
    place_ = new PlaceProcess(
        {"--assetd", "127.0.0.1:" + std::to_string(assetd_->link_port), "--tick-hz", "50"});
    EXPECT_TRUE(wait_until([] { return place_->metric("alloplace_assetd_link_connected") == 1; },
                           10, [] {}));
  }
  static void TearDownTestSuite() {
    delete place_;
    delete assetd_;
  }
  // Polls every agent until cond() holds (true) or 10 s pass.
  bool pump(const std::vector<Agent*>& agents, const std::function<bool()>& cond,
            double seconds = 10) {
    return wait_until(cond, seconds, [&] {
      for (auto* a : agents) a->client->poll(2);
    });
  }
  // Fetches `id` as `who` while polling everyone; returns the result.
  AssetResult fetch(Agent& who, const std::vector<Agent*>& others, const std::string& id,
                    client::AssetRequestOptions options = {}) {
    std::optional<AssetResult> result;
    auto sent = who.assets->requester().fetch(
        id, [&](const AssetResult& r) { result = r; }, options);
    EXPECT_TRUE(sent) << sent.error().detail;
    std::vector<Agent*> all = others;
    all.push_back(&who);
    EXPECT_TRUE(pump(all, [&] { return result.has_value(); })) << "no answer for " << id;
    return result.value_or(AssetResult{});
  }
  // Waits until assetd's metric reaches `at_least`.
  bool metric_reaches(const std::vector<Agent*>& agents, const std::string& name, double at_least) {
    return pump(agents, [&] { return assetd_->metric(name) >= at_least; });
  }

  static Assetd* assetd_;
  static PlaceProcess* place_;
};
Assetd* AssetPaths::assetd_ = nullptr;
PlaceProcess* AssetPaths::place_ = nullptr;

TEST_F(AssetPaths, MissIsFetchedFromThePublisherVerifiedThenHitAfterItLeaves) {
  auto publisher = std::make_unique<Agent>(*place_, "publisher");
  Agent visor(*place_, "visor");
  Bytes bytes = make_bytes(300'000, 1);
  std::string id = publisher->assets->publisher().add(bytes);
  uint64_t last_progress = 0;
  client::AssetRequestOptions options;
  options.published_by = publisher->client->avatar_id();
  options.progress = [&](uint64_t got, uint64_t) { last_progress = got; };
  double stored = assetd_->metric("assetd_commits_total");
  AssetResult miss = fetch(visor, {publisher.get()}, id, options);
  ASSERT_TRUE(miss.ok) << miss.error.code;
  EXPECT_TRUE(miss.verified);
  EXPECT_EQ(miss.bytes, bytes);
  EXPECT_EQ(last_progress, bytes.size());
  EXPECT_GE(publisher->assets->publisher().stats().bytes_sent, bytes.size());

  // The store's writer thread commits after delivery: a request in between
  // would be a miss again (reported), so wait for the commit.
  EXPECT_TRUE(metric_reaches({publisher.get(), &visor}, "assetd_commits_total", stored + 1));
  double hits = assetd_->metric("assetd_hits_total");
  publisher.reset();  // gone: only the cache has it now
  Agent late(*place_, "late");
  AssetResult hit = fetch(late, {&visor}, id);
  ASSERT_TRUE(hit.ok) << hit.error.code;
  EXPECT_EQ(hit.bytes, bytes);
  EXPECT_TRUE(metric_reaches({&visor, &late}, "assetd_hits_total", hits + 1));
}

TEST_F(AssetPaths, HeadAndRangeRequests) {
  Agent publisher(*place_, "publisher");
  Agent visor(*place_, "visor");
  Bytes bytes = make_bytes(200'000, 2);
  std::string id = publisher.assets->publisher().add(bytes);
  client::AssetRequestOptions head;
  head.count = 0;
  AssetResult h = fetch(visor, {&publisher}, id, head);
  ASSERT_TRUE(h.ok) << h.error.code;
  EXPECT_EQ(h.total_length, bytes.size());
  EXPECT_TRUE(h.bytes.empty());
  client::AssetRequestOptions range;
  range.start = 70'000;
  range.count = 100'000;
  AssetResult r = fetch(visor, {&publisher}, id, range);
  ASSERT_TRUE(r.ok) << r.error.code;
  EXPECT_FALSE(r.verified);
  EXPECT_EQ(r.bytes, Bytes(bytes.begin() + 70'000, bytes.begin() + 170'000));
  range.start = 300'000;
  AssetResult out = fetch(visor, {&publisher}, id, range);
  EXPECT_EQ(out.error.code, "range_out_of_bounds");
}

TEST_F(AssetPaths, TwoRequestersOfAMissingAssetShareOneUpstreamFetch) {
  Agent publisher(*place_, "publisher");
  Agent a(*place_, "a"), b(*place_, "b");
  Bytes bytes = make_bytes(500'000, 3);
  std::string id = publisher.assets->publisher().add(bytes);
  double upstream = assetd_->metric("assetd_upstream_requests_total");
  std::optional<AssetResult> ra, rb;
  client::AssetRequestOptions options;
  options.published_by = publisher.client->avatar_id();
  ASSERT_TRUE(a.assets->requester().fetch(
      id, [&](const AssetResult& r) { ra = r; }, options));
  ASSERT_TRUE(b.assets->requester().fetch(
      id, [&](const AssetResult& r) { rb = r; }, options));
  ASSERT_TRUE(pump({&publisher, &a, &b}, [&] { return ra && rb; }));
  ASSERT_TRUE(ra->ok && rb->ok) << ra->error.code << " " << rb->error.code;
  EXPECT_EQ(ra->bytes, bytes);
  EXPECT_EQ(rb->bytes, bytes);
  // One fetch: a head request and one range request to the publisher.
  EXPECT_EQ(publisher.assets->publisher().stats().requests_answered, 2u);
  EXPECT_TRUE(metric_reaches({&a}, "assetd_upstream_requests_total", upstream + 2));
}

TEST_F(AssetPaths, PublisherLeavingMidTransferFallsBackToAnotherSource) {
  Bytes bytes = make_bytes(256 * 1024, 4);  // four 64 KiB chunks
  std::string id = client::asset_id_of(bytes);
  // The quitter answers the head request, sends one chunk of the range, leaves.
  auto quitter = std::make_unique<Agent>(*place_, "quitter");
  quitter->assets.reset();
  bool leave = false;
  quitter->client->on_asset_packet([&](std::string_view data) {
    auto frame =
        proto::parse_asset_frame({reinterpret_cast<const uint8_t*>(data.data()), data.size()});
    if (!frame || frame->mid != proto::AssetMid::kRequest) return;
    auto req = proto::parse_asset_request(*frame);
    if (!req || req->id != id) return;
    size_t n = req->range.count == 0 ? 0 : 64 * 1024;
    (void)quitter->client->send_asset_frame(
        proto::encode_asset_data(id, {0, n}, bytes.size(), {bytes.data(), n}));
    leave = n > 0;
  });
  Agent backup(*place_, "backup");
  backup.assets->publisher().add(bytes);
  Agent visor(*place_, "visor");
  std::optional<AssetResult> result;
  client::AssetRequestOptions options;
  options.published_by = quitter->client->avatar_id();
  ASSERT_TRUE(visor.assets->requester().fetch(
      id, [&](const AssetResult& r) { result = r; }, options));
  ASSERT_TRUE(pump({quitter.get(), &backup, &visor}, [&] { return leave; }));
  quitter->client->disconnect(1.0);  // sends the queued chunk, then leaves
  quitter.reset();
  ASSERT_TRUE(pump({&backup, &visor}, [&] { return result.has_value(); }));
  ASSERT_TRUE(result->ok) << result->error.code;
  EXPECT_TRUE(result->verified);
  EXPECT_EQ(result->bytes, bytes);
  EXPECT_EQ(backup.assets->publisher().stats().requests_answered, 2u);
}

TEST_F(AssetPaths, ForgedBytesFromAPublisherAreRefused) {
  Bytes bytes = make_bytes(100'000, 5);
  std::string id = client::asset_id_of(bytes);
  Bytes forged = bytes;
  forged[40'000] ^= 0x5a;
  Agent forger(*place_, "forger");
  forger.assets.reset();
  std::vector<std::string> refusals;
  forger.client->on_asset_packet([&](std::string_view data) {
    auto frame =
        proto::parse_asset_frame({reinterpret_cast<const uint8_t*>(data.data()), data.size()});
    if (!frame) return;
    if (frame->mid == proto::AssetMid::kFailure) refusals.push_back(frame->header["error_code"]);
    if (frame->mid != proto::AssetMid::kRequest) return;
    // Answers any request with the whole forged asset.
    (void)forger.client->send_asset_frame(
        proto::encode_asset_data(id, {0, forged.size()}, forged.size(), forged));
  });
  Agent visor(*place_, "visor");
  double mismatches = assetd_->metric("assetd_hash_mismatches_total");
  client::AssetRequestOptions options;
  options.published_by = forger.client->avatar_id();
  AssetResult r = fetch(visor, {&forger}, id, options);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.code, "asset_not_found");
  EXPECT_TRUE(r.bytes.empty());
  EXPECT_TRUE(pump({&forger}, [&] { return !refusals.empty(); }));
  EXPECT_EQ(refusals, std::vector<std::string>{"hash_mismatch"});
  EXPECT_TRUE(metric_reaches({&visor, &forger}, "assetd_hash_mismatches_total", mismatches + 1));
}

TEST_F(AssetPaths, PushedAndReferencedAssetsAreCachedBeforeAnyoneAsks) {
  Agent app(*place_, "app");
  Bytes pushed = make_bytes(150'000, 6), referenced = make_bytes(90'000, 7);
  std::string pushed_id = app.assets->publisher().add(pushed);
  std::string referenced_id = app.assets->publisher().add(referenced);
  double stored = assetd_->metric("assetd_commits_total");
  ASSERT_TRUE(app.assets->publisher().push(pushed_id));
  // The place sees the id in a component and asks the app for it.
  bool spawned = false;
  ASSERT_TRUE(app.client->spawn_entity(
      {{"geometry", {{"type", "asset"}, {"name", referenced_id}}}},
      [&](const nlohmann::json& reply) { spawned = reply[0] == "spawn_entity"; }));
  ASSERT_TRUE(pump({&app}, [&] { return spawned; }));
  ASSERT_TRUE(metric_reaches({&app}, "assetd_commits_total", stored + 2));
  app.assets->publisher().remove(pushed_id);  // from now on only the cache has them
  app.assets->publisher().remove(referenced_id);
  Agent visor(*place_, "visor");
  for (const auto& [id, bytes] :
       {std::pair{pushed_id, pushed}, std::pair{referenced_id, referenced}}) {
    AssetResult r = fetch(visor, {&app}, id);
    ASSERT_TRUE(r.ok) << id << ": " << r.error.code;
    EXPECT_EQ(r.bytes, bytes);
  }
}

TEST_F(AssetPaths, MalformedFramesAreAnsweredAndCounted) {
  Agent visor(*place_, "visor");
  double rejected = assetd_->metric("assetd_rejected_total");
  Bytes bad_header = {0x00, 0x01, 0x00, 0x09, 'x'};  // header length past the end
  ASSERT_TRUE(visor.client->send_asset_frame(bad_header));
  ASSERT_TRUE(visor.client->send_asset_frame(Bytes{0x00}));  // too short to forward
  // assetd answers with a failure without an id, which no request waits for.
  ASSERT_TRUE(pump({&visor}, [&] { return visor.assets->stats().frames_received >= 1; }));
  EXPECT_EQ(visor.assets->stats().frames_received,
            visor.assets->stats().malformed_frames + visor.assets->stats().unexpected_frames);
  EXPECT_TRUE(metric_reaches({&visor}, "assetd_rejected_total", rejected + 1));
  EXPECT_TRUE(pump({&visor}, [&] {
    return place_->metric("alloplace_rejected_total", "reason=\"asset_too_short\"") >= 1;
  }));
}

TEST_F(AssetPaths, CliPutServesAFileThatCliGetFetches) {
  auto dir = std::filesystem::path(assetd_->dir).parent_path();
  auto in = dir / ("allo-asset-cli-in-" + std::to_string(getpid()));
  auto out = dir / ("allo-asset-cli-out-" + std::to_string(getpid()));
  Bytes bytes = make_bytes(180'000, 8);
  std::ofstream(in, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  const std::string allo = std::string(ALLO_BIN_DIR) + "/allo";
  ChildProcess put({allo, "asset", "put", place_->url(), in.string(), "--seconds", "30"});
  auto id = put.read_line(10);
  ASSERT_TRUE(id);
  EXPECT_EQ(*id, client::asset_id_of(bytes));
  ChildProcess get({allo, "asset", "get", place_->url(), *id, "-o", out.string()});
  EXPECT_EQ(get.wait(15), 0);
  std::ifstream result(out, std::ios::binary);
  Bytes got((std::istreambuf_iterator<char>(result)), std::istreambuf_iterator<char>());
  EXPECT_EQ(got, bytes);
  put.kill_now(SIGTERM);
  EXPECT_EQ(put.wait(5), 0);
  ChildProcess missing({allo, "asset", "get", place_->url(), "asset:sha256:" + std::string(64, '7'),
                        "-o", out.string()});
  EXPECT_EQ(missing.wait(15), 1);
  std::filesystem::remove(in);
  std::filesystem::remove(out);
}

TEST(AssetdDown, RequestsFailWithAssetdUnavailableWhileThePlaceKeepsWorking) {
  Assetd assetd;
  PlaceProcess place({"--assetd", "127.0.0.1:" + std::to_string(assetd.link_port)});
  ASSERT_TRUE(
      wait_until([&] { return place.metric("alloplace_assetd_link_connected") == 1; }, 10, [] {}));
  Agent visor(place, "visor");
  assetd.process->kill_now(SIGKILL);
  assetd.process->wait(5);
  std::string id = "asset:sha256:" + std::string(64, 'e');
  std::optional<AssetResult> result;
  // Until the place notices the link is gone, requests go to the dead assetd
  // and stay unanswered: give each one half a second, then ask again.
  double asked = 0;
  bool unavailable = wait_until(
      [&] { return result && result->error.code == "assetd_unavailable"; }, 10,
      [&] {
        double now = mono_seconds();
        if (visor.assets->requester().pending(id) && now - asked > 0.5)
          visor.assets->requester().fail_all("retry", "no answer");
        if (!visor.assets->requester().pending(id)) {
          result.reset();
          asked = now;
          (void)visor.assets->requester().fetch(id, [&](const AssetResult& r) { result = r; });
        }
        visor.client->poll(20);
      });
  EXPECT_TRUE(unavailable);
  // Interactions still work.
  bool spawned = false;
  ASSERT_TRUE(visor.client->spawn_entity(
      {{"text", {{"string", "still here"}}}},
      [&](const nlohmann::json& r) { spawned = r[0] == "spawn_entity"; }));
  EXPECT_TRUE(visor.client->run_until([&] { return spawned; }, 5));
  // assetd comes back: the place reconnects and replays its agents.
  assetd.start();
  EXPECT_TRUE(wait_until([&] { return place.metric("alloplace_assetd_link_connected") == 1; }, 10,
                         [&] { visor.client->poll(20); }));
  visor.assets->requester().fail_all("test", "reset");
  result.reset();
  ASSERT_TRUE(visor.assets->requester().fetch(id, [&](const AssetResult& r) { result = r; }));
  ASSERT_TRUE(visor.client->run_until([&] { return result.has_value(); }, 10));
  EXPECT_EQ(result->error.code, "asset_not_found");  // nobody has it, but assetd answered
}

}  // namespace
}  // namespace allo::testing
