#pragma once
/// Time as a port, so services can be tested without sleeping. Pure functions take the time as a
/// parameter instead.

#include "core/time.hpp"

namespace plm::core {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

}  // namespace plm::core
