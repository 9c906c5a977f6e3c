// plm user add / plm user list: the plm users (who signs in to the web app, whom the CLI acts as).

#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli/commands.hpp"
#include "app/cli/context.hpp"
#include "app/cli/json_shapes.hpp"
#include "app/cli/output.hpp"
#include "app/cli/password_input.hpp"
#include "security/password.hpp"

namespace plm::app::cli {

namespace {

using Json = nlohmann::json;

constexpr std::size_t kMinimumPasswordLength = 8;

constexpr Column kUserColumns[] = {
    {.header = "ID", .field = "id", .right_aligned = true},
    {.header = "NAME", .field = "username", .shrink = true},
    {.header = "ROLE", .field = "role"},
    {.header = "PASSWORD", .field = "has_password"},
    {.header = "CREATED", .field = "created_at"},
};

ExitCode list_users(CommandContext& context) {
  auto all = context.services().users().list_users();
  if (!all) return context.fail(all.error());
  Json list = Json::array();
  for (const auto& user : *all) list.push_back(user_shape(user));
  return context.output().list(list, kUserColumns);
}

ExitCode add_user(CommandContext& context) {
  const auto& invocation = context.invocation();
  const std::string& name = invocation.arguments.front();
  // The web sign-in throttle keys on the name: a name it cannot key must not exist at all.
  if (!core::valid_username(name)) {
    return context.fail(core::make_error(
        core::ErrorCode::InvalidInput,
        "invalid user name '" + name +
            "': use 1 to 64 letters, digits, '.', '_', '@' or '-'; nothing was changed"));
  }
  const std::string role_text = invocation.value("--role").value_or("editor");
  const auto role = core::role_from_string(role_text);  // the parser checked the choices
  auto password =
      read_new_password(name, password_source(STDIN_FILENO, invocation.has("--password-stdin")),
                        std::cin, STDIN_FILENO, context.err());
  if (!password) return context.fail(password.error());
  if (password->size() < kMinimumPasswordLength) {
    return context.fail(core::make_error(
        core::ErrorCode::InvalidInput, "the password must have at least " +
                                           std::to_string(kMinimumPasswordLength) + " characters"));
  }
  auto created = context.services().users().create_user(name, security::hash_password(*password),
                                                        role.value_or(core::Role::Editor));
  if (!created) {
    core::Error error = created.error();
    if (error.code == core::ErrorCode::Conflict)
      error.message += "; `plm user list` shows the users";
    return context.fail(error);
  }
  return context.output().result(user_shape(*created), "added " + role_text + " " + name);
}

}  // namespace

CommandGroup user_commands() {
  return {
      .name = "user",
      .summary = "manage plm users (add, list)",
      .commands = {
          {.name = "add",
           .summary = "add a plm user who can sign in to the web app",
           .arguments = {{"NAME", "1 to 64 letters, digits, '.', '_', '@' or '-'"}},
           .flags = {{.name = "--role",
                      .value_name = "admin|editor|viewer",
                      .description = "what the user may do (default: editor)",
                      .choices = {"admin", "editor", "viewer"}},
                     {.name = "--password-stdin",
                      .description = "read the password as one line from standard input, "
                                     "without prompts"}},
           .details = "NAME is 1 to 64 letters, digits, '.', '_', '@' or '-'. On a terminal the "
                      "password is asked\ntwice and not shown as it is typed; from a pipe (or "
                      "with --password-stdin) it is\none line of standard input. Passwords have "
                      "at least 8 characters and are stored\nas Argon2id hashes.\n",
           .handler = add_user,
           .examples = {{"plm user add alice --role viewer",
                         "add a user who may only look (asks for the password)"},
                        {"plm user add bob --password-stdin < bob.password",
                         "add an editor with the password in a file"}},
           .json_fields = kUserJsonFields},
          {.name = "list",
           .summary = "list the plm users (id, name, role)",
           .handler = list_users,
           .examples = {{"plm user list --json", "every user as JSON"}},
           .json_fields = kUserJsonFields},
      }};
}

}  // namespace plm::app::cli
