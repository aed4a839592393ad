// The files a caselinkd child process (Daemon) needs, written into a test's
// directory — server certificate and key, the CA, an empty CRL, the example
// policy, an audit key and a server.textproto on port 0 with a port file —
// and client options for an agency certificate of the same CA. For tests
// and benchmarks of what only a process shows (kill -9, its own memory).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "caselink/client_options.h"
#include "support/temp_dir.h"
#include "support/test_pki.h"

namespace caselink::testing {

struct DaemonFiles {
  std::string config;     // server.textproto
  std::string port_file;  // written by caselinkd once it listens
  std::string log;        // where Daemon sends its output
};

// `extra_config`: more ServerConfig text (e.g. `documents { ... }`).
absl::StatusOr<DaemonFiles> WriteDaemonFiles(const TempDir& dir, TestCa& ca, const std::string& extra_config = "");

// A client of `agency` for the server listening on `port`.
ClientOptions DaemonClientOptions(const TestCa& ca, const KeyCert& agency, int port);

}  // namespace caselink::testing
