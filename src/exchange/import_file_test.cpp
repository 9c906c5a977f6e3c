#include "exchange/files.hpp"

#include <gtest/gtest.h>
