#include "core/exchange/import_layout.hpp"

#include <gtest/gtest.h>
