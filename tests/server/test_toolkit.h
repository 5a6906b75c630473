// The shared test toolkit (tests/support/) under the names the server suites
// use in their own namespace.
#pragma once

#include "fixture_hosts.h"
#include "process.h"
#include "server_process.h"
#include "temp_dir.h"

namespace nodelock::server::testing {

using nodelock::testing::all_activations;
using nodelock::testing::ApiClient;
using nodelock::testing::ChildProcess;
using nodelock::testing::file_mode;
using nodelock::testing::fixture_host;
using nodelock::testing::kCloud;
using nodelock::testing::kDesktop;
using nodelock::testing::kLaptop;
using nodelock::testing::kVirtualMachine;
using nodelock::testing::make_test_certificate;
using nodelock::testing::nodelock_binary;
using nodelock::testing::ProcessResult;
using nodelock::testing::read_text;
using nodelock::testing::Reply;
using nodelock::testing::run_nodelock;
using nodelock::testing::run_process;
using nodelock::testing::run_shell;
using nodelock::testing::server_binary;
using nodelock::testing::ServerClock;
using nodelock::testing::ServerProcess;
using nodelock::testing::shell;
using nodelock::testing::TempDir;
using nodelock::testing::write_text;

}  // namespace nodelock::server::testing
