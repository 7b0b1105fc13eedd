"""An uploaded file is read in a child process with a memory and a time limit.

The streaming checks (``xlsx_bounds``, ``reader._check_unpacked``) refuse the hostile files we
know of before a grid is built; this is the limit for those we do not. calamine is Rust: when
an allocation fails it aborts its process, and Python's ``MemoryError`` cannot catch that. In
a child under ``RLIMIT_AS`` the abort ends the child only, and the person who uploaded sees
the import's own message while every other session of the server carries on. At most
``SLOTS`` files are read at once per server process, so that ten uploads together cannot take
ten times the limit.

The child sends its sheets back pickled, and the parent unpickles only the few classes a
sheet is made of: a child that a file had subverted could send nothing else.
"""

from __future__ import annotations

import gc
import io
import logging
import pickle
import resource
import subprocess
import sys
import threading
from datetime import date, datetime, time, timedelta

from tracker.errors import InvalidInput
from tracker.io.reader import RawSheet, Text, read_bytes

SLOTS = 2
WAIT_SECONDS = 60  # for a free slot, before "the server is busy"
_slots = threading.BoundedSemaphore(SLOTS)
_log = logging.getLogger(__name__)
_ALLOWED = {("tracker.io.reader", "RawSheet"): RawSheet, ("tracker.io.reader", "Text"): Text,
            ("datetime", "datetime"): datetime, ("datetime", "date"): date,
            ("datetime", "time"): time, ("datetime", "timedelta"): timedelta}
OUT_OF_MEMORY = 3  # the child's exit status when Python itself ran out of memory


class _SheetsOnly(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> type:
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a sheet") from None


def read_upload(data: bytes, filename: str, *, memory_mb: int, seconds: int
                ) -> list[RawSheet]:
    """``reader.read_bytes(data, filename)`` in a child process of at most ``memory_mb`` of
    address space and ``seconds`` of wall time; ``InvalidInput`` for a file it cannot read
    within them, as for any other unreadable file."""
    if not _slots.acquire(timeout=WAIT_SECONDS):
        raise InvalidInput("import.busy")
    try:
        child = subprocess.run(
            [sys.executable, "-m", "tracker.io.isolated", filename, str(memory_mb)],
            input=data, capture_output=True, timeout=seconds, check=False)
    except subprocess.TimeoutExpired:
        raise InvalidInput("import.too_slow_to_read", source=filename, seconds=seconds) from None
    finally:
        _slots.release()
    if child.returncode != 0:
        _log.warning("reading %s in a child process ended with status %s: %s", filename,
                     child.returncode, child.stderr.decode(errors="replace")[-2000:])
        raise InvalidInput("import.too_big_to_read", source=filename, megabytes=memory_mb)
    collecting = gc.isenabled()
    gc.disable()  # a national plan's million cells load in a quarter of the time
    try:
        outcome = _SheetsOnly(io.BytesIO(child.stdout)).load()
    finally:
        if collecting:
            gc.enable()
    if outcome[0] == "refused":
        raise InvalidInput(outcome[1], **outcome[2])
    return outcome[1]


def _child(filename: str, memory_mb: int) -> int:
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = memory_mb * 1024 * 1024
    limit = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    gc.disable()  # a short life that makes no cycles: collecting would only slow the read
    try:
        data = sys.stdin.buffer.read()
        try:
            outcome: tuple = ("read", read_bytes(data, filename))
        except InvalidInput as refused:
            outcome = ("refused", refused.key, refused.values)
        sys.stdout.buffer.write(pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))
    except MemoryError:
        return OUT_OF_MEMORY
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1], int(sys.argv[2])))
