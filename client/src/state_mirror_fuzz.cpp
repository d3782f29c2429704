#include <cstdlib>
#include <string_view>

#include "allo/state_mirror.hpp"
#include "proto/json_frame.hpp"

namespace allo::client {

int fuzz_state_mirror(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  StateMirror mirror(4);  // a small window so eviction is reached quickly
  while (!input.empty()) {
    size_t end = input.find('\n');
    std::string_view packet = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
    auto doc = proto::decode_json(packet, limits::kMaxPacketBytes, limits::kMaxJsonDepth);
    if (!doc) continue;
    mirror.apply(*doc);
    // Invariants a fuzzer should never break.
    if (!is_valid_state_document(mirror.document())) std::abort();
    if (mirror.history_size() > 4) std::abort();
    if (mirror.ack_revision() != 0 && mirror.ack_revision() != mirror.revision()) std::abort();
  }
  return 0;
}

}  // namespace allo::client
