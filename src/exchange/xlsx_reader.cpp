#include "exchange/xlsx.hpp"

namespace plm::exchange {}  // namespace plm::exchange
