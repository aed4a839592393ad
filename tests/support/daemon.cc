#include "support/daemon.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace caselink::testing {

absl::Status Daemon::Start(const std::string& port_file) {
  unlink(port_file.c_str());
  pid_ = fork();
  if (pid_ == 0) {
    FILE* f = freopen(log_.c_str(), "a", stderr);
    FILE* g = freopen(log_.c_str(), "a", stdout);
    (void)f;
    (void)g;
    execl(binary_.c_str(), binary_.c_str(), "--config", config_.c_str(), nullptr);
    _exit(127);
  }
  for (int i = 0; i < 300; ++i) {
    std::ifstream in(port_file);
    if (in >> port_) return absl::OkStatus();
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return absl::InternalError(absl::StrCat("caselinkd exited at start:\n", Log()));
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  return absl::DeadlineExceededError(absl::StrCat("caselinkd did not start:\n", Log()));
}

void Daemon::Signal(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

void Daemon::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

int Daemon::Terminate() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

std::string Daemon::Log() const {
  std::ifstream in(log_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int Daemon::RunToCompletion(const std::string& binary, const std::vector<std::string>& args,
                            std::string* output) {
  std::string cmd = binary;
  for (const std::string& a : args) cmd += " '" + a + "'";
  cmd += " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return -1;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) output->append(buf, n);
  int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace caselink::testing
