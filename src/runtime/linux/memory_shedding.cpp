#include "runtime/linux/memory_shedding.hpp"

#include <malloc.h>
#include <sys/mman.h>

#include <cstdio>
#include <cstring>

namespace berth::runtime {

void shed_startup_memory() {
  std::FILE* maps = std::fopen("/proc/self/maps", "re");
  if (maps) {
    char line[512];
    while (std::fgets(line, sizeof line, maps)) {
      unsigned long start = 0, end = 0;
      char perms[5] = {};
      if (std::sscanf(line, "%lx-%lx %4s", &start, &end, perms) != 3) continue;
      // Only the code: read-only data may hold relocated (written, then protected) pages.
      const bool file_backed = std::strchr(line, '/') != nullptr;
      if (file_backed && std::strcmp(perms, "r-xp") == 0) {
        ::madvise(reinterpret_cast<void*>(start), end - start, MADV_DONTNEED);
      }
    }
    std::fclose(maps);
  }
  ::malloc_trim(0);
}

}  // namespace berth::runtime
