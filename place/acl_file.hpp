// Files of the interaction ACL (docs/ACL.md): the saved rules
// (--acl-file, the JSON of guard::AclRules::to_json()) and the local admin
// token (--admin-token-file).
//
// Errors: code "bad_config" with a detail that names the setting and the path
// (start-up failures), "acl_not_saved" when writing fails at run time.
// Thread-safety: plain functions; the caller serializes access to a path.
#pragma once

#include <string>

#include "guard/acl_rules.hpp"
#include "proto/error.hpp"

namespace allo::place {

// The rules saved at `path`; default_acl_rules() when `path` is empty or the
// file does not exist yet (then they are written there, so a bad path fails
// at start-up). A file that is not valid ACL JSON is an error, never replaced.
proto::Result<guard::AclRules> load_acl_file(const std::string& path);

// Writes rules.to_json() atomically: a temporary file in the same directory,
// fsync, rename over `path`.
proto::Result<void> save_acl_file(const std::string& path, const guard::AclRules& rules);

// The token in `path` (surrounding whitespace trimmed). Refuses a file that
// group or others may read, an empty token, or one shorter than 16 bytes.
proto::Result<std::string> read_admin_token(const std::string& path);

}  // namespace allo::place
