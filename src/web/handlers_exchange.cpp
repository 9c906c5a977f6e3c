#include "web/handlers.hpp"

namespace plm::web {}  // namespace plm::web
