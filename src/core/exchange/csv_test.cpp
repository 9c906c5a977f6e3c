#include "core/exchange/csv.hpp"

#include <gtest/gtest.h>
