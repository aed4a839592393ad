// Links only the layers below server/ (storage, auth, workflow) and uses each,
// so `ldd` on this binary shows what those layers pull in: never gRPC
// (tests/arch.cmake).
#include <cstdio>
#include <vector>

#include "absl/time/clock.h"
#include "auth/free_text_scanner.h"
#include "storage/case_id.h"
#include "workflow/workflow_rules.h"

int main() {
  std::vector<caselink::auth::FreeTextMatch> found;
  caselink::auth::ScanFreeText("13800138000", &found);
  std::printf("%s %zu %s\n", caselink::workflow::ForwardTransferFlow().name, found.size(),
              caselink::storage::NewCaseId(absl::Now(), absl::UTCTimeZone()).c_str());
  return 0;
}
