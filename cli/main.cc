// caselink: the command-line client of a caselink server. The subcommands
// come from the commands_*.cc files (see command.h); this file only parses
// the global options and runs the chosen subcommand.
#include <cstdlib>
#include <string>

#include <CLI/CLI.hpp>
#include <grpc/support/log.h>

#include "command.h"
#include "output.h"

int main(int argc, char** argv) {
  // gRPC's own error lines (a failed handshake, a refused connection) would
  // come before the one line the CLI prints for the same failure, in a form
  // no user acts on; a user who sets GRPC_VERBOSITY gets them back.
  if (std::getenv("GRPC_VERBOSITY") == nullptr) gpr_set_log_function([](gpr_log_func_args*) {});
  using caselink::cli::OutputFormat;
  caselink::cli::CommandContext ctx;
  caselink::cli::GlobalOptions& g = ctx.globals;

  CLI::App app{"caselink: share cases between agencies over mutual TLS"};
  app.name("caselink");
  app.require_subcommand(1);
  app.footer(
      "Global options (--target, --ca, --cert, --key, --timeout, --server-name, --output) come before the "
      "subcommand.\nExit codes: 0 done; 1 the server or the network failed; 2 a bad command line, file or input.");
  app.add_option("--target", g.target, "Server host:port")
      ->envname("CASELINK_TARGET")
      ->capture_default_str();
  app.add_option("--ca", g.ca_file, "PEM file of the CA of the server")
      ->envname("CASELINK_CA");
  app.add_option("--cert", g.cert_file, "PEM file of your agency certificate")
      ->envname("CASELINK_CERT");
  app.add_option("--key", g.key_file, "PEM file of your agency private key")
      ->envname("CASELINK_KEY");
  app.add_option("--timeout", g.timeout_seconds, "Deadline per call, seconds")
      ->envname("CASELINK_TIMEOUT")
      ->check(CLI::Range(0.001, 86400.0))
      ->capture_default_str();
  app.add_option("--server-name", g.server_name,
                 "TLS name to expect instead of the target host")
      ->envname("CASELINK_SERVER_NAME");
  std::string output = "json";
  app.add_option("--output", output, "json: pretty JSON; text: one line per case")
      ->check(CLI::IsMember({"json", "text"}))
      ->capture_default_str();
  caselink::cli::AddRegisteredCommands(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return caselink::cli::ReportUsageError(
        std::string(e.what()) + " (run with --help for usage)");
  }
  g.output = output == "text" ? OutputFormat::kText : OutputFormat::kJson;
  if (!ctx.action()) {
    return caselink::cli::ReportUsageError("no subcommand given");
  }
  return ctx.action()();
}
