// The operations files as shipped: promtool accepts the Prometheus config and
// rules and their unit tests pass, the example daemon configs parse, and the
// Grafana dashboards are well-formed. No daemons are started here.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <set>

#include "tests/ops/dashboard_queries.hpp"
#include "tests/ops/prometheus_server.hpp"
#include "tests/ops/shipped_files.hpp"
#include "tests/ops/temp_dir.hpp"
#include "tests/support/child_process.hpp"

namespace allo::testing {
namespace {

namespace fs = std::filesystem;

struct ProgramRun {
  int status;
  std::string out;
};

// Runs a program to completion (stdout captured, stderr inherited), 60 s at most.
ProgramRun run(const std::vector<std::string>& argv) {
  ChildProcess process(argv);
  process.close_stdin();
  std::string out = process.read_all(60);
  auto status = process.wait(5);
  if (!status) process.kill_now(SIGKILL);
  return {status.value_or(-1), out};
}

TEST(ShippedPrometheusFiles, PromtoolAcceptsConfigAndRules) {
  ProgramRun config = run(
      {kPromtoolBinary, "check", "config", source_path("ops/prometheus/prometheus.yml").string()});
  EXPECT_EQ(config.status, 0) << config.out;
  EXPECT_NE(config.out.find("SUCCESS: 1 rule files found"), std::string::npos) << config.out;
  ProgramRun rules = run({kPromtoolBinary, "check", "rules", source_path(kRulesFile).string()});
  EXPECT_EQ(rules.status, 0) << rules.out;
  EXPECT_NE(rules.out.find("SUCCESS"), std::string::npos) << rules.out;
}

TEST(ShippedPrometheusFiles, RuleUnitTestsPass) {
  ProgramRun tests = run({kPromtoolBinary, "test", "rules",
                          source_path("ops/prometheus/allo.rules.test.yml").string()});
  EXPECT_EQ(tests.status, 0) << tests.out;
}

TEST(ShippedPrometheusFiles, PromtoolRejectsABrokenRule) {
  // Guards the two checks above against a promtool that accepts anything.
  TempDir dir("allo-rules");
  auto file = dir.write(
      "bad.rules.yml", "groups:\n  - name: g\n    rules:\n      - record: x\n        expr: sum(\n");
  EXPECT_NE(run({kPromtoolBinary, "check", "rules", file.string()}).status, 0);
}

TEST(ShippedDaemonConfigs, EveryExampleConfigParses) {
  // --help exits 0 only after the whole configuration (file included) parsed.
  for (std::string daemon : {"alloplace", "allo-sfu", "allo-assetd"}) {
    auto config = source_path("ops/config/" + daemon + ".json");
    ASSERT_TRUE(fs::exists(config)) << config;
    ProgramRun good =
        run({std::string(ALLO_BIN_DIR) + "/" + daemon, "--config", config.string(), "--help"});
    EXPECT_EQ(good.status, 0) << daemon << ": " << config;
    TempDir dir("allo-config");
    auto bad = dir.write("bad.json", "{\"no-such-setting\": 1}");
    ProgramRun refused =
        run({std::string(ALLO_BIN_DIR) + "/" + daemon, "--config", bad.string(), "--help"});
    EXPECT_EQ(refused.status, 2) << daemon << " accepted an unknown setting";
  }
}

TEST(ShippedDashboards, ParseWithUniqueUidsAndAQueryOnEveryPanel) {
  auto files = dashboard_files();
  ASSERT_GE(files.size(), 3u) << "place, voice and assets dashboards expected";
  std::set<std::string> uids;
  for (const auto& file : files) {
    auto board = read_dashboard(file);
    ASSERT_FALSE(board.is_discarded()) << file << " is not JSON";
    ASSERT_TRUE(board.is_object()) << file;
    std::string uid = board.value("uid", "");
    EXPECT_FALSE(uid.empty()) << file;
    EXPECT_TRUE(uids.insert(uid).second) << file << ": duplicate uid " << uid;
    EXPECT_FALSE(board.value("title", "").empty()) << file;
    ASSERT_TRUE(board.contains("panels") && board["panels"].is_array()) << file;
    size_t queried = 0;
    for (const auto& panel : board["panels"]) {
      if (panel.value("type", "") == "row") continue;
      ASSERT_TRUE(panel.contains("targets") && !panel["targets"].empty())
          << file << ": panel \"" << panel.value("title", "") << "\" has no query";
      for (const auto& target : panel["targets"])
        EXPECT_FALSE(target.value("expr", "").empty()) << file << ": " << panel.value("title", "");
      ++queried;
    }
    EXPECT_GE(queried, 8u) << file;
    EXPECT_GE(dashboard_queries(board).size(), queried) << file;
  }
}

}  // namespace
}  // namespace allo::testing
