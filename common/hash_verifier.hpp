// Incremental hashing of asset bytes against the digest in an asset id
// ("asset:sha1:<hex>" / "asset:sha256:<hex>"), over OpenSSL EVP (whole
// buffers on a context per thread, reused).
// Owns its EVP context. Not thread-safe: one verifier per ingest. Used by
// assetd (ingest) and the SDK (fetched assets, publishing).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "proto/asset_frame.hpp"

namespace allo {

class HashVerifier {
 public:
  explicit HashVerifier(proto::HashAlgorithm algorithm);
  ~HashVerifier();
  HashVerifier(HashVerifier&&) noexcept;
  HashVerifier& operator=(HashVerifier&&) noexcept;

  void update(std::span<const uint8_t> bytes);
  // Lowercase hex digest of everything updated so far; ends this verifier
  // (a later update() starts a fresh digest).
  std::string finish_hex();

  // One-shot digest of `bytes` as lowercase hex. Throws std::runtime_error
  // when OpenSSL fails (out of memory), as the constructor throws bad_alloc.
  static std::string digest_hex(proto::HashAlgorithm algorithm, std::span<const uint8_t> bytes);
  // True when `bytes` hash to the digest in `id` (false when OpenSSL fails).
  static bool matches(const proto::AssetId& id, std::span<const uint8_t> bytes);
  // The "asset:sha256:<hex>" (or sha1) id of `bytes`.
  static std::string asset_id_of(proto::HashAlgorithm algorithm, std::span<const uint8_t> bytes);

 private:
  struct Context;
  proto::HashAlgorithm algorithm_;
  std::unique_ptr<Context> context_;
};

}  // namespace allo
