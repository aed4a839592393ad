#include "flood_process.h"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "support/temp_dir.h"

extern char** environ;

namespace caselink::bench {
namespace {

using ::caselink::testing::ReadFile;
using ::caselink::testing::WriteFile;

// Reads the child's stdout until it has a whole line or `timeout_ms` pass
// (-1: no limit); "" at end of file.
absl::StatusOr<std::string> ReadLine(int fd, int timeout_ms) {
  std::string line;
  char c;
  while (true) {
    pollfd p{fd, POLLIN, 0};
    const int n = poll(&p, 1, timeout_ms);
    if (n == 0) return absl::DeadlineExceededError("the flood process did not answer in time");
    if (n < 0) return absl::InternalError("poll failed on the flood process's output");
    const ssize_t r = read(fd, &c, 1);
    if (r <= 0) return line;
    if (c == '\n') return line;
    line.push_back(c);
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<FloodProcess>> FloodProcess::Start(const FloodSpec& spec,
                                                                  const std::string& dir) {
  for (auto [name, bytes] : std::vector<std::pair<std::string, const std::string*>>{
           {"ca.pem", &spec.ca_pem}, {"cert.pem", &spec.cert_pem}, {"key.pem", &spec.key_pem},
           {"request.bin", &spec.request}}) {
    absl::Status s = WriteFile(dir + "/" + name, *bytes);
    if (!s.ok()) return s;
  }
  absl::Status s = WriteFile(dir + "/spec.txt", absl::StrCat(spec.target, "\n", spec.in_flight, "\n",
                                                            spec.seconds, "\n"));
  if (!s.ok()) return s;

  int fds[2];
  if (pipe(fds) != 0) return absl::InternalError("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  std::string exe = "/proc/self/exe", flag = "--flood-child", arg = dir;
  char* argv[] = {exe.data(), flag.data(), arg.data(), nullptr};
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return absl::InternalError(absl::StrCat("cannot start the flood process: error ", rc));
  }
  std::unique_ptr<FloodProcess> p(new FloodProcess(pid, fds[0]));
  auto line = ReadLine(p->out_, 20000);
  if (!line.ok()) return line.status();
  if (*line != "ready") {
    return absl::UnavailableError(absl::StrCat("the flood process did not start: '", *line, "'"));
  }
  return p;
}

absl::StatusOr<FloodSummary> FloodProcess::Wait() {
  absl::StatusOr<std::string> line = ReadLine(out_, -1);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  if (!line.ok()) return line.status();
  std::vector<std::string> parts = absl::StrSplit(*line, ' ');
  FloodSummary sum;
  if (parts.size() != 3 || parts[0] != "done" || !absl::SimpleAtoi(parts[1], &sum.ok) ||
      !absl::SimpleAtoi(parts[2], &sum.errors)) {
    return absl::InternalError(absl::StrCat("the flood process ended with '", *line, "', status ", status));
  }
  return sum;
}

FloodProcess::~FloodProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  close(out_);
}

absl::StatusOr<FloodSpec> ReadFloodSpec(const std::string& dir) {
  FloodSpec spec;
  for (auto [name, into] : std::vector<std::pair<std::string, std::string*>>{
           {"ca.pem", &spec.ca_pem}, {"cert.pem", &spec.cert_pem}, {"key.pem", &spec.key_pem},
           {"request.bin", &spec.request}}) {
    auto bytes = ReadFile(dir + "/" + name);
    if (!bytes.ok()) return bytes.status();
    *into = std::move(*bytes);
  }
  auto text = ReadFile(dir + "/spec.txt");
  if (!text.ok()) return text.status();
  std::vector<std::string> lines = absl::StrSplit(*text, '\n', absl::SkipEmpty());
  if (lines.size() != 3 || !absl::SimpleAtoi(lines[1], &spec.in_flight) ||
      !absl::SimpleAtod(lines[2], &spec.seconds)) {
    return absl::InvalidArgumentError(absl::StrCat(dir, "/spec.txt is not target, in-flight, seconds"));
  }
  spec.target = lines[0];
  return spec;
}

}  // namespace caselink::bench
