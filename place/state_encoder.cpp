#include "place/state_encoder.hpp"

#include "proto/json_frame.hpp"
#include "proto/state_message.hpp"

namespace allo::place {

std::string encode_full_set(const World& world) {
  size_t size = 64;
  for (const auto& [id, rec] : world.records()) size += rec.value->keyed_dump.size() + 1;
  std::string out;
  out.reserve(size);
  out += "{\"entities\":{";
  bool first = true;
  for (const auto& [id, rec] : world.records()) {
    if (!first) out.push_back(',');
    first = false;
    out += rec.value->keyed_dump;
  }
  out += "},\"patch_style\":\"set\",\"revision\":";
  out += std::to_string(world.revision());
  out += "}\n";
  return out;
}

void StateEncoder::begin_tick(const World& world, const StateHistory& history) {
  world_ = &world;
  history_ = &history;
  patches_.clear();
  entity_diffs_.clear();
  set_.reset();
  stats_ = {};
}

SharedBytes StateEncoder::full_set() {
  if (!set_) {
    set_ = std::make_shared<const std::string>(encode_full_set(*world_));
    stats_.sets_built++;
  }
  return set_;
}

SharedBytes StateEncoder::message_for(uint64_t acked) {
  if (acked != 0 && acked == world_->revision()) return nullptr;
  if (auto it = patches_.find(acked); it != patches_.end()) return it->second;
  auto changes = history_->changes_since(acked);
  if (!changes || history_->newest() != world_->revision()) return full_set();
  auto bytes = build_patch(acked, *changes);
  patches_.emplace(acked, bytes);
  return bytes;
}

SharedBytes StateEncoder::build_patch(uint64_t acked,
                                      const std::unordered_map<std::string, EntityPtr>& changes) {
  json entities = json::object();
  for (const auto& [id, before] : changes) {
    const World::Record* now = world_->find(id);
    if (!now) {
      if (before) entities[id] = nullptr;
      continue;
    }
    if (!before) {
      entities[id] = now->value->doc;
      continue;
    }
    if (before == now->value) continue;
    auto cached = entity_diffs_.find(before.get());
    if (cached == entity_diffs_.end()) {
      cached = entity_diffs_
                   .emplace(before.get(), proto::create_merge_patch(before->doc, now->value->doc))
                   .first;
    }
    if (!cached->second.empty()) entities[id] = cached->second;
  }
  json msg = {{"entities", std::move(entities)},
              {"revision", world_->revision()},
              {"patch_style", "merge"},
              {"patch_from", acked}};
  stats_.patches_built++;
  return std::make_shared<const std::string>(proto::encode_json(msg));
}

}  // namespace allo::place
