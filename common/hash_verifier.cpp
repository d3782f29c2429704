#include "common/hash_verifier.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace allo {

struct HashVerifier::Context {
  EVP_MD_CTX* ctx = nullptr;
  bool started = false;
  ~Context() { EVP_MD_CTX_free(ctx); }
};

namespace {

// Fetched once: EVP_sha1() and EVP_sha256() make OpenSSL 3 look the
// implementation up (under a lock) on every EVP_DigestInit_ex, which was a
// visible share of hashing 1 KB assets. Process lifetime; never freed.
const EVP_MD* md_of(proto::HashAlgorithm algorithm) {
  static const EVP_MD* const sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  static const EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (algorithm == proto::HashAlgorithm::kSha1) return sha1 != nullptr ? sha1 : EVP_sha1();
  return sha256 != nullptr ? sha256 : EVP_sha256();
}

}  // namespace

HashVerifier::HashVerifier(proto::HashAlgorithm algorithm)
    : algorithm_(algorithm), context_(std::make_unique<Context>()) {
  context_->ctx = EVP_MD_CTX_new();
  if (context_->ctx == nullptr) throw std::bad_alloc();
}

HashVerifier::~HashVerifier() = default;
HashVerifier::HashVerifier(HashVerifier&&) noexcept = default;
HashVerifier& HashVerifier::operator=(HashVerifier&&) noexcept = default;

void HashVerifier::update(std::span<const uint8_t> bytes) {
  if (!context_->started) {
    EVP_DigestInit_ex(context_->ctx, md_of(algorithm_), nullptr);
    context_->started = true;
  }
  EVP_DigestUpdate(context_->ctx, bytes.data(), bytes.size());
}

namespace {

constexpr char kHex[] = "0123456789abcdef";

std::string hex_of(const unsigned char* digest, size_t length) {
  std::string out(length * 2, '\0');
  for (size_t i = 0; i < length; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0xf];
  }
  return out;
}

// Whole-buffer digests on one EVP context per thread, reused: nothing is
// allocated or looked up per asset. (OpenSSL 3's SHA1()/SHA256() fetch the
// digest by name and allocate a context on every call.) 0 when OpenSSL
// fails, which no digest length equals.
size_t one_shot(proto::HashAlgorithm algorithm, std::span<const uint8_t> bytes,
                unsigned char (&digest)[EVP_MAX_MD_SIZE]) {
  struct ThreadContext {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~ThreadContext() { EVP_MD_CTX_free(ctx); }
  };
  thread_local ThreadContext context;
  unsigned int length = 0;
  if (context.ctx == nullptr || EVP_DigestInit_ex(context.ctx, md_of(algorithm), nullptr) != 1 ||
      EVP_DigestUpdate(context.ctx, bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(context.ctx, digest, &length) != 1)
    return 0;
  return length;
}

}  // namespace

std::string HashVerifier::finish_hex() {
  if (!context_->started) update({});
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context_->ctx, digest, &length);
  context_->started = false;
  return hex_of(digest, length);
}

std::string HashVerifier::digest_hex(proto::HashAlgorithm algorithm,
                                     std::span<const uint8_t> bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  const size_t length = one_shot(algorithm, bytes, digest);
  if (length == 0) throw std::runtime_error("OpenSSL could not compute a digest");
  return hex_of(digest, length);
}

bool HashVerifier::matches(const proto::AssetId& id, std::span<const uint8_t> bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  const size_t length = one_shot(id.algorithm, bytes, digest);
  if (length == 0 || id.hex.size() != 2 * length) return false;
  for (size_t i = 0; i < length; ++i) {
    if (id.hex[2 * i] != kHex[digest[i] >> 4] || id.hex[2 * i + 1] != kHex[digest[i] & 0xf])
      return false;
  }
  return true;
}

std::string HashVerifier::asset_id_of(proto::HashAlgorithm algorithm,
                                      std::span<const uint8_t> bytes) {
  const char* prefix = algorithm == proto::HashAlgorithm::kSha1 ? "asset:sha1:" : "asset:sha256:";
  return prefix + digest_hex(algorithm, bytes);
}

}  // namespace allo
