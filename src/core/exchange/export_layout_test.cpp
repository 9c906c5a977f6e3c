#include "core/exchange/export_layout.hpp"

#include <gtest/gtest.h>
