#pragma once
// Internal to plm::web: the routes of the API as data. One row per route says who may call it,
// what body it takes and which free function answers; the table itself is in routes.cpp, and
// App::dispatch (web_app.cpp) runs every request through the checks its row names before the
// handler sees it.

#include <cstddef>
#include <string>
#include <vector>

#include "core/model/account.hpp"
#include "http/message.hpp"

namespace plm::web {

struct App;
struct Context;

/// What answers a route: a free function of the application and the request's context. The
/// checks of the route's row (session, CSRF, role, body) have passed when it is called.
using Handler = http::Response (*)(App& app, Context& context);

enum class Access {
  Public,    ///< no session needed (a handler may still look for one)
  SignedIn,  ///< 401 without a valid session; CSRF token on POST/PUT/PATCH/DELETE; least role
};

/// The request body a route takes. The pipeline checks it before the handler runs: the media type
/// (415), the Origin of session-less requests (403), the size (413) and, for JSON, the syntax and
/// that it is an object (400).
struct BodyRule {
  enum class Kind {
    None,    ///< whatever is sent is ignored
    Json,    ///< a JSON object (application/json) of at most `max_bytes` (0:
             ///< WebOptions::max_json_body_bytes), parsed into Context::body
    Upload,  ///< a file sent as the raw request body (not multipart/form-data), in
             ///< Context::upload
  };
  Kind kind = Kind::None;
  /// Larger bodies answer 413 (JSON: 0 means WebOptions::max_json_body_bytes). The HTTP server
  /// reads at most its own max_body_bytes (1 MiB, src/app/serve.cpp): a larger limit here needs
  /// that raised too.
  std::size_t max_bytes = 0;
  /// Upload: the accepted media types, lower case without parameters (e.g. "image/jpeg").
  std::vector<std::string> media_types;
  /// Json: an empty body (whatever its Content-Type, or none) is allowed and reads as null, for
  /// routes whose body only changes defaults.
  bool may_be_empty = false;
};

inline const BodyRule kNoBody{};
inline const BodyRule kJsonBody{BodyRule::Kind::Json};
/// A JSON object of at most `max_bytes`, for the routes that take more than the default (an edit
/// naming 10,000 items).
BodyRule json_body(std::size_t max_bytes);
/// A JSON object of at most `max_bytes`, or no body at all (Context::body null).
BodyRule optional_json_body(std::size_t max_bytes);
/// A file upload of at most `max_bytes`, of one of `media_types`. Only for signed-in routes (the
/// CSRF token protects them; App refuses a table with a public upload route).
BodyRule upload_body(std::size_t max_bytes, std::vector<std::string> media_types);

/// One row of the route table.
struct Route {
  std::string method;  ///< GET, POST, PUT, PATCH, DELETE (HEAD matches GET)
  std::string path;    ///< template with {parameters}, e.g. "/api/jobs/{job_id}"
  Access access = Access::SignedIn;
  core::Role role = core::Role::Viewer;  ///< the least role (signed-in routes only)
  BodyRule body;
  Handler handler = nullptr;
};

/// THE route table of `plm serve` (api/openapi.yaml), in matching order (routes.cpp).
const std::vector<Route>& api_routes();

}  // namespace plm::web
