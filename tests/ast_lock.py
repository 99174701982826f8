"""One thread at a time in :func:`ast.parse`, for the test suite (a CPython 3.11 bug).

CPython 3.11 keeps the AST constructor's recursion counter in interpreter-wide state, not per
call (python/cpython#106905 and the threaded reports under it). When a garbage-collector
finalizer runs Python code in the middle of one thread's ``ast.parse`` and the interpreter
switches to a second thread that also calls ``ast.parse``, the first one ends with a counter
it did not start with and raises ``SystemError: AST constructor recursion depth mismatch``.
Werkzeug parses code with ``ast.parse`` while it compiles URL rules (every ``create_app``),
and Python 3.11's ``traceback`` does for the carets under a failing line, so a test building
an app while a live server's request thread formats a traceback fails now and then.

No recursion error is needed for this, only two threads. The lock makes the second thread
wait; the timeout keeps a finalizer that waits for a lock the second thread holds from
turning the rare mismatch into a hang.
"""

from __future__ import annotations

import ast
import functools
import threading

WAIT_SECONDS = 5

_lock = threading.RLock()


def install() -> None:
    """Replace :func:`ast.parse` with a version that holds a process-wide lock (idempotent)."""
    if getattr(ast.parse, "is_serialised", False):
        return
    unlocked = ast.parse

    @functools.wraps(unlocked)
    def parse(*args, **kwargs):
        locked = _lock.acquire(timeout=WAIT_SECONDS)
        try:
            return unlocked(*args, **kwargs)
        finally:
            if locked:
                _lock.release()

    parse.is_serialised = True
    ast.parse = parse
