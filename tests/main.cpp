// The unit-test binary's entry point (Catch2).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
