#include "cli_options.hpp"

#include <charconv>
#include <cmath>
#include <string_view>

namespace allo::cli {
namespace {

// Expected positional counts (URL included): {min, max}.
struct Arity {
  size_t min, max;
};
const std::pair<std::string_view, Arity> kCommands[] = {
    {"watch", {1, 1}},   {"spawn", {2, 2}},  {"remove", {2, 2}}, {"change", {3, 3}},
    {"request", {3, 3}}, {"oneway", {3, 3}}, {"script", {1, 1}}, {"asset", {2, 3}},
};

bool parse_seconds(std::string_view text, double& out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size() && std::isfinite(out) && out >= 0;
}

}  // namespace

const char* usage_text() {
  return R"(allo: command-line client for an alloplace server.

Usage:
  allo watch   URL [--seconds N] [--json]   print one line per state revision
  allo spawn   URL SPEC_JSON [--hold S]     spawn an entity, print its id
  allo remove  URL ENTITY_ID [--mode M]     remove an entity (M: cascade|reparent)
  allo change  URL ENTITY_ID COMPONENTS_JSON [--remove NAMES_JSON]
  allo request URL TO BODY_JSON             send a request, print the reply body
  allo oneway  URL TO BODY_JSON             send a one-way interaction
  allo script  URL                          run commands read from stdin
  allo asset put [URL] FILE [--seconds N]   publish a file: print its id, push it
                                            to the place's cache, serve it until
                                            interrupted (or for N seconds)
  allo asset get [URL] ID -o FILE           fetch an asset (progress bar on stderr),
                                            verify its hash, write it to FILE

URL is alloplace://host[:port] (port 21337 by default; asset commands default
to alloplace://127.0.0.1). Every command connects,
announces an avatar, does its work and disconnects; the place removes the
entities an agent spawned when it disconnects (hence --hold and script).

Options:
  --name NAME       display name in the announce identity (default allo-cli)
  --avatar JSON     avatar entity spec (default: a transform at the origin)
  --seconds N       watch: stop after N seconds (default: until interrupted)
  --json            watch: print the full state document per revision
  --hold S          spawn: stay connected S seconds after the reply
  --mode M          remove: cascade (default) or reparent
  --remove JSON     change: list of component names to remove (default [])
  --timeout S       connect, announce and request timeout (default 10)
  -o, --output FILE asset get: where to write the asset
  --verbose         SDK debug logging on stderr
  --help            this text

Output (stdout):
  watch    "rev N [set] +added... ~changed... -removed..." per applied revision
           (entity ids; "set" marks a full state), or with --json the document
           {"entities":{...},"revision":N} on one line.
  spawn    the new entity id.
  remove, change, request
           the reply body as JSON on one line.
  script   first {"event":"announced","ok":true,"avatar_id":..,"place_name":..},
           then one JSON line per command. Commands, one per line:
             spawn SPEC_JSON           -> {"cmd":"spawn","ok":..,"id":..,"reply":[..]}
             remove ID [MODE]          -> {"cmd":"remove","ok":..,"reply":[..]}
             change ID COMPONENTS_JSON -> {"cmd":"change","ok":..,"reply":[..]}
             request TO BODY_JSON      -> {"cmd":"request","ok":..,"reply":[..]}
             oneway TO BODY_JSON       -> {"cmd":"oneway","ok":true}
             wait-entity ID SECONDS    -> {"cmd":"wait-entity","ok":..,"entity":{..}}
             state                     -> {"cmd":"state","ok":true,"state":{..}}
             stats                     -> {"cmd":"stats","ok":true,"stats":{..}} (SDK
                                          counters: state packets/bytes, sets, merges..)
             hold SECONDS              -> {"cmd":"hold","ok":true} (stays connected)
             quit                      -> {"cmd":"quit","ok":true}, then exit
           "ok" is false for error replies ("reply" then holds ["error",..]).
           Blank lines and lines starting with # are ignored. End of input = quit.

The place's asset cache is inspected on its host with
  allo-assetd --inspect --db DIR   (entries, bytes, budget, hit ratio)

Exit status: 0 on success, 1 on failure (no connection, error reply, timeout,
place disconnected), 2 on a usage error. Errors are printed on stderr.
)";
}

proto::Result<CliOptions> parse_cli(int argc, const char* const* argv) {
  CliOptions out;
  std::vector<std::string> words;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&](const char* name) -> proto::Result<std::string> {
      if (i + 1 >= argc) return proto::fail("usage", std::string(name) + " needs a value");
      return std::string(argv[++i]);
    };
    auto seconds = [&](const char* name, double& target) -> proto::Result<void> {
      auto v = value(name);
      if (!v) return std::unexpected(v.error());
      if (!parse_seconds(*v, target)) {
        return proto::fail("usage", std::string(name) + " needs a number of seconds >= 0");
      }
      return {};
    };
    proto::Result<void> ok;
    if (arg == "--help" || arg == "-h") {
      out.help = true;
    } else if (arg == "--json") {
      out.json = true;
    } else if (arg == "--verbose") {
      out.verbose = true;
    } else if (arg == "--name" || arg == "--avatar" || arg == "--mode" || arg == "--remove") {
      auto v = value(argv[i]);
      if (!v) return std::unexpected(v.error());
      std::string& target = arg == "--name"     ? out.name
                            : arg == "--avatar" ? out.avatar_json
                            : arg == "--mode"   ? out.mode
                                                : out.remove_json;
      target = *v;
    } else if (arg == "-o" || arg == "--output") {
      auto v = value("--output");
      if (!v) return std::unexpected(v.error());
      out.output = *v;
    } else if (arg == "--seconds") {
      double s = 0;
      ok = seconds("--seconds", s);
      out.seconds = s;
    } else if (arg == "--hold") {
      ok = seconds("--hold", out.hold);
    } else if (arg == "--timeout") {
      ok = seconds("--timeout", out.timeout);
    } else if (arg.size() > 2 && arg.substr(0, 2) == "--") {
      return proto::fail("usage", "unknown option " + std::string(arg));
    } else {
      words.emplace_back(arg);
    }
    if (!ok) return std::unexpected(ok.error());
  }
  if (out.help) return out;
  if (words.empty()) return proto::fail("usage", "missing command");
  out.command = words.front();
  out.positional.assign(words.begin() + 1, words.end());
  for (const auto& [name, arity] : kCommands) {
    if (name != out.command) continue;
    if (out.positional.size() < arity.min || out.positional.size() > arity.max) {
      return proto::fail("usage", "wrong number of arguments for " + out.command);
    }
    if (out.mode != "cascade" && out.mode != "reparent") {
      return proto::fail("usage", "--mode must be cascade or reparent");
    }
    return out;
  }
  return proto::fail("usage", "unknown command " + out.command);
}

}  // namespace allo::cli
