// Connects to an unreachable target with the installed client library and
// prints what happens. Exit 0 when Connect succeeded (it must not block) and
// the call then failed with UNAVAILABLE or DEADLINE_EXCEEDED.
#include <iostream>

#include "caselink/client.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: consumer CERT.pem KEY.pem (the certificate serves as CA too)" << std::endl;
    return 2;
  }
  auto options = caselink::ClientOptions::FromFiles("127.0.0.1:1",  // nothing listens on port 1
                                                     argv[1], argv[1], argv[2]);
  if (!options.ok()) {
    std::cout << "FromFiles: " << options.status() << std::endl;
    return 1;
  }
  options->deadline = absl::Seconds(2);
  options->max_attempts = 1;

  auto client = caselink::Client::Connect(*options);
  std::cout << "Connect: " << client.status() << std::endl;
  if (!client.ok()) return 1;

  caselink::v1::GetCaseRequest request;
  request.set_case_id("c1");
  absl::Status call = (*client)->GetCase(request).status();
  std::cout << "GetCase: " << call << std::endl;
  return absl::IsUnavailable(call) || absl::IsDeadlineExceeded(call) ? 0 : 1;
}
