#include "exchange/files.hpp"

namespace plm::exchange {}  // namespace plm::exchange
