// The client channel every caselink_bench workload uses, so the caselink
// calls and the echo baseline go through identical client machinery: the
// same SslCredentials as the caselink client library (CA, certificate, key),
// the TLS name "localhost", a private subchannel (one connection per channel)
// and no retry policy.
#pragma once

#include <memory>
#include <string>

#include "grpcpp/channel.h"

namespace caselink::bench {

std::shared_ptr<grpc::Channel> MakeMtlsChannel(const std::string& target, const std::string& ca_pem,
                                               const std::string& cert_pem,
                                               const std::string& key_pem);

}  // namespace caselink::bench
