#include "synthetic_district.h"

#include <array>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace caselink::bench {
namespace {

constexpr std::array<const char*, 20> kSurnames = {"王", "李", "张", "刘", "陈", "杨", "黄",
                                                   "赵", "吴", "周", "徐", "孙", "马", "朱",
                                                   "胡", "郭", "何", "高", "林", "罗"};
constexpr std::array<const char*, 24> kGiven = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊",
                                                "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
                                                "超", "秀英", "霞", "平", "刚", "桂英", "建华", "志强"};
constexpr std::array<const char*, 8> kTrades = {"商贸", "建筑工程", "餐饮管理", "物流", "食品",
                                                "劳务派遣", "化工", "网络科技"};
constexpr char kCreditChars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";  // GB 32100: 31 characters

std::string PersonName(uint64_t person) {
  return absl::StrCat(kSurnames[person % kSurnames.size()],
                      kGiven[(person / kSurnames.size()) % kGiven.size()],
                      person % 3 == 0 ? kGiven[(person / 7) % kGiven.size()] : "");
}

std::string CompanyName(uint64_t company) {
  return absl::StrCat("某市", company, "号", kTrades[company % kTrades.size()], "有限公司");
}

}  // namespace

std::string ResidentIdOf(uint64_t person) {
  // 6-digit region, birth date 1960-01-01 + n days (always a real date),
  // 3-digit sequence, then the ISO 7064 MOD 11-2 check character.
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  const int day = static_cast<int>(person % 15000);
  int y = 1960, m = 1, d = 1 + day;
  static constexpr int kMonthDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (;;) {
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    const int year_days = leap ? 366 : 365;
    if (d <= year_days) break;
    d -= year_days;
    ++y;
  }
  for (;;) {
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    const int md = kMonthDays[m - 1] + (m == 2 && leap ? 1 : 0);
    if (d <= md) break;
    d -= md;
    ++m;
  }
  std::string id = absl::StrFormat("%06d%04d%02d%02d%03d", 510100 + static_cast<int>(person / 15000 % 90),
                                   y, m, d, static_cast<int>(person / 1350000 % 1000));
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (id[i] - '0') * kWeights[i];
  id.push_back(kCheck[sum % 11]);
  return id;
}

std::string CreditCodeOf(uint64_t company) {
  // "91" (enterprise), a 6-digit region, then 9 characters numbering the
  // company, then the MOD 31 check character.
  static constexpr int kWeights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
  std::string code = "91510181";
  uint64_t n = company;
  std::string body(9, '0');
  for (int i = 8; i >= 0; --i) {
    body[i] = kCreditChars[n % 31];
    n /= 31;
  }
  code += body;
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    sum += static_cast<int>(std::string_view(kCreditChars).find(code[i])) * kWeights[i];
  }
  code.push_back(kCreditChars[(31 - sum % 31) % 31]);
  return code;
}

PartyPopulation PartyPopulation::ForCases(uint64_t cases) {
  PartyPopulation p;
  p.persons = std::max<uint64_t>(100, cases * 35 / 100);
  p.companies = std::max<uint64_t>(20, cases * 8 / 100);
  return p;
}

const std::vector<std::pair<std::string, v1::Domain>>& SyntheticDistrict::Agencies() {
  static const auto* agencies = new std::vector<std::pair<std::string, v1::Domain>>{
      {"market", v1::MARKET_ORDER},
      {"emergency", v1::WORK_SAFETY},
      {"hrss", v1::LABOUR_PROTECTION},
      {"psb", v1::PUBLIC_ORDER},
  };
  return *agencies;
}

uint64_t SyntheticDistrict::Pick(uint64_t population) {
  std::uniform_real_distribution<double> u(0, 1);
  if (u(rng_) < pop_.repeat_share) {
    const uint64_t repeaters = std::max<uint64_t>(1, static_cast<uint64_t>(population * pop_.repeat_fraction));
    return rng_() % repeaters;
  }
  return rng_() % population;
}

uint64_t SyntheticDistrict::PickPerson() { return Pick(pop_.persons); }
uint64_t SyntheticDistrict::PickCompany() { return Pick(pop_.companies); }

std::string SyntheticDistrict::NextPartyId() {
  return rng_() % 5 == 0 ? CreditCodeOf(PickCompany()) : ResidentIdOf(PickPerson());
}

