// The figures of one campaign-summary row as a test expects them, and the
// check of a SummaryRow against them: shared by the tally's unit test and
// the end-to-end test, which both check summaries row by row.
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "caselink/v1/oversight.pb.h"
#include "gtest/gtest.h"

namespace caselink::testing {

struct Figures {
  std::string agency, criterion;
  int64_t sampled, reviewed;
  int32_t average;
  int64_t excellent, pass, fail, findings, notices, open, overdue, accepted;
};

inline void ExpectRow(const v1::SummaryRow& r, const Figures& f) {
  SCOPED_TRACE(absl::StrCat("row '", f.agency, "' / '", f.criterion, "'"));
  EXPECT_EQ(r.agency_id(), f.agency);
  EXPECT_EQ(r.criterion_id(), f.criterion);
  EXPECT_EQ(r.cases_sampled(), f.sampled);
  EXPECT_EQ(r.cases_reviewed(), f.reviewed);
  EXPECT_EQ(r.average_centi(), f.average);
  EXPECT_EQ(r.excellent(), f.excellent);
  EXPECT_EQ(r.pass(), f.pass);
  EXPECT_EQ(r.fail(), f.fail);
  EXPECT_EQ(r.findings(), f.findings);
  EXPECT_EQ(r.notices(), f.notices);
  EXPECT_EQ(r.notices_open(), f.open);
  EXPECT_EQ(r.notices_overdue(), f.overdue);
  EXPECT_EQ(r.notices_accepted(), f.accepted);
}

}  // namespace caselink::testing
