// The typed error every parser in proto/ returns instead of throwing.
#pragma once

#include <expected>
#include <string>

namespace allo::proto {

struct Error {
  std::string code;    // machine-readable, snake_case; used as a metric label
  std::string detail;  // human-readable context for logs and error replies
};

template <class T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(std::string code, std::string detail) {
  return std::unexpected(Error{std::move(code), std::move(detail)});
}

}  // namespace allo::proto
