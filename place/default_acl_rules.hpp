// The ACL a place starts with when it has no saved rules (docs/ACL.md). They
// reproduce the place's behaviour without an ACL:
//   0. deny  the ACL commands (acl_list, acl_add, acl_remove) unless the
//            sender is the place's owner or a local admin (owns("place"));
//   1. deny  change_components of an entity the sender does not own;
//   2. deny  remove_entity of an entity the sender does not own;
//   3. allow announce, from anyone;
//   default allow: everything else.
#pragma once

#include "guard/acl_rules.hpp"

namespace allo::place {

// Compiles the rules above. Never fails (covered by tests).
guard::AclRules default_acl_rules();

}  // namespace allo::place
