// FakePlace: a scripted ENet server on 127.0.0.1 for exercising the Client
// without the real place. Runs its own thread; the handler runs on that
// thread for every received JSON packet. send() may be called from any thread.
#pragma once

#include <enet/enet.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace allo::client::testing {

using nlohmann::json;

class FakePlace {
 public:
  struct Received {
    uint8_t channel;
    std::string raw;  // bytes as received (trailing '\n' included)
    json doc;
  };
  using Handler = std::function<void(FakePlace& place, const Received& packet)>;

  explicit FakePlace(Handler handler);
  ~FakePlace();

  std::string url() const;
  // Queues a document (encode_json framing) to the connected client.
  void send(uint8_t channel, const json& doc, bool reliable);
  // Drops the client (ENet disconnect).
  void kick();
  std::vector<Received> received() const;
  bool has_client() const { return peer_connected_; }

 private:
  void run();
  Handler handler_;
  ENetHost* host_ = nullptr;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<bool> kick_{false};
  std::atomic<bool> peer_connected_{false};
  mutable std::mutex mutex_;
  std::vector<Received> received_;
  struct Outgoing {
    uint8_t channel;
    std::string bytes;
    bool reliable;
  };
  std::vector<Outgoing> outbox_;
  std::thread thread_;
};

}  // namespace allo::client::testing
