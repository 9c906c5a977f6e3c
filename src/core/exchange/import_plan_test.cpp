#include "core/exchange/import_plan.hpp"

#include <gtest/gtest.h>
