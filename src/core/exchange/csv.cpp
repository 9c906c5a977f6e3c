#include "core/exchange/csv.hpp"

namespace plm::core {}  // namespace plm::core
