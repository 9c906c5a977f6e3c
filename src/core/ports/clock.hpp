#pragma once
/// Time as a port, so services can be tested without sleeping. Pure functions take the time as a
/// parameter instead.

#include <chrono>
#include <string>

namespace plm::core {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point now() const = 0;
};

/// "2026-11-24T05:12:40Z".
std::string format_utc(std::chrono::system_clock::time_point time);

}  // namespace plm::core
