// Intents (channel 0, client to place), sent every client frame:
//   {"cmd":"intent","intent":{"xmovement":0,"zmovement":0,"yaw":0,"pitch":0,
//     "poses":{"head":{"matrix":[16]},"hand/left":{"matrix":[16],"grab":{...}}},
//     "ack_state_rev":1234}}
// The planned form {"intents":{"<entity>":{...}},"ack-state-rev":N} is read
// too (its first entity's intent is used).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "proto/error.hpp"

namespace allo::proto {

using nlohmann::json;
using Matrix = std::array<double, 16>;  // column-major 4x4

inline constexpr Matrix kIdentityMatrix = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};

struct Grab {
  std::string entity;                  // entity being grabbed
  Matrix grabber_from_entity = kIdentityMatrix;
};

struct Pose {
  std::optional<Matrix> matrix;
  std::optional<Grab> grab;
};

struct Intent {
  std::string entity_id;  // optional in the wire format; "" when absent
  double xmovement = 0, zmovement = 0, yaw = 0, pitch = 0;
  std::map<std::string, Pose> poses;
  uint64_t ack_state_rev = 0;
};

// Error codes: "malformed_intent" (not an object of either form, a field of the
// wrong type, a matrix that is not 16 finite numbers, a movement that is not finite).
// Unknown fields are ignored (skeletons are accepted and not kept).
Result<Intent> parse_intent(const json& doc);

// The current wire form ({"cmd":"intent","intent":{...}}).
json to_json(const Intent& intent);

// A matrix from JSON: 16 finite numbers, else nullopt.
std::optional<Matrix> parse_matrix(const json& value);
json matrix_to_json(const Matrix& m);

}  // namespace allo::proto
