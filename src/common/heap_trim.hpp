// Gives the heap's free memory back to the kernel (glibc's malloc_trim over every arena: the free
// pages inside the heaps too, not only at their tops). For a thread that just freed a large
// transient working set, such as a scheduler pass over a snapshot of thousands of tasks: without
// it, the freed pages stay resident in the arena that held them. Costs a walk over the arenas'
// free chunks (well under a millisecond for tens of MiB). Thread-safe.
#pragma once

#include <malloc.h>

namespace berth {

inline void trim_heap() { ::malloc_trim(0); }

}  // namespace berth
