// Daemon runs the real caselinkd binary as a child process, for tests of
// what only a process shows: signals (SIGHUP, SIGTERM), kill -9, start-up
// refusal, exit codes and log lines.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace caselink::testing {

class Daemon {
 public:
  Daemon(std::string binary, std::string config, std::string log)
      : binary_(std::move(binary)), config_(std::move(config)), log_(std::move(log)) {}
  ~Daemon() { Kill(); }

  // Starts caselinkd --config and waits until it wrote `port_file`.
  absl::Status Start(const std::string& port_file);
  void Signal(int sig);
  void Kill();  // SIGKILL, then reap
  // SIGTERM, then waits; returns the exit code (or -signal).
  int Terminate();
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string Log() const;

  // Runs the binary with `args` to completion; returns exit code and output.
  static int RunToCompletion(const std::string& binary, const std::vector<std::string>& args,
                             std::string* output);

 private:
  std::string binary_, config_, log_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace caselink::testing
