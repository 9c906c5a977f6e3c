#pragma once
// The in-memory fake (tests/support/fakes.hpp) opened like the databases of store_backends.hpp,
// for the contract suites that hold it to the same promises, and the names of the three.

#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include "core/ports/clock.hpp"
#include "security/token_cipher.hpp"
#include "store_backends.hpp"
#include "support/fakes.hpp"

namespace plm::contract {

/// A new, empty store every time: it cannot be reopened.
class InMemoryBackend {
 public:
  std::optional<std::string> skip_reason() const { return std::nullopt; }
  std::unique_ptr<test_support::InMemoryStore> open(security::TokenCipher& /*cipher*/,
                                                    const core::Clock& clock) {
    return std::make_unique<test_support::InMemoryStore>(clock);
  }
};

/// Test names by backend: Sqlite, Postgres, InMemory.
class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    if (std::is_same_v<T, SqliteBackend>) return "Sqlite";
    if (std::is_same_v<T, PostgresBackend>) return "Postgres";
    return "InMemory";
  }
};

}  // namespace plm::contract
