#include "asset_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <limits>

#include "agent_session.hpp"
#include "allo/asset_client.hpp"
#include "common/mono_clock.hpp"

namespace allo::cli {
namespace {

volatile std::sig_atomic_t g_stop = 0;

constexpr const char* kDefaultUrl = "alloplace://127.0.0.1";

int fail(const std::string& code, const std::string& detail) {
  fmt::print(stderr, "allo: {}: {}\n", code, detail);
  return 1;
}

// A one-line progress bar on stderr, redrawn at most every 100 ms.
class ProgressBar {
 public:
  void update(uint64_t got, uint64_t expected) {
    double now = mono_seconds();
    if (got < expected && now < next_draw_) return;
    next_draw_ = now + 0.1;
    constexpr int kWidth = 30;
    int filled = expected ? static_cast<int>(kWidth * got / expected) : 0;
    fmt::print(stderr, "\r[{:<{}}] {:3}% {:.1f}/{:.1f} MB", std::string(filled, '#'), kWidth,
               expected ? 100 * got / expected : 0, got / 1e6, expected / 1e6);
    drawn_ = true;
  }
  void finish() {
    if (drawn_) fmt::print(stderr, "\n");
  }

 private:
  double next_draw_ = 0;
  bool drawn_ = false;
};

// The agent's options with the URL (given or default) as the only positional.
CliOptions agent_options(const CliOptions& options) {
  CliOptions out = options;
  out.positional = {options.positional.size() == 3 ? options.positional[1] : kDefaultUrl};
  return out;
}

int run_put(const CliOptions& options, const std::string& path) {
  auto agent = open_agent(agent_options(options));
  if (!agent) return fail(agent.error().code, agent.error().detail);
  client::Client& c = **agent;
  client::AssetClient assets(c);
  auto id = assets.publisher().add_file(path);
  if (!id) return fail(id.error().code, id.error().detail);
  std::printf("%s\n", id->c_str());
  std::fflush(stdout);
  if (auto pushed = assets.publisher().push(*id); !pushed)
    return fail(pushed.error().code, pushed.error().detail);
  std::signal(SIGINT, [](int) { g_stop = 1; });
  std::signal(SIGTERM, [](int) { g_stop = 1; });
  const double seconds = options.seconds.value_or(std::numeric_limits<double>::infinity());
  const double deadline = mono_seconds() + seconds;
  c.run_until([&] { return g_stop != 0 || mono_seconds() >= deadline; }, seconds);
  if (!c.is_connected() && g_stop == 0 && mono_seconds() < deadline)
    return fail("disconnected", "the place closed the connection");
  c.disconnect();
  return 0;
}

int run_get(const CliOptions& options, const std::string& id) {
  auto agent = open_agent(agent_options(options));
  if (!agent) return fail(agent.error().code, agent.error().detail);
  client::Client& c = **agent;
  client::AssetClient assets(c);
  ProgressBar bar;
  std::optional<client::AssetResult> result;
  client::AssetRequestOptions request;
  if (isatty(STDERR_FILENO))
    request.progress = [&](uint64_t got, uint64_t n) { bar.update(got, n); };
  auto sent = assets.requester().fetch(
      id, [&](const client::AssetResult& r) { result = r; }, request);
  if (!sent) return fail(sent.error().code, sent.error().detail);
  c.run_until([&] { return result.has_value(); }, options.timeout);
  bar.finish();
  if (!result) return fail("timeout", fmt::format("no answer for {} in {} s", id, options.timeout));
  if (!result->ok) return fail(result->error.code, result->error.detail);
  std::ofstream out(options.output, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(result->bytes.data()),
            static_cast<std::streamsize>(result->bytes.size()));
  if (!out.flush()) return fail("write_failed", "cannot write " + options.output);
  fmt::print(stderr, "{} bytes, hash verified, written to {}\n", result->bytes.size(),
             options.output);
  c.disconnect();
  return 0;
}

}  // namespace

int run_asset(const CliOptions& options) {
  const auto& p = options.positional;
  if (p.empty() || (p[0] != "put" && p[0] != "get")) {
    fmt::print(stderr, "allo: asset needs put or get (see allo --help)\n");
    return 2;
  }
  if (p[0] == "get" && options.output.empty()) {
    fmt::print(stderr, "allo: asset get needs -o FILE\n");
    return 2;
  }
  return p[0] == "put" ? run_put(options, p.back()) : run_get(options, p.back());
}

}  // namespace allo::cli
