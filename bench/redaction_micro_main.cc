// redaction_micro: the redaction micro-benchmark of caselink_bench on its own
// (no server, no PKI: links only caselink_auth), for quick before/after
// figures of a change to redaction. Runs RunRedactionMicro on two GetCase-sized
// cases owned by market: the tests' sample case (no identifier in its text)
// and the same case whose facts also carry an identity number, a mobile
// number, a bank card and a credit code (what content-aware masking finds).
//
//   build/bench/redaction_micro [--policy certs-example/policy.textproto] [--seconds 1]
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

#include "redaction_micro.h"

namespace {

// The stored form of the tests' SampleCase(MARKET_ORDER) submitted by market
// (tests/support/test_district.cc), with the fields the server assigns.
caselink::v1::Case SampleStoredCase() {
  using namespace caselink;
  v1::Case c;
  c.set_case_id("C20240305-ABCDEFGHJKMN");
  c.set_owner_agency("market");
  c.set_domain(v1::MARKET_ORDER);
  c.set_title("销售不合格产品案");
  c.set_facts("2024年3月5日检查发现违法事实。");
  c.set_violation("销售不合格产品");
  c.set_legal_basis("《产品质量法》第四十九条");
  c.set_status(v1::INVESTIGATING);
  c.set_agency_reference("某监立〔2024〕1号");
  auto* p = c.add_parties();
  p->set_role("当事人");
  p->mutable_person()->set_name("张三丰");
  p->mutable_person()->set_id_number("510181198503121235");
  p->mutable_person()->set_phone("13812345678");
  p->mutable_person()->set_address("四川省某市某区幸福路88号");
  auto* o = c.add_parties();
  o->set_role("当事人");
  o->mutable_organization()->set_name("某市某商贸有限公司");
  o->mutable_organization()->set_credit_code("91510181MA6C12341E");
  o->mutable_organization()->set_legal_representative("李四");
  c.mutable_penalty()->set_kind(v1::FINE);
  c.mutable_penalty()->set_amount_fen(500000);
  c.mutable_penalty()->set_decision_number("某监罚〔2024〕12号");
  c.mutable_penalty()->set_decision_date("2024-04-01");
  c.mutable_create_time()->set_seconds(1709600000);
  c.mutable_update_time()->set_seconds(1709600000);
  c.set_version(1);
  return c;
}

int Run(const char* label, const std::string& policy, const caselink::v1::Case& c, double seconds) {
  auto r = caselink::bench::RunRedactionMicro(policy, c, seconds);
  if (!r.ok()) {
    std::fprintf(stderr, "redaction_micro: %s\n", r.status().ToString().c_str());
    return 1;
  }
  std::printf("%s (%zu bytes serialized)\n", label, c.ByteSizeLong());
  for (const auto& row : r->rows) {
    std::printf("  %-55s %9.0f ns/op  (%llu iterations)\n", row.name.c_str(), row.ns_per_op,
                static_cast<unsigned long long>(row.iterations));
  }
  std::string masked;
  for (const auto& m : r->masked_fields) masked += (masked.empty() ? "" : ", ") + m;
  std::printf("  redaction per GetCase: psb %.0f ns, owner %.0f ns; psb masked: %s\n",
              r->redaction_ns_psb, r->redaction_ns_owner, masked.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string policy_path = "certs-example/policy.textproto";
  double seconds = 1.0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--policy") == 0) policy_path = argv[i + 1];
    else if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::stod(argv[i + 1]);
    else { std::fprintf(stderr, "usage: redaction_micro [--policy FILE] [--seconds S]\n"); return 2; }
  }
  std::ifstream in(policy_path);
  if (!in) { std::fprintf(stderr, "redaction_micro: cannot read %s\n", policy_path.c_str()); return 1; }
  const std::string policy((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  caselink::v1::Case plain = SampleStoredCase();
  caselink::v1::Case with_ids = plain;
  with_ids.set_facts(
      "2024年3月5日检查发现违法事实。当事人张三丰（身份证号510181198503121235，联系电话13812345678）"
      "通过其银行卡6222021234567894收取货款，供货单位统一社会信用代码91350100M000100Y43。");
  if (Run("sample case (no identifier in free text)", policy, plain, seconds) != 0) return 1;
  return Run("sample case, facts with an ID number, a phone, a bank card, a credit code", policy,
             with_ids, seconds);
}
