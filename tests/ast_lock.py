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

One thread trips the counter too: a finalizer that runs in the middle of its own
``ast.parse`` and parses again resets it (seen when the garbage collector finalized a pooled
database connection whose server had gone, and logging formatted the traceback with carets).
A parse inside a parse on the same thread therefore raises :class:`SyntaxError`, which
``traceback`` takes as "no carets" and every other caller as an unparsable text.
"""

from __future__ import annotations

import ast
import functools
import threading

WAIT_SECONDS = 5

_lock = threading.Lock()
_inside = threading.local()


def install() -> None:
    """Replace :func:`ast.parse` with a version that holds a process-wide lock (idempotent)."""
    if getattr(ast.parse, "is_serialised", False):
        return
    unlocked = ast.parse

    @functools.wraps(unlocked)
    def parse(*args, **kwargs):
        if getattr(_inside, "parsing", False):
            raise SyntaxError(
                "ast.parse called again inside ast.parse (a finalizer; tests/ast_lock.py)"
            )
        locked = _lock.acquire(timeout=WAIT_SECONDS)
        _inside.parsing = True
        try:
            return unlocked(*args, **kwargs)
        finally:
            _inside.parsing = False
            if locked:
                _lock.release()

    parse.is_serialised = True
    ast.parse = parse
