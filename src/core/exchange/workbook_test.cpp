#include "core/exchange/workbook.hpp"

#include <gtest/gtest.h>
