// What the access-log tests of storage/ share: a fresh EC P-256 signing key
// (PEM) for checkpoints, and the i-th sample entry of a synthetic log (three
// agencies in turn, one case each, times a second apart).
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "caselink/v1/audit.pb.h"

namespace caselink::testing {

inline std::string NewCheckpointKeyPem() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, n);
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

inline v1::AuditEntry SampleAuditEntry(int i) {
  v1::AuditEntry e;
  e.set_agency_id(absl::StrCat("agency-", i % 3));
  e.set_method("caselink.v1.CaseService/GetCase");
  e.add_case_ids(absl::StrCat("case-", i));
  e.set_purpose(absl::StrCat("purpose-", i));
  e.mutable_time()->set_seconds(1700000000 + i);
  return e;
}

}  // namespace caselink::testing
