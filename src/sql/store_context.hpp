#pragma once
// Internal to plm::sql: what every store written on the connection layer needs besides a
// connection.

#include "core/ports/clock.hpp"

namespace plm::security {
class TokenCipher;
}

namespace plm::sql {

/// Both must outlive every store holding the context.
struct StoreContext {
  const security::TokenCipher& cipher;  ///< secrets are encrypted at rest
  const core::Clock& clock;             ///< the time of every stored timestamp
};

}  // namespace plm::sql
