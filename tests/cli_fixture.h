// Shared harness of the tests that run the real `caselink` binary (path in
// CASELINK_CLI_PATH) against a TestDistrict: each agency's certificate and
// key written to files, the command line built with every connection flag
// (and no CASELINK_* variable inherited), stdout and stderr captured.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "support/temp_dir.h"
#include "workflow_fixture.h"

#ifndef CASELINK_CLI_PATH
#error "CASELINK_CLI_PATH must name the caselink binary"
#endif

namespace caselink::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  std::vector<std::string> out_lines() const { return absl::StrSplit(out, '\n', absl::SkipEmpty()); }
  std::vector<std::string> err_lines() const { return absl::StrSplit(err, '\n', absl::SkipEmpty()); }
};

inline std::string Quote(const std::string& s) { return "'" + absl::StrReplaceAll(s, {{"'", "'\\''"}}) + "'"; }

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void Spit(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

template <typename Message>
Message FromJson(const std::string& json) {
  Message m;
  auto status = google::protobuf::util::JsonStringToMessage(json, &m);
  EXPECT_TRUE(status.ok()) << status << "\n" << json;
  return m;
}

class CliTest : public WorkflowTest {
 protected:
  // Writes the certificate and key of each agency into the test's files.
  void WriteAgencyFiles(std::initializer_list<const char*> agencies) {
    for (const char* agency : agencies) {
      auto kc = district_->AgencyCert(agency);
      ASSERT_TRUE(kc.ok()) << kc.status();
      ASSERT_TRUE(WriteFile(Path(absl::StrCat(agency, ".pem")), kc->cert_pem).ok());
      ASSERT_TRUE(WriteFile(Path(absl::StrCat(agency, ".key")), kc->key_pem).ok());
    }
  }

  std::string Path(const std::string& name) const { return files_.Join(name); }

  // The command line of `caselink ARGS` as `agency`, no CASELINK_* inherited.
  std::string Command(const std::string& agency, const std::vector<std::string>& args) const {
    std::string cmd =
        "env -u CASELINK_TARGET -u CASELINK_CA -u CASELINK_CERT -u CASELINK_KEY -u CASELINK_TIMEOUT"
        " -u CASELINK_SERVER_NAME " +
        Quote(CASELINK_CLI_PATH);
    for (const std::string& a :
         std::vector<std::string>{"--target", district_->target(), "--server-name", "localhost", "--ca",
                                  district_->dir() + "/ca.pem", "--cert", Path(agency + ".pem"), "--key",
                                  Path(agency + ".key"), "--timeout", "10"}) {
      absl::StrAppend(&cmd, " ", Quote(a));
    }
    for (const std::string& a : args) absl::StrAppend(&cmd, " ", Quote(a));
    return cmd;
  }

  // Runs `caselink ARGS` as `agency` with stdout and stderr to files (not a
  // terminal).
  RunResult Exec(const std::vector<std::string>& args, const std::string& agency = "market") {
    return ExecWithInput(args, agency, "");
  }
  // The same with `input` on its standard input.
  RunResult ExecWithInput(const std::vector<std::string>& args, const std::string& agency, const std::string& input) {
    const std::string out = Path("stdout"), err = Path("stderr"), in = Path("stdin");
    EXPECT_TRUE(WriteFile(in, input).ok());
    const std::string cmd =
        absl::StrCat(Command(agency, args), " >", Quote(out), " 2>", Quote(err), " <", Quote(in));
    const int status = std::system(cmd.c_str());
    RunResult run;
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = Slurp(out);
    run.err = Slurp(err);
    return run;
  }

  TempDir files_;
};

}  // namespace caselink::testing
