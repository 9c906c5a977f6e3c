// plm config: the effective configuration.

#include <ostream>

#include "app/cli/commands.hpp"
#include "app/cli/context.hpp"

namespace plm::app::cli {

namespace {

ExitCode show_config(CommandContext& context) {
  context.out() << describe(context.config());
  return ExitCode::Ok;
}

}  // namespace

CommandGroup config_commands() {
  return {.name = "config",
          .summary = "print the effective configuration (secrets masked)",
          .commands = {{.details = "Settings come from (highest first) the global options, PLM_* "
                                   "environment variables,\nthe --config file, then defaults; "
                                   "every key is documented in configs/example.env.\n",
                        .needs = Needs::Config,
                        .handler = show_config,
                        .examples = {{"plm config", "the settings in effect, secrets masked"},
                                     {"plm --config /etc/plm.env config",
                                      "the settings with this file read too"}}}}};
}

}  // namespace plm::app::cli
