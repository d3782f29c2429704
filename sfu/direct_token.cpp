#include "sfu/direct_token.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <charconv>
#include <stdexcept>
#include <vector>

namespace allo::sfu {

namespace {

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

bool from_hex(std::string_view hex, std::string& out) {
  if (hex.size() % 2 != 0) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  out.clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

std::string mac_hex(std::string_view secret, std::string_view agent, std::string_view expiry) {
  std::string message = "allo-sfu-direct-v1\n";
  message.append(agent).append("\n").append(expiry);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &length);
  return to_hex({reinterpret_cast<const char*>(mac), length});
}

}  // namespace

std::string make_direct_token(std::string_view secret, std::string_view agent,
                              int64_t expiry_unix_seconds) {
  const std::string expiry = std::to_string(expiry_unix_seconds);
  return expiry + "." + to_hex(agent) + "." + mac_hex(secret, agent, expiry);
}

proto::Result<std::string> verify_direct_token(std::string_view secret, std::string_view token,
                                               int64_t now_unix_seconds) {
  const size_t first = token.find('.');
  const size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos) return proto::fail("malformed", "expected 3 fields");
  const std::string_view expiry_text = token.substr(0, first);
  const std::string_view agent_hex = token.substr(first + 1, second - first - 1);
  const std::string_view mac = token.substr(second + 1);
  int64_t expiry = 0;
  auto [end, ec] =
      std::from_chars(expiry_text.data(), expiry_text.data() + expiry_text.size(), expiry);
  std::string agent;
  if (ec != std::errc{} || end != expiry_text.data() + expiry_text.size() || expiry_text.empty() ||
      !from_hex(agent_hex, agent) || agent.empty()) {
    return proto::fail("malformed", "bad expiry or agent");
  }
  const std::string expected = mac_hex(secret, agent, expiry_text);
  if (mac.size() != expected.size() ||
      CRYPTO_memcmp(mac.data(), expected.data(), mac.size()) != 0) {
    return proto::fail("bad_signature", "token not signed with the link secret");
  }
  if (now_unix_seconds > expiry) return proto::fail("expired", "token expired");
  return agent;
}

std::string random_hex(size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1)
    throw std::runtime_error("no randomness from OpenSSL");
  return to_hex({reinterpret_cast<const char*>(raw.data()), raw.size()});
}

}  // namespace allo::sfu
