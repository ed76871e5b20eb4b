// Keeping berth's long-lived helper processes (container monitors, a container's init, a task's
// namespace holder) small: each is the whole berth binary re-executed, but its loop needs a sliver
// of it. Thread-compatible (call it once, from the process's only thread).
#pragma once

namespace berth::runtime {

// Drops the page-table entries of the binary's code and returns the free heap to the kernel.
// Pages the caller's loop touches fault back in from the page cache; code pages are never
// written, so this loses nothing.
void shed_startup_memory();

}  // namespace berth::runtime
