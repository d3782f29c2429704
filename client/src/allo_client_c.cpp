// The C API: a thin shell over allo::client::Client that turns JSON text into
// documents, Result errors into negative codes, and std::function callbacks
// into function pointers with user data.
#include "allo/allo_client.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "allo/client.hpp"
#include "proto/limits.hpp"

using allo::client::json;

struct allo_client {
  explicit allo_client(allo::client::ClientOptions options) : client(options) {}
  allo::client::Client client;
  std::string last_error;
};

namespace {

int fail(allo_client* c, int code, std::string message) {
  if (c != nullptr) c->last_error = std::move(message);
  return code;
}

int code_for(const allo::proto::Error& e) {
  if (e.code == "bad_url") return ALLO_ERR_BAD_URL;
  if (e.code == "not_connected") return ALLO_ERR_NOT_CONNECTED;
  if (e.code == "already_connected") return ALLO_ERR_ALREADY_CONNECTED;
  if (e.code == "send_failed") return ALLO_ERR_SEND_FAILED;
  if (e.code == "bad_body" || e.code == "not_a_request") return ALLO_ERR_INVALID_ARGUMENT;
  return ALLO_ERR_CONNECT_FAILED;
}

template <class T>
int from_result(allo_client* c, const allo::proto::Result<T>& r) {
  if (r) return ALLO_OK;
  return fail(c, code_for(r.error()), r.error().code + ": " + r.error().detail);
}

// Parses a JSON argument; on failure records the error and returns false.
bool parse_arg(allo_client* c, const char* text, const char* what, json& out, int& rc) {
  if (text == nullptr) {
    rc = fail(c, ALLO_ERR_INVALID_ARGUMENT, std::string(what) + " is NULL");
    return false;
  }
  out = json::parse(text, nullptr, false);
  if (out.is_discarded()) {
    rc = fail(c, ALLO_ERR_BAD_JSON, std::string(what) + " is not valid JSON");
    return false;
  }
  return true;
}

bool is_body(const json& body) {
  return body.is_array() && !body.empty() && body[0].is_string();
}

char* copy_string(const std::string& s) {
  char* out = static_cast<char*>(std::malloc(s.size() + 1));
  if (out != nullptr) std::memcpy(out, s.c_str(), s.size() + 1);
  return out;
}

}  // namespace

