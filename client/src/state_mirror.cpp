#include "allo/state_mirror.hpp"

#include <algorithm>

#include "proto/state_message.hpp"

namespace allo::client {

bool is_valid_state_document(const json& doc) {
  if (!doc.is_object()) return false;
  auto ents = doc.find("entities");
  if (ents == doc.end() || !ents->is_object()) return false;
  for (const auto& [id, entity] : ents->items()) {
    if (!entity.is_object()) return false;
    auto eid = entity.find("id");
    if (eid == entity.end() || !eid->is_string()) return false;
    auto comps = entity.find("components");
    if (comps == entity.end() || !comps->is_object()) return false;
  }
  return true;
}

StateMirror::StateMirror(size_t history_revisions)
    : capacity_(std::max<size_t>(1, history_revisions)) {}

const json& StateMirror::document() const {
  static const json kEmptyState = {{"entities", json::object()}, {"revision", 0}};
  return history_.empty() ? kEmptyState : history_.back().document;
}

const json* StateMirror::find_revision(uint64_t revision) const {
  for (auto it = history_.rbegin(); it != history_.rend(); ++it) {
    if (it->revision == revision) return &it->document;
  }
  return nullptr;
}

StateMirror::Outcome StateMirror::apply(const json& message) {
  auto parsed = proto::parse_state_message(message);
  if (!parsed) {
    ++refused_;
    return Outcome::kMalformed;
  }
  switch (parsed->style) {
    case proto::PatchStyle::kApply:
      return mark_needs_full(true);
    case proto::PatchStyle::kSet: {
      if (!needs_full_state_ && parsed->revision <= current_rev_) return Outcome::kStale;
      json doc = std::move(parsed->payload);
      if (!is_valid_state_document(doc)) return mark_needs_full(false);
      return commit(std::move(doc), parsed->revision, true);
    }
    case proto::PatchStyle::kMerge: {
      if (!history_.empty() && parsed->revision <= current_rev_) return Outcome::kStale;
      const json* base = find_revision(parsed->patch_from);
      if (base == nullptr) return mark_needs_full(false);
      json doc = *base;
      proto::apply_merge_patch(doc, parsed->payload);
      if (!is_valid_state_document(doc)) return mark_needs_full(false);
      return commit(std::move(doc), parsed->revision, false);
    }
  }
  return Outcome::kMalformed;
}

StateMirror::Outcome StateMirror::mark_needs_full(bool refused) {
  needs_full_state_ = true;
  ++refused_;
  return refused ? Outcome::kRefused : Outcome::kNeedsFullState;
}

StateMirror::Outcome StateMirror::commit(json doc, uint64_t revision, bool full_set) {
  doc["revision"] = revision;
  StateChange change = diff(document(), doc);
  change.revision = revision;
  change.full_set = full_set;
  history_.push_back({revision, std::move(doc)});
  while (history_.size() > capacity_) history_.pop_front();
  current_rev_ = revision;
  needs_full_state_ = false;
  if (full_set) {
    ++sets_applied_;
  } else {
    ++merges_applied_;
  }
  if (on_change_) on_change_(change);
  return Outcome::kApplied;
}

StateChange StateMirror::diff(const json& before, const json& after) {
  StateChange out;
  static const json kEmpty = json::object();
  auto entities = [](const json& doc) -> const json& {
    auto it = doc.find("entities");
    return (it != doc.end() && it->is_object()) ? *it : kEmpty;
  };
  const json& old_ents = entities(before);
  const json& new_ents = entities(after);
  for (const auto& [id, entity] : new_ents.items()) {
    auto old = old_ents.find(id);
    if (old == old_ents.end()) {
      out.added.push_back(id);
    } else if (*old != entity) {
      out.changed.push_back(id);
    }
  }
  for (const auto& [id, entity] : old_ents.items()) {
    if (!new_ents.contains(id)) out.removed.push_back(id);
  }
  // nlohmann objects iterate in key order, so the lists are already sorted.
  return out;
}

}  // namespace allo::client
