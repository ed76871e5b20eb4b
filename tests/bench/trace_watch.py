"""Waiting for a task's phase the way that costs the machine least: berth's start-trace log lines
(common/start_trace.hpp, at debug level) read as they are appended, a few microseconds every 2 ms,
instead of a DescribeTasks every 5 ms. Those polls cost berth and this client about 5 ms of CPU
per start on two cores, taken from the very runc the start waits on, where the bare runs they are
compared with have no poller beside them (2026-12-04: runc's span in the shim 1.36x the bare
run's with the polls, 1.11x without, in one interleaved run). The API still confirms each status
once the trace line is there (the benchmark's "seen by the client" rows)."""
import re
import time


class TraceWatch:
    def __init__(self, log_path):
        self._file = open(log_path, "rb")
        self._pending = b""  # read, not yet matched (lines not yet ended stay here)

    def skip(self):
        """Forgets what the log holds so far: later waits see only lines appended after this."""
        self._file.read()
        self._pending = b""

    def wait(self, pattern, timeout=30.0):
        """Waits for a whole line matching `pattern` (bytes regex) and returns its match, or None at
        `timeout` seconds (a start that failed writes no trace: the caller's API poll then says)."""
        expression = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            self._pending += self._file.read()
            lines = self._pending.split(b"\n")
            self._pending = lines.pop()
            for i, line in enumerate(lines):
                found = expression.search(line)
                if found:
                    self._pending = b"\n".join(lines[i + 1:] + [self._pending])
                    return found
            if time.monotonic() > deadline:
                return None
            time.sleep(0.002)

    def wait_phase(self, key, phase, timeout=30.0):
        """Waits for `key`'s (a task id's) start-trace line of `phase` ("saved", "stopped")."""
        return self.wait(rb"start-trace " + re.escape(key.encode()) + rb" " + phase.encode() + rb" ", timeout)
