// plm serve: the web application, until SIGINT or SIGTERM (src/app/serve.cpp runs it).

#include "app/cli/commands.hpp"
#include "app/cli/context.hpp"
#include "app/serve.hpp"

namespace plm::app::cli {

namespace {

ExitCode serve(CommandContext& context) {
  const auto& invocation = context.invocation();
  return run_serve(ServeOptions{.settings = invocation.settings,
                                .port_file = invocation.value("--port-file").value_or("")},
                   context.err());
}

}  // namespace

CommandGroup serve_commands() {
  return {
      .name = "serve",
      .summary = "run the web application (JSON API, live updates, the single-page app)",
      .commands = {
          {.summary = "serve the web application and its JSON API until SIGINT or SIGTERM",
           .flags = {{.name = "--listen",
                      .value_name = "HOST:PORT",
                      .description = "where to listen (PLM_LISTEN, default 127.0.0.1:8080; port "
                                     "0 picks a free one)",
                      .setting = "PLM_LISTEN"},
                     {.name = "--port-file",
                      .value_name = "FILE",
                      .description = "write the bound port to FILE once listening"}},
           .details = "The JSON API is described in api/openapi.yaml. Browsers must use "
                      "PLM_PUBLIC_URL\n(default http://<listen>/). Settings: "
                      "configs/example.env.\nWhile no user has a password, the log shows a "
                      "one-time setup code for the first\nvisit.\n",
           // run_serve loads the configuration itself: it blocks signals before any thread starts.
           .needs = Needs::Nothing,
           .handler = serve,
           .examples = {{"plm serve", "the web app on http://127.0.0.1:8080/"},
                        {"plm serve --listen 0.0.0.0:8080 --data-dir /var/lib/plm",
                         "on every address, with the data in /var/lib/plm"}}}}};
}

}  // namespace plm::app::cli
