/* allo_client.h: plain C API over allo::client::Client (see allo/client.hpp).
 *
 * One opaque handle per connection. Single-threaded and NOT thread-safe: the
 * library starts no threads; network work, timers and every callback happen
 * inside allo_client_poll() on the calling thread. Callbacks receive the
 * void* user data given when they were registered.
 *
 * Errors: functions returning int return ALLO_OK (0) or a negative ALLO_ERR_*
 * code; a callback is never invoked after an error return.
 * allo_client_last_error() describes the most recent error.
 *
 * Strings: every const char* passed to a callback is valid only during that
 * call. Strings returned by allo_client_state_json() are malloc'd: release
 * them with allo_client_free_string().
 */
#ifndef ALLO_CLIENT_H
#define ALLO_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct allo_client allo_client;

enum {
  ALLO_OK = 0,
  ALLO_ERR_INVALID_ARGUMENT = -1, /* NULL handle/string, or JSON of the wrong shape */
  ALLO_ERR_BAD_JSON = -2,         /* a JSON argument does not parse */
  ALLO_ERR_BAD_URL = -3,          /* not alloplace://host[:port] */
  ALLO_ERR_CONNECT_FAILED = -4,   /* resolve failure, refusal or timeout */
  ALLO_ERR_NOT_CONNECTED = -5,
  ALLO_ERR_ALREADY_CONNECTED = -6,
  ALLO_ERR_SEND_FAILED = -7,
};

typedef struct allo_client_options {
  double intent_rate_hz;          /* default 20 */
  double clock_interval_seconds;  /* default 1 */
  double request_timeout_seconds; /* default 10 */
  double state_drop_fraction;     /* test hook, default 0 */
  uint64_t state_drop_seed;       /* default 1 */
} allo_client_options;

/* Fills *options with the defaults. */
void allo_client_options_default(allo_client_options* options);

/* NULL options = defaults. Returns NULL only when out of memory. */
allo_client* allo_client_create(const allo_client_options* options);
/* Closes the connection without callbacks and frees the handle. NULL is a no-op. */
void allo_client_destroy(allo_client* client);

/* Description of the last error on this handle ("" when none). Valid until the next call. */
const char* allo_client_last_error(const allo_client* client);

/* Blocks up to timeout_seconds. */
int allo_client_connect(allo_client* client, const char* url, double timeout_seconds);
/* Graceful close (blocks up to timeout_seconds); pending requests get
 * ["error","disconnected",...]. */
void allo_client_disconnect(allo_client* client, double timeout_seconds);
int allo_client_is_connected(const allo_client* client); /* 1 or 0 */
/* The connection's OS socket (UDP) for an event loop to wait on, or -1 when
 * not connected (or client is NULL). Owned by the client: do not read or
 * close it. When it is readable, call allo_client_poll(client, 0); keep
 * polling regularly anyway (ENet resends and pings, intents, clock sync). */
int allo_client_socket_fd(const allo_client* client);

/* Handles network input for up to timeout_ms; returns packets handled, or
 * ALLO_ERR_NOT_CONNECTED. */
int allo_client_poll(allo_client* client, int timeout_ms);

/* ok = 1: avatar_id and place_name set, error_json NULL.
 * ok = 0: avatar_id/place_name NULL, error_json = ["error",code,detail]. */
typedef void (*allo_announce_cb)(void* user, int ok, const char* avatar_id, const char* place_name,
                                 const char* error_json);
int allo_client_announce(allo_client* client, const char* identity_json,
                         const char* avatar_spec_json, allo_announce_cb callback, void* user);
/* The avatar id after a successful announce, else "". */
const char* allo_client_avatar_id(const allo_client* client);

/* The response body as JSON (error bodies included, SDK-made timeouts too). */
typedef void (*allo_response_cb)(void* user, const char* body_json);
int allo_client_request(allo_client* client, const char* to, const char* body_json,
                        allo_response_cb callback, void* user);
int allo_client_oneway(allo_client* client, const char* to, const char* body_json);
/* Answers the request given as its full interaction JSON (as passed to the
 * interaction callback). */
int allo_client_respond(allo_client* client, const char* request_interaction_json,
                        const char* body_json);

/* Incoming requests/oneways/publications/unsolicited responses, as the full
 * ["interaction",type,from,to,request_id,body] JSON. NULL callback unsets. */
typedef void (*allo_interaction_cb)(void* user, const char* interaction_json);
void allo_client_set_interaction_callback(allo_client* client, allo_interaction_cb callback,
                                          void* user);

/* Per applied revision: {"revision":N,"full_set":bool,"added":[..],"changed":[..],"removed":[..]}.
 */
typedef void (*allo_state_cb)(void* user, const char* change_json);
void allo_client_set_state_callback(allo_client* client, allo_state_cb callback, void* user);
uint64_t allo_client_state_revision(const allo_client* client);
/* The current state document as JSON (malloc'd), or NULL on a NULL handle. */
char* allo_client_state_json(const allo_client* client);
void allo_client_free_string(char* text);

/* The intent in its wire form ({"cmd":"intent","intent":{...}}) or bare
 * ({"xmovement":..}); entity id and ack are filled in by the library. */
int allo_client_set_intent(allo_client* client, const char* intent_json);

/* The place's clock estimate (local monotonic seconds before any sync). */
double allo_client_server_time(const allo_client* client);

#ifdef __cplusplus
}
#endif

#endif /* ALLO_CLIENT_H */
