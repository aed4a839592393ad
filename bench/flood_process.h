// FloodProcess: the flooding agency of caselink_bench's fairness row, run as
// a process of its own, as another agency's machine would be (still on the
// same cores). In one process the flood's client work would share gRPC's
// callback threads with the server and the measured client, and the row
// would measure that queue rather than the server's fairness.
//
// The parent writes what the child needs into a directory (CA, the agency's
// certificate and key, the request) and starts this same program as
// `<exe> --flood-child <dir>`; the child connects, prints "ready", floods
// for the given seconds and prints "done <ok> <errors>".
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace caselink::bench {

struct FloodSpec {
  std::string target;  // host:port of the server
  std::string ca_pem;
  std::string cert_pem;  // the flooding agency's
  std::string key_pem;
  std::string request;  // a serialized GetCaseRequest
  int in_flight = 64;
  double seconds = 1;
};

struct FloodSummary {
  uint64_t ok = 0;
  uint64_t errors = 0;  // refused (over the agency's limit) or failed
};

class FloodProcess {
 public:
  // Writes `spec` under `dir` and starts the child; returns once it is
  // connected and about to flood.
  static absl::StatusOr<std::unique_ptr<FloodProcess>> Start(const FloodSpec& spec, const std::string& dir);
  // Waits for the child to finish; its counts.
  absl::StatusOr<FloodSummary> Wait();
  // Kills a child still running.
  ~FloodProcess();

 private:
  FloodProcess(pid_t pid, int out) : pid_(pid), out_(out) {}
  pid_t pid_;
  int out_;  // the child's stdout
};

// For the child: the spec the parent wrote under `dir`.
absl::StatusOr<FloodSpec> ReadFloodSpec(const std::string& dir);

}  // namespace caselink::bench
