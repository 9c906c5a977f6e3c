#include "core/exchange/workbook.hpp"

namespace plm::core {}  // namespace plm::core