extern "C" {

void allo_client_options_default(allo_client_options* options) {
  if (options == nullptr) return;
  allo::client::ClientOptions d;
  options->intent_rate_hz = d.intent_rate_hz;
  options->clock_interval_seconds = d.clock_interval_seconds;
  options->request_timeout_seconds = d.request_timeout_seconds;
  options->state_drop_fraction = d.state_drop_fraction;
  options->state_drop_seed = d.state_drop_seed;
}

allo_client* allo_client_create(const allo_client_options* options) {
  allo::client::ClientOptions o;
  if (options != nullptr) {
    o.intent_rate_hz = options->intent_rate_hz;
    o.clock_interval_seconds = options->clock_interval_seconds;
    o.request_timeout_seconds = options->request_timeout_seconds;
    o.state_drop_fraction = options->state_drop_fraction;
    o.state_drop_seed = options->state_drop_seed;
  }
  return new (std::nothrow) allo_client(o);
}

void allo_client_destroy(allo_client* client) {
  delete client;
}

const char* allo_client_last_error(const allo_client* client) {
  return client == nullptr ? "NULL handle" : client->last_error.c_str();
}

int allo_client_connect(allo_client* client, const char* url, double timeout_seconds) {
  if (client == nullptr || url == nullptr)
    return fail(client, ALLO_ERR_INVALID_ARGUMENT, "NULL argument");
  return from_result(client, client->client.connect(url, timeout_seconds));
}

void allo_client_disconnect(allo_client* client, double timeout_seconds) {
  if (client != nullptr) client->client.disconnect(timeout_seconds);
}

int allo_client_is_connected(const allo_client* client) {
  return client != nullptr && client->client.is_connected() ? 1 : 0;
}

int allo_client_socket_fd(const allo_client* client) {
  return client != nullptr ? client->client.socket_fd() : -1;
}

int allo_client_poll(allo_client* client, int timeout_ms) {
  if (client == nullptr) return ALLO_ERR_INVALID_ARGUMENT;
  int n = client->client.poll(timeout_ms);
  return n < 0 ? fail(client, ALLO_ERR_NOT_CONNECTED, "not connected") : n;
}

int allo_client_announce(allo_client* client, const char* identity_json,
                         const char* avatar_spec_json, allo_announce_cb callback, void* user) {
  if (client == nullptr) return ALLO_ERR_INVALID_ARGUMENT;
  json identity, avatar;
  int rc = ALLO_OK;
  if (!parse_arg(client, identity_json, "identity", identity, rc) ||
      !parse_arg(client, avatar_spec_json, "avatar spec", avatar, rc)) {
    return rc;
  }
  auto r = client->client.announce(identity, avatar, [callback, user](const auto& result) {
    if (callback == nullptr) return;
    if (result.ok) {
      callback(user, 1, result.avatar_id.c_str(), result.place_name.c_str(), nullptr);
    } else {
      std::string err = json::array({"error", result.error.code, result.error.detail}).dump();
      callback(user, 0, nullptr, nullptr, err.c_str());
    }
  });
  return from_result(client, r);
}

const char* allo_client_avatar_id(const allo_client* client) {
  return client == nullptr ? "" : client->client.avatar_id().c_str();
}

int allo_client_request(allo_client* client, const char* to, const char* body_json,
                        allo_response_cb callback, void* user) {
  if (client == nullptr || to == nullptr)
    return fail(client, ALLO_ERR_INVALID_ARGUMENT, "NULL argument");
  json body;
  int rc = ALLO_OK;
  if (!parse_arg(client, body_json, "body", body, rc)) return rc;
  if (!is_body(body))
    return fail(client, ALLO_ERR_INVALID_ARGUMENT, "body must be an array starting with a string");
  auto r = client->client.request(to, body, [callback, user](const json& reply) {
    if (callback != nullptr) callback(user, reply.dump().c_str());
  });
  return from_result(client, r);
}

int allo_client_oneway(allo_client* client, const char* to, const char* body_json) {
  if (client == nullptr || to == nullptr)
    return fail(client, ALLO_ERR_INVALID_ARGUMENT, "NULL argument");
  json body;
  int rc = ALLO_OK;
  if (!parse_arg(client, body_json, "body", body, rc)) return rc;
  if (!is_body(body))
    return fail(client, ALLO_ERR_INVALID_ARGUMENT, "body must be an array starting with a string");
  return from_result(client, client->client.oneway(to, body));
}

int allo_client_respond(allo_client* client, const char* request_interaction_json,
                        const char* body_json) {
  if (client == nullptr) return ALLO_ERR_INVALID_ARGUMENT;
  json request, body;
  int rc = ALLO_OK;
  if (!parse_arg(client, request_interaction_json, "request", request, rc) ||
      !parse_arg(client, body_json, "body", body, rc)) {
    return rc;
  }
  auto incoming = allo::proto::parse_interaction(request);
  if (!incoming) return fail(client, ALLO_ERR_INVALID_ARGUMENT, incoming.error().detail);
  return from_result(client, client->client.respond(*incoming, body));
}

void allo_client_set_interaction_callback(allo_client* client, allo_interaction_cb callback,
                                          void* user) {
  if (client == nullptr) return;
  if (callback == nullptr) {
    client->client.on_interaction(nullptr);
    return;
  }
  client->client.on_interaction([callback, user](const allo::proto::Interaction& in) {
    callback(user, allo::proto::to_json(in).dump().c_str());
  });
}

void allo_client_set_state_callback(allo_client* client, allo_state_cb callback, void* user) {
  if (client == nullptr) return;
  if (callback == nullptr) {
    client->client.on_state_change(nullptr);
    return;
  }
  client->client.on_state_change([callback, user](const allo::client::StateChange& c) {
    json doc = {{"revision", c.revision},
                {"full_set", c.full_set},
                {"added", c.added},
                {"changed", c.changed},
                {"removed", c.removed}};
    callback(user, doc.dump().c_str());
  });
}

uint64_t allo_client_state_revision(const allo_client* client) {
  return client == nullptr ? 0 : client->client.state().revision();
}

char* allo_client_state_json(const allo_client* client) {
  if (client == nullptr) return nullptr;
  return copy_string(client->client.state().document().dump());
}

void allo_client_free_string(char* text) {
  std::free(text);
}

int allo_client_set_intent(allo_client* client, const char* intent_json) {
  if (client == nullptr) return ALLO_ERR_INVALID_ARGUMENT;
  json doc;
  int rc = ALLO_OK;
  if (!parse_arg(client, intent_json, "intent", doc, rc)) return rc;
  if (doc.is_object() && !doc.contains("intent") && !doc.contains("intents")) {
    doc = json{{"intent", doc}};
  }
  auto intent = allo::proto::parse_intent(doc);
  if (!intent) return fail(client, ALLO_ERR_INVALID_ARGUMENT, intent.error().detail);
  client->client.set_intent(*intent);
  return ALLO_OK;
}

double allo_client_server_time(const allo_client* client) {
  return client == nullptr ? 0 : client->client.server_time_now();
}

}  // extern "C"
