// `alloplace acl ...`: the local admin's offline editor of the saved ACL
// (docs/ACL.md), for a stopped place (a running place does not reread the
// file and overwrites it on its next change).
//
//   alloplace acl list --acl-file PATH
//   alloplace acl add POSITION allow|deny PATTERN --acl-file PATH
//   alloplace acl remove POSITION --acl-file PATH
//
// `args` are the words after "acl". Writes results to `out`, errors to
// `err`. Returns the exit status: 0 done, 1 the change failed (bad pattern,
// position, unwritable file), 2 usage or an unreadable/corrupt file.
// Thread-safety: none needed (runs before anything else in main).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace allo::place {

int run_acl_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace allo::place
