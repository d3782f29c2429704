#include "proto/state_header.hpp"

#include "proto/json_scanner.hpp"
#include "proto/limits.hpp"

namespace allo::proto {

std::optional<StateHeader> scan_state_header(std::string_view text) {
  if (text.size() > limits::kMaxPacketBytes) return std::nullopt;
  JsonScanner s(text);
  if (!s.take('{')) return std::nullopt;
  std::optional<std::string_view> style;
  std::optional<uint64_t> revision, patch_from;
  bool entities_object = false, patches_array = false;
  if (!s.peek('}')) {
    do {
      auto key = s.plain_string();
      if (!key || !s.take(':')) return std::nullopt;
      if (*key == "patch_style") {
        style = s.plain_string();
        if (!style) return std::nullopt;
        continue;
      }
      if (*key == "revision" || *key == "patch_from") {
        auto value = s.plain_unsigned();
        if (!value) return std::nullopt;
        (*key == "revision" ? revision : patch_from) = value;
        continue;
      }
      if (*key == "entities") entities_object = s.peek('{');
      if (*key == "patches") patches_array = s.peek('[');
      if (!s.skip_value()) return std::nullopt;
    } while (s.take(','));
  }
  if (!s.take('}') || !s.at_end()) return std::nullopt;
  // The fields each style reads, as parse_state_message reads them.
  const std::string_view name = style.value_or("set");
  if (name == "set" && revision && entities_object)
    return StateHeader{PatchStyle::kSet, *revision, 0};
  if (name == "merge" && revision && patch_from)
    return StateHeader{PatchStyle::kMerge, *revision, *patch_from};
  if (name == "apply" && patch_from && patches_array)
    return StateHeader{PatchStyle::kApply, 0, *patch_from};
  return std::nullopt;
}

}  // namespace allo::proto
