// The channel a Client talks through: mutual-TLS credentials, the retry
// service config and the message-size limit, all derived from ClientOptions.
// Stateless functions; thread-safe.
//
// Example:
//   std::shared_ptr<grpc::Channel> ch = MakeChannel(options);  // validated
#pragma once

#include <memory>
#include <string>

#include <grpcpp/channel.h>

#include "caselink/client_options.h"

namespace caselink::client_internal {

// The gRPC service-config JSON that retries every RPC of the services the
// client wraps on UNAVAILABLE, options.max_attempts times in total with
// exponential backoff from options.initial_backoff. With max_attempts <= 1
// the config has no retry policy.
std::string RetryServiceConfigJson(const ClientOptions& options);

// Creates (without connecting) a channel to options.target. `options` must
// have passed ClientOptions::Validate().
std::shared_ptr<grpc::Channel> MakeChannel(const ClientOptions& options);

}  // namespace caselink::client_internal
