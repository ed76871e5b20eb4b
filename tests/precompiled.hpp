// The unit tests' precompiled header: the library's (src/precompiled.hpp) and Catch2's single
// header, which every test file parses. Force-included by the Makefile; no file names it.

#include "../src/precompiled.hpp"  // by path: this file is compiled from tests/

#include <catch2/catch.hpp>
