#include "core/exchange/import_plan.hpp"

namespace plm::core {}  // namespace plm::core