v1::Case SyntheticDistrict::NextCase(v1::Domain domain, uint64_t serial) {
  v1::Case c;
  c.set_domain(domain);
  const uint64_t kind = rng_() % 10;  // 0-6 a person, 7-8 a company, 9 both
  if (kind <= 6 || kind == 9) {
    const uint64_t person = PickPerson();
    auto* p = c.add_parties();
    p->set_role("当事人");
    p->mutable_person()->set_name(PersonName(person));
    p->mutable_person()->set_id_number(ResidentIdOf(person));
    p->mutable_person()->set_phone(absl::StrFormat("138%08d", static_cast<int>(person % 100000000)));
    p->mutable_person()->set_address(absl::StrCat("四川省某市某区幸福路", person % 300, "号"));
  }
  if (kind >= 7) {
    const uint64_t company = PickCompany();
    auto* o = c.add_parties();
    o->set_role("当事人");
    o->mutable_organization()->set_name(CompanyName(company));
    o->mutable_organization()->set_credit_code(CreditCodeOf(company));
    o->mutable_organization()->set_legal_representative(PersonName(company * 7 + 3));
  }
  const int month = static_cast<int>(serial % 24);
  const std::string date = absl::StrFormat("%04d-%02d-%02d", 2024 + month / 12, month % 12 + 1,
                                           static_cast<int>(1 + serial % 28));
  c.set_title(absl::StrCat(c.parties(0).has_person() ? c.parties(0).person().name()
                                                      : c.parties(0).organization().name(),
                           "涉嫌违法案"));
  c.set_facts(absl::StrCat(date, "检查发现当事人存在违法行为，现场制作了检查笔录并拍照取证。"));
  c.set_violation("违反相关行政管理规定");
  c.set_legal_basis("《中华人民共和国行政处罚法》第二十八条");
  c.set_agency_reference(absl::StrCat("某罚〔", 2024 + month / 12, "〕", serial, "号"));
  const uint64_t stage = rng_() % 10;
  c.set_status(stage < 2 ? v1::INVESTIGATING : stage < 8 ? v1::DECIDED : v1::CLOSED);
  c.set_major(rng_() % 50 == 0);
  if (c.status() != v1::INVESTIGATING) {
    c.mutable_penalty()->set_kind(v1::FINE);
    c.mutable_penalty()->set_amount_fen(static_cast<int64_t>(1000 + rng_() % 2000) * 100);
    c.mutable_penalty()->set_decision_number(absl::StrCat("某罚决〔", 2024 + month / 12, "〕", serial, "号"));
    c.mutable_penalty()->set_decision_date(date);
  }
  last_facts_ = FactsKind::kNone;
  if (facts_.meeting > 0 || facts_.below > 0) AddFacts(&c);
  return c;
}

void SyntheticDistrict::AddFacts(v1::Case* c) {
  const v1::Domain domain = c->domain();
  if (domain != v1::MARKET_ORDER && domain != v1::WORK_SAFETY && domain != v1::LABOUR_PROTECTION) return;
  std::uniform_real_distribution<double> u(0, 1);
  const double draw = u(rng_);
  const bool meeting = draw < facts_.meeting;
  if (!meeting && draw >= facts_.meeting + facts_.below) return;
  last_facts_ = meeting ? FactsKind::kMeeting : FactsKind::kBelow;
  v1::CaseFacts* f = c->mutable_measured_facts();
  switch (domain) {
    case v1::MARKET_ORDER: {
      // 刑法第一百四十条: 销售金额五万元以上; or 不满五万元 with
      // 销售金额×3 + 货值金额 under 十五万元 (below).
      c->set_legal_basis("《中华人民共和国产品质量法》第五十条");
      if (meeting) {
        f->set_sales_amount_fen(5000000 + static_cast<int64_t>(rng_() % 20000000));
      } else {
        const int64_t sales = 10000 + static_cast<int64_t>(rng_() % 4990000);
        f->set_sales_amount_fen(sales);
        if (rng_() % 2 == 0) f->set_unsold_goods_value_fen(static_cast<int64_t>(rng_() % (15000000 - 3 * sales)));
      }
      break;
    }
    case v1::LABOUR_PROTECTION: {
      // 刑法第二百七十六条之一: 一名劳动者三个月以上、五千元以上, 经责令支付仍不支付.
      c->set_legal_basis("《保障农民工工资支付条例》第五十四条");
      const int64_t workers = 1 + static_cast<int64_t>(rng_() % 9);
      const int64_t single = meeting ? 500000 + static_cast<int64_t>(rng_() % 1500000)
                                     : 100000 + static_cast<int64_t>(rng_() % 390000);
      f->set_months_unpaid(meeting ? 3 + static_cast<int64_t>(rng_() % 6) : 1 + static_cast<int64_t>(rng_() % 2));
      f->set_single_worker_unpaid_fen(single);
      f->set_workers_unpaid(workers);
      f->set_unpaid_wages_fen(single * workers);
      f->set_order_to_pay_ignored(meeting || rng_() % 2 == 0);
      break;
    }
    case v1::WORK_SAFETY: {
      // 刑法第一百三十四条: 死亡一人以上, 重伤三人以上, 直接经济损失一百万元以上.
      c->set_legal_basis("《中华人民共和国安全生产法》第一百一十四条");
      f->set_deaths(meeting ? 1 : 0);
      f->set_serious_injuries(static_cast<int64_t>(rng_() % 3));
      f->set_direct_economic_loss_fen(static_cast<int64_t>(rng_() % 99999999));
      break;
    }
    default:
      break;
  }
}

}  // namespace caselink::bench
