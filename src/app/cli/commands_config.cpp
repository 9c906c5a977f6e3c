// plm config: the effective configuration, and (--show-origin) where each value came from.

#include <nlohmann/json.hpp>
#include <ostream>

#include "app/cli/commands.hpp"
#include "app/cli/context.hpp"

namespace plm::app::cli {

namespace {

using Json = nlohmann::json;

/// Text: KEY=VALUE lines, or with --show-origin "ORIGIN<TAB>KEY=VALUE" as `git config
/// --show-origin` prints them. JSON: one object, key -> value, or with --show-origin key ->
/// {"value", "origin"}. Secrets are masked in both.
ExitCode show_config(CommandContext& context) {
  const bool show_origin = context.invocation().has("--show-origin");
  const auto entries = config_entries(context.config());
  if (context.json()) {
    Json object = Json::object();
    for (const auto& entry : entries) {
      object[entry.key] =
          show_origin ? Json{{"value", entry.value}, {"origin", entry.origin}} : Json(entry.value);
    }
    context.out() << object.dump(2) << "\n";
    return ExitCode::Ok;
  }
  for (const auto& entry : entries) {
    if (show_origin) context.out() << entry.origin << "\t";
    context.out() << entry.key << "=" << entry.value << "\n";
  }
  return ExitCode::Ok;
}

}  // namespace

CommandGroup config_commands() {
  return {.name = "config",
          .summary = "print the effective configuration (secrets masked)",
          .commands = {{.flags = {{.name = "--show-origin",
                                   .description = "show where each value came from: default, "
                                                  "environment PLM_X, file PATH:LINE or option "
                                                  "--flag"}},
                        .details = "Settings come from (highest first) the global options, PLM_* "
                                   "environment variables,\nthe --config file, then defaults; "
                                   "every key is documented in configs/example.env.\n",
                        .needs = Needs::Config,
                        .handler = show_config,
                        .examples = {{"plm config", "the settings in effect, secrets masked"},
                                     {"plm --config /etc/plm.env config",
                                      "the settings with this file read too"}}}}};
}

}  // namespace plm::app::cli
