// plm's command table, the top-level usage and the dispatch: parse (command_line.cpp), then
// --help, or load what the command needs and run its handler.

#include "app/cli/cli.hpp"

#include <nlohmann/json.hpp>
#include <ostream>

#include "app/cli/commands.hpp"
#include "app/cli/context.hpp"
#include "app/cli/output.hpp"

namespace plm::app::cli {

namespace {

/// Every command group, in the order `plm --help` lists them. A new group is one more row.
const std::vector<CommandGroup>& command_groups() {
  // clang-format off
  static const std::vector<CommandGroup> groups{
      connect_commands(),
      accounts_commands(),
      sync_commands(),
      playlists_commands(),
      playlist_commands(),
      batch_commands(),
      where_commands(),
      match_commands(),
      export_commands(),
      import_commands(),
      jobs_commands(),
      user_commands(),
      serve_commands(),
      config_commands(),
      help_commands(),
      completion_commands(),
  };
  // clang-format on
  return groups;
}

/// Accepted before or after any command; those with a setting override the configuration.
const std::vector<Flag>& global_flags() {
  static const std::vector<Flag> flags{
      {.name = "--config",
       .value_name = "FILE",
       .description = "read KEY=VALUE settings from FILE (see configs/example.env)",
       .setting = "PLM_CONFIG"},
      {.name = "--data-dir",
       .value_name = "DIR",
       .description = "same as PLM_DATA_DIR",
       .setting = "PLM_DATA_DIR"},
      {.name = "--database",
       .value_name = "URL",
       .description = "same as PLM_DATABASE_URL (sqlite:PATH or postgresql://...)",
       .setting = "PLM_DATABASE_URL"},
      {.name = "--user",
       .value_name = "NAME",
       .description = "act as this plm user (PLM_USER)",
       .setting = "PLM_USER"},
      {.name = "--json",
       .description = "JSON on stdout; --json=FIELDS (or --json FIELDS) keeps only those fields "
                      "(comma-separated; see the command's --help)"},
      {.name = "--jq",
       .value_name = "EXPR",
       .description = "filter the JSON output with a jq expression (implies --json)"},
      {.name = "--no-pager", .description = "never page long output on a terminal (PAGER)"},
  };
  return flags;
}

}  // namespace

CommandTable plm_command_table() { return {command_groups(), global_flags()}; }

ExitCode usage_error(const std::string& message, bool json, std::ostream& out, std::ostream& err) {
  err << "plm: " << message << "\n";
  if (json)
    out << nlohmann::json{{"error", {{"code", "usage"}, {"message", message}}}}.dump() << "\n";
  return ExitCode::Usage;
}

}  // namespace plm::app::cli

namespace plm::app {

namespace {

using namespace cli;

/// "option --data-dir" for each setting a flag of the command line gave (`plm config
/// --show-origin`, and configuration errors, name it).
std::map<std::string, std::string> setting_origins(const Invocation& invocation) {
  std::map<std::string, std::string> origins;
  auto note = [&](const Flag& flag) {
    if (!flag.setting.empty() && invocation.settings.contains(std::string(flag.setting)))
      origins[std::string(flag.setting)] = "option " + std::string(flag.name);
  };
  for (const Flag& flag : plm_command_table().global_flags) note(flag);
  if (invocation.command) {
    for (const Flag& flag : invocation.command->flags) note(flag);
  }
  return origins;
}

/// The first line of an exception's text: libraries (libpq, SQLite, the file system) add lines a
/// person does not need; PLM_DEBUG=1 shows them all.
std::string first_line(std::string_view text) {
  return std::string(text.substr(0, text.find('\n')));
}

ExitCode dispatch(const Invocation& invocation, std::ostream& out, std::ostream& err) {
  const auto table = plm_command_table();
  if (invocation.version) {
    out << "plm 0.1.0\n";
    return ExitCode::Ok;
  }
  if (!invocation.group) {
    (invocation.help ? out : err) << top_level_help(table);
    return invocation.help ? ExitCode::Ok : ExitCode::Usage;
  }
  // Help needs no configuration, database or key: it must work when those are broken.
  if (invocation.help) {
    out << help_text(table, *invocation.group, invocation.command);
    return ExitCode::Ok;
  }
  const Command& command = *invocation.command;
  CommandContext context(invocation, out, err);
  context.use_terminal(Terminal::detect(invocation));
  if (command.needs != Needs::Nothing) {
    auto config = load_config(invocation.settings, setting_origins(invocation));
    if (!config) return usage_error(config.error().message, invocation.json, out, err);
    context.set_config(std::move(*config));
  }
  if (command.needs == Needs::Services) context.open_services();
  return command.handler(context);
}

}  // namespace

ExitCode run_cli(int argc, char** argv, std::ostream& out, std::ostream& err) {
  bool json = false;
  try {
    const std::vector<std::string> arguments(argv + 1, argv + argc);
    const auto invocation = parse_command_line(plm_command_table(), arguments);
    if (!invocation)
      return usage_error(invocation.error().message, wants_json(arguments), out, err);
    json = invocation->json || invocation->jq.has_value();
    return dispatch(*invocation, out, err);
  } catch (const std::exception& problem) {
    // The CLI's edge: an unexpected failure (database unreachable, disk full, a broken data
    // directory) gets one plain line, and the library's full text only when asked for.
    core::Error error = core::make_error(core::ErrorCode::Internal, first_line(problem.what()));
    error.detail = problem.what();
    err << "plm: " << describe_error(error) << "\n";
    if (json) out << error_json(error).dump() << "\n";
    return ExitCode::Failure;
  }
}

}  // namespace plm::app
