#include "core/exchange/export_layout.hpp"

namespace plm::core {}  // namespace plm::core
