#include "allo/asset_hash.hpp"

#include <openssl/evp.h>

#include <memory>

namespace allo::client {
namespace {

std::string hex_digest(std::span<const uint8_t> bytes, proto::HashAlgorithm algorithm) {
  const EVP_MD* md = algorithm == proto::HashAlgorithm::kSha1 ? EVP_sha1() : EVP_sha256();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest, &length) != 1) {
    return {};
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xf]);
  }
  return out;
}

}  // namespace

std::string asset_id_of(std::span<const uint8_t> bytes, proto::HashAlgorithm algorithm) {
  const char* prefix = algorithm == proto::HashAlgorithm::kSha1 ? "asset:sha1:" : "asset:sha256:";
  return prefix + hex_digest(bytes, algorithm);
}

bool asset_matches(std::string_view id, std::span<const uint8_t> bytes) {
  auto parsed = proto::parse_asset_id(id);
  if (!parsed) return false;
  std::string digest = hex_digest(bytes, parsed->algorithm);
  return !digest.empty() && digest == parsed->hex;
}

}  // namespace allo::client
