#include "web/exchange_json.hpp"

namespace plm::web {}  // namespace plm::web
