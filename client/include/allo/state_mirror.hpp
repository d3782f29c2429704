// StateMirror: the client's copy of the place's world state, rebuilt from the
// state messages of channel 0 (specifications-state.md).
//
// Keeps the last limits::kStateHistoryRevisions revisions so a "merge" whose
// patch_from is an older (not yet superseded by our ack) revision still
// applies. "set" replaces the document; "merge" applies an RFC 7386 patch to
// the patch_from revision taken from history. When patch_from is unknown, or
// the patched document is not a valid state (entities must be an object of
// objects with "id" and a "components" object), the mirror marks itself as
// needing a full state and ack_revision() becomes 0 so the place sends a
// "set". "apply" (RFC 6902) is refused the same way (broken in deployed clients).
//
// Pure: no sockets, no clocks. Not thread-safe. The change callback runs
// synchronously inside apply().
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "proto/limits.hpp"

namespace allo::client {

using nlohmann::json;

// What changed between the previously current revision and the new one.
struct StateChange {
  uint64_t revision = 0;
  bool full_set = false;             // produced by a "set" message
  std::vector<std::string> added;    // entity ids, sorted
  std::vector<std::string> changed;  // sorted
  std::vector<std::string> removed;  // sorted
  bool empty() const { return added.empty() && changed.empty() && removed.empty(); }
};

class StateMirror {
 public:
  enum class Outcome {
    kApplied,         // a new current revision; the change callback ran
    kStale,           // revision not newer than the current one: ignored
    kNeedsFullState,  // unknown patch_from or invalid result: ack 0 until a set arrives
    kRefused,         // "apply" style: refused, ack 0
    kMalformed,       // not a state message at all: ignored, nothing changes
  };
  using ChangeCallback = std::function<void(const StateChange&)>;

  explicit StateMirror(size_t history_revisions = limits::kStateHistoryRevisions);

  // Feeds one decoded channel-0 document.
  Outcome apply(const json& message);

  // The current document {"entities":{...},"revision":N}; {"entities":{},"revision":0}
  // before the first state arrives.
  // The reference stays valid until the next apply().
  const json& document() const;
  uint64_t revision() const { return current_rev_; }
  // The revision to put in the intent's ack_state_rev: 0 while a full state is needed.
  uint64_t ack_revision() const { return needs_full_state_ ? 0 : current_rev_; }
  bool needs_full_state() const { return needs_full_state_; }

  // A revision still kept in history, or nullptr.
  const json* find_revision(uint64_t revision) const;
  size_t history_size() const { return history_.size(); }

  // Called once per kApplied outcome. Replaces any earlier callback.
  void on_change(ChangeCallback callback) { on_change_ = std::move(callback); }

  uint64_t sets_applied() const { return sets_applied_; }
  uint64_t merges_applied() const { return merges_applied_; }
  uint64_t refused() const { return refused_; }  // needs-full-state, refused and malformed outcomes

  // Entity ids that differ between two state documents (exposed for tests).
  static StateChange diff(const json& before, const json& after);

 private:
  Outcome commit(json doc, uint64_t revision, bool full_set);
  Outcome mark_needs_full(bool refused);

  struct Entry {
    uint64_t revision;
    json document;
  };
  size_t capacity_;
  std::deque<Entry> history_;  // oldest first; back() is the current document
  uint64_t current_rev_ = 0;
  bool needs_full_state_ = true;  // nothing received yet
  ChangeCallback on_change_;
  uint64_t sets_applied_ = 0, merges_applied_ = 0, refused_ = 0;
};

// True when `doc` has the shape every client relies on: an "entities" object
// whose values are objects with a string "id" and a "components" object.
bool is_valid_state_document(const json& doc);

}  // namespace allo::client

namespace allo::client {

// Fuzz entry: `data` is a sequence of channel-0 packets separated by '\n' bytes,
// each decoded (proto::decode_json) and fed to one StateMirror; checks that the
// mirror's document stays a valid state. Never crashes; returns 0.
int fuzz_state_mirror(const uint8_t* data, size_t size);

}  // namespace allo::client
