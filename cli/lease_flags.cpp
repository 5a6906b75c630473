#include "lease_flags.h"

#include "server_flags.h"

namespace nodelock::cli {

Result<LeaseOptions> lease_options(const Args& args) {
  LeaseOptions options;
  Status read = read_server_flags(args, options);
  if (!read.ok()) return read.error();
  options.user = args.get("--user");
  options.project = args.get("--project");
  return options;
}

}  // namespace nodelock::cli
