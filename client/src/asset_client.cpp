#include "allo/asset_client.hpp"

#include "common/log.hpp"

namespace allo::client {

AssetClient::AssetClient(Client& client)
    : client_(client),
      publisher_([&client](std::span<const uint8_t> frame) {
        return client.send_asset_frame(frame).has_value();
      }),
      requester_([&client](std::span<const uint8_t> frame) {
        return client.send_asset_frame(frame).has_value();
      }) {
  client_.on_asset_packet([this](std::string_view data) {
    on_packet({reinterpret_cast<const uint8_t*>(data.data()), data.size()});
  });
  client_.on_assets_closed(
      [this] { requester_.fail_all("disconnected", "the connection to the place closed"); });
}

AssetClient::~AssetClient() {
  client_.on_asset_packet(nullptr);
  client_.on_assets_closed(nullptr);
}

void AssetClient::on_packet(std::span<const uint8_t> packet) {
  ++stats_.frames_received;
  auto message = proto::parse_asset_message(packet);
  if (!message) {
    ++stats_.malformed_frames;
    log::debug("asset frame dropped: {}", message.error().detail);
    return;
  }
  if (auto* request = std::get_if<proto::AssetRequest>(&*message))
    return publisher_.on_request(*request);
  if (auto* data = std::get_if<proto::AssetData>(&*message)) {
    if (!requester_.on_data(*data)) ++stats_.unexpected_frames;
    return;
  }
  const auto& failure = std::get<proto::AssetFailure>(*message);
  if (!requester_.on_failure(failure)) {
    // E.g. the place refusing a push of ours (hash_mismatch, store_full).
    ++stats_.unexpected_frames;
    log::info("asset {}: {} ({})", failure.id, failure.error_code, failure.error_reason);
  }
}

}  // namespace allo::client
