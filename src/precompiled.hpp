// The headers nearly every file parses: the standard library's common parts and nlohmann/json.
// The Makefile compiles this once per target and force-includes it (gcc's precompiled headers),
// which takes about a fifth off a typical file's compile time and so off CI's four builds. No file
// includes it by name: each still includes what it uses, and sched/ and place/ (no third-party
// headers, tests/check-deps.sh) are compiled without it so nlohmann stays out of their reach.

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <expected>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>
