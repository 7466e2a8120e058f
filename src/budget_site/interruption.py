"""Ctrl-C and SIGTERM that cannot be lost on the way to publishing.

Python raises ``KeyboardInterrupt`` wherever the main thread happens to be. When
that is a finaliser (a ``__del__`` or a ``weakref`` callback, as zipfile's,
openpyxl's and tempfile's objects have, collected at any moment), Python only
prints "Exception ignored" and carries on, and a build stopped with Ctrl-C would
publish after all. So the handler also remembers the signal, and each command asks
again (``check``) just before it makes anything visible: the swap of a site, the
rename of an archive or of an imported file.
"""

from __future__ import annotations

import signal
import sys

_received: int | None = None


def install() -> None:
    """SIGTERM (``kill``, a service manager stopping a job) ends a command like Ctrl-C,
    so its clean-up runs. An ignored SIGINT stays ignored: a job started in the
    background by a shell must not die of the terminal's Ctrl-C."""
    signal.signal(signal.SIGTERM, _interrupt)
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, _interrupt)
    sys.unraisablehook = _unraisable


def _interrupt(signum: int, frame) -> None:
    global _received
    _received = signum
    raise KeyboardInterrupt


def _unraisable(report) -> None:
    # An interruption swallowed by a finaliser is remembered; its traceback would only alarm.
    if not isinstance(report.exc_value, KeyboardInterrupt):
        sys.__unraisablehook__(report)


def check() -> None:
    """Raise ``KeyboardInterrupt`` if the command was interrupted, even where the
    exception raised by the handler was swallowed."""
    if _received is not None:
        raise KeyboardInterrupt

