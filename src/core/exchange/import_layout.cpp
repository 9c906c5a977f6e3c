#include "core/exchange/import_layout.hpp"

namespace plm::core {}  // namespace plm::core
