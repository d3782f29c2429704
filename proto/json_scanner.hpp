// JsonScanner: a forward-only reader over JSON text for the fast paths that
// read a few top-level fields without building a document (state message
// headers, asset frame headers). It recognises plain strings (no escapes),
// plain unsigned integers and punctuation, and skips other values by
// bracket depth without validating them. Callers treat every "no" as "not
// sure" and fall back to the full nlohmann parse, which names the error.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

namespace allo::proto {

class JsonScanner {
 public:
  explicit JsonScanner(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  void skip_space() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }
  bool take(char c) {
    skip_space();
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  bool peek(char c) {
    skip_space();
    return p_ < end_ && *p_ == c;
  }
  bool at_end() {
    skip_space();
    return p_ == end_;
  }
  // A string without escapes, from its opening quote.
  std::optional<std::string_view> plain_string() {
    if (!take('"')) return std::nullopt;
    const char* start = p_;
    const void* quote = std::memchr(p_, '"', static_cast<size_t>(end_ - p_));
    if (quote == nullptr) return std::nullopt;
    std::string_view s(start, static_cast<const char*>(quote) - start);
    if (s.find('\\') != std::string_view::npos) return std::nullopt;
    p_ = static_cast<const char*>(quote) + 1;
    return s;
  }
  // A JSON unsigned integer as nlohmann reads one: no sign, no leading
  // zero, no fraction or exponent, fits 64 bits.
  std::optional<uint64_t> plain_unsigned() {
    skip_space();
    const char* start = p_;
    uint64_t value = 0;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') {
      const uint64_t digit = static_cast<uint64_t>(*p_ - '0');
      if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
      value = value * 10 + digit;
      ++p_;
    }
    if (p_ == start || (*start == '0' && p_ - start > 1)) return std::nullopt;
    if (p_ < end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) return std::nullopt;
    return value;
  }
  // Skips one value of any kind; nested values by bracket depth.
  bool skip_value() {
    skip_space();
    if (p_ == end_) return false;
    if (*p_ != '{' && *p_ != '[' && *p_ != '"') {  // a scalar: up to the next delimiter
      const char* start = p_;
      while (p_ < end_ && *p_ != ',' && *p_ != '}' && *p_ != ']' && *p_ != ' ' && *p_ != '\n' &&
             *p_ != '\t' && *p_ != '\r')
        ++p_;
      return p_ > start;
    }
    int depth = 0;
    while (p_ < end_) {
      const char c = *p_++;
      if (c == '"') {
        if (!skip_string_body()) return false;
        if (depth == 0) return true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) return true;
        if (depth < 0) return false;
      }
    }
    return false;
  }

 private:
  // After an opening quote: to just past the closing one.
  bool skip_string_body() {
    while (p_ < end_) {
      const void* hit = std::memchr(p_, '"', static_cast<size_t>(end_ - p_));
      if (hit == nullptr) return false;
      const char* quote = static_cast<const char*>(hit);
      size_t backslashes = 0;
      for (const char* b = quote; b > p_ && b[-1] == '\\'; --b) ++backslashes;
      p_ = quote + 1;
      if (backslashes % 2 == 0) return true;
    }
    return false;
  }

  const char* p_;
  const char* end_;
};

}  // namespace allo::proto
