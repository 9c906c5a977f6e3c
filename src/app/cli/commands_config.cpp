// plm config: the effective configuration, and (--show-origin) where each value came from.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "app/cli/commands.hpp"
#include "app/cli/context.hpp"
#include "app/cli/output.hpp"

namespace plm::app::cli {

namespace {

using Json = nlohmann::json;

/// Text: KEY=VALUE lines, or with --show-origin "ORIGIN<TAB>KEY=VALUE" as `git config
/// --show-origin` prints them. JSON: one object, key -> value, or with --show-origin key ->
/// {"value", "origin"}; cli::Output writes it, so `--json KEY,...` and `--jq` apply as for every
/// command. Secrets are masked in both.
ExitCode show_config(CommandContext& context) {
  const bool show_origin = context.invocation().has("--show-origin");
  Json object = Json::object();
  std::string text;
  for (const auto& entry : config_entries(context.config())) {
    object[entry.key] =
        show_origin ? Json{{"value", entry.value}, {"origin", entry.origin}} : Json(entry.value);
    text += (show_origin ? entry.origin + "\t" : "") + entry.key + "=" + entry.value + "\n";
  }
  return context.output().result(object, text);
}

/// The keys `--json` may select: every setting (config_defaults() outlives the table).
std::vector<std::string_view> config_json_fields() {
  std::vector<std::string_view> keys;
  for (const auto& [key, fallback] : config_defaults()) keys.push_back(key);
  return keys;
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
                                     {"plm --config /etc/plm.env config --json PLM_DATABASE_URL",
                                      "one setting as JSON, with this file read too"}},
                        .json_fields = config_json_fields()}}};
}

}  // namespace plm::app::cli
