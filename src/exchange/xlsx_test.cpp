#include "exchange/xlsx.hpp"

#include <gtest/gtest.h>
