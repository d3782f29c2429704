// RequestTable: the requests this client sent and still waits for. Hands out
// unique request ids ("<prefix>-<n>"), matches responses to them, and expires
// the ones that waited too long. Pure (times are passed in); not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace allo::client {

using nlohmann::json;

// Receives the response body: the reply, or an error body ["error", code, detail]
// (from the place, or made by the SDK: "timeout", "disconnected").
using ResponseCallback = std::function<void(const json& body)>;

class RequestTable {
 public:
  // `prefix` makes ids unique across clients of one process; must not be empty.
  explicit RequestTable(std::string prefix);

  // A fresh id, never returned before by this table.
  std::string next_id();
  // Remembers a sent request; `deadline` is an absolute time in the caller's clock.
  void add(const std::string& id, std::string to, double deadline, ResponseCallback callback);
  // Removes and returns the callback waiting for `id`, or nullopt (unsolicited response).
  std::optional<ResponseCallback> take(const std::string& id);

  struct Expired {
    std::string id;
    std::string to;
    ResponseCallback callback;
  };
  // Removes and returns every request whose deadline is <= now.
  std::vector<Expired> take_expired(double now);
  // Removes and returns everything (on disconnect).
  std::vector<Expired> take_all();

  size_t size() const { return pending_.size(); }

 private:
  struct Pending {
    std::string to;
    double deadline;
    ResponseCallback callback;
  };
  std::string prefix_;
  uint64_t counter_ = 0;
  std::map<std::string, Pending> pending_;
};

}  // namespace allo::client
