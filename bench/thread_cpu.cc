#include "thread_cpu.h"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace caselink::bench {
namespace {

std::string ThreadName(const std::string& comm_path) {
  std::ifstream in(comm_path);
  std::string name;
  std::getline(in, name);
  return name;
}

}  // namespace

// Fields 14 and 15 of proc(5), counted after the parenthesised name, which
// may hold spaces.
double StatCpuSeconds(const std::string& stat_path) {
  std::ifstream in(stat_path);
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t close = stat.rfind(')');
  if (close == std::string::npos || close + 2 > stat.size()) return 0;
  std::vector<std::string> f = absl::StrSplit(stat.substr(close + 2), ' ');
  double utime = 0, stime = 0;
  if (f.size() > 13) {
    (void)absl::SimpleAtod(f[11], &utime);
    (void)absl::SimpleAtod(f[12], &stime);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

ThreadCpu ThreadCpuOf(pid_t pid) {
  ThreadCpu cpu;
  std::error_code ec;
  const std::string tasks = absl::StrCat("/proc/", pid, "/task");
  for (auto it = std::filesystem::directory_iterator(tasks, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    const std::string dir = it->path().string();
    const std::string name = ThreadName(dir + "/comm");
    const double seconds = StatCpuSeconds(dir + "/stat");
    if (absl::StartsWith(name, "rocksdb:high")) {
      cpu.flush += seconds;
    } else if (absl::StartsWith(name, "rocksdb:")) {
      cpu.compaction += seconds;
    } else if (name == "nexting_thread" || absl::StartsWith(name, "grpc") ||
               absl::StartsWith(name, "default-executo") || absl::StartsWith(name, "resolver-execut") ||
               absl::StartsWith(name, "timer_manager") || absl::StartsWith(name, "global-cq")) {
      cpu.grpc += seconds;
    } else {
      cpu.caselink += seconds;
    }
  }
  return cpu;
}

double OwnCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace caselink::bench
