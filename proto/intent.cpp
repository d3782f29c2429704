#include "proto/intent.hpp"

#include <cmath>

#include "proto/limits.hpp"

namespace allo::proto {
namespace {

bool read_number(const json& obj, const char* key, double& out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return true;
  if (!it->is_number()) return false;
  out = it->get<double>();
  return std::isfinite(out);
}

bool read_rev(const json& obj, const char* key, uint64_t& out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return true;
  if (it->is_number_unsigned() || (it->is_number_integer() && it->get<int64_t>() >= 0)) {
    out = it->get<uint64_t>();
    return true;
  }
  // 2^64: casting a double at or above it to uint64_t is undefined behaviour.
  constexpr double kUint64Bound = 18446744073709551616.0;
  if (it->is_number_float() && it->get<double>() >= 0 && it->get<double>() < kUint64Bound) {
    out = static_cast<uint64_t>(it->get<double>());
    return true;
  }
  return false;
}

Result<Intent> parse_body(const json& body) {
  if (!body.is_object()) return fail("malformed_intent", "intent must be an object");
  Intent out;
  if (auto it = body.find("entity_id"); it != body.end() && it->is_string()) out.entity_id = *it;
  if (!read_number(body, "xmovement", out.xmovement) ||
      !read_number(body, "zmovement", out.zmovement) || !read_number(body, "yaw", out.yaw) ||
      !read_number(body, "pitch", out.pitch)) {
    return fail("malformed_intent", "movement fields must be finite numbers");
  }
  if (!read_rev(body, "ack_state_rev", out.ack_state_rev)) {
    return fail("malformed_intent", "ack_state_rev must be a non-negative number");
  }
  auto poses = body.find("poses");
  if (poses != body.end() && !poses->is_null()) {
    if (!poses->is_object()) return fail("malformed_intent", "poses must be an object");
    if (poses->size() > limits::kMaxPosesPerIntent) {
      return fail("malformed_intent",
                  "more than " + std::to_string(limits::kMaxPosesPerIntent) + " poses");
    }
    for (auto& [name, value] : poses->items()) {
      if (!value.is_object())
        return fail("malformed_intent", "pose " + name + " must be an object");
      Pose pose;
      if (auto m = value.find("matrix"); m != value.end() && !m->is_null()) {
        pose.matrix = parse_matrix(*m);
        if (!pose.matrix)
          return fail("malformed_intent", "pose " + name + " matrix must be 16 numbers");
      }
      if (auto g = value.find("grab"); g != value.end() && !g->is_null()) {
        if (!g->is_object()) return fail("malformed_intent", "grab must be an object");
        auto e = g->find("entity");
        if (e != g->end() && e->is_string() && !e->get_ref<const std::string&>().empty()) {
          Grab grab{e->get<std::string>(), kIdentityMatrix};
          if (auto t = g->find("grabber_from_entity_transform"); t != g->end() && !t->is_null()) {
            auto m = parse_matrix(*t);
            if (!m)
              return fail("malformed_intent", "grabber_from_entity_transform must be 16 numbers");
            grab.grabber_from_entity = *m;
          }
          pose.grab = std::move(grab);
        }
      }
      out.poses.emplace(name, std::move(pose));
    }
  }
  return out;
}

}  // namespace

std::optional<Matrix> parse_matrix(const json& value) {
  if (!value.is_array() || value.size() != 16) return std::nullopt;
  Matrix m{};
  for (size_t i = 0; i < 16; ++i) {
    if (!value[i].is_number()) return std::nullopt;
    m[i] = value[i].get<double>();
    if (!std::isfinite(m[i])) return std::nullopt;
  }
  return m;
}

json matrix_to_json(const Matrix& m) {
  json out = json::array();
  for (double v : m) out.push_back(v);
  return out;
}

Result<Intent> parse_intent(const json& doc) {
  if (!doc.is_object()) return fail("malformed_intent", "intent packet must be an object");
  if (auto it = doc.find("intent"); it != doc.end()) return parse_body(*it);
  if (auto it = doc.find("intents"); it != doc.end()) {
    if (!it->is_object() || it->empty())
      return fail("malformed_intent", "intents must be a non-empty object");
    auto first = it->begin();
    auto parsed = parse_body(first.value());
    if (!parsed) return parsed;
    if (parsed->entity_id.empty()) parsed->entity_id = first.key();
    uint64_t rev = 0;
    if (!read_rev(doc, "ack-state-rev", rev))
      return fail("malformed_intent", "ack-state-rev must be a number");
    if (rev != 0) parsed->ack_state_rev = rev;
    return parsed;
  }
  return fail("malformed_intent", "packet has neither \"intent\" nor \"intents\"");
}

json to_json(const Intent& in) {
  json body = {{"xmovement", in.xmovement},
               {"zmovement", in.zmovement},
               {"yaw", in.yaw},
               {"pitch", in.pitch},
               {"ack_state_rev", in.ack_state_rev}};
  if (!in.entity_id.empty()) body["entity_id"] = in.entity_id;
  json poses = json::object();
  for (const auto& [name, pose] : in.poses) {
    json p = json::object();
    if (pose.matrix) p["matrix"] = matrix_to_json(*pose.matrix);
    if (pose.grab) {
      p["grab"] = {
          {"entity", pose.grab->entity},
          {"grabber_from_entity_transform", matrix_to_json(pose.grab->grabber_from_entity)}};
    }
    poses[name] = std::move(p);
  }
  body["poses"] = std::move(poses);
  return {{"cmd", "intent"}, {"intent", std::move(body)}};
}

}  // namespace allo::proto
