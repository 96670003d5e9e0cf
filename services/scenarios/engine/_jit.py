"""Optional numba acceleration.

The search kernels are written in the subset of Python that numba compiles. When numba is
installed they are compiled once (and cached on disk); without it, or with the environment
variable ``STADTDIALOG_ENGINE_NO_JIT=1``, the very same functions run as plain Python. Both paths
therefore give identical results, only the speed differs.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from typing import Any

_DISABLED = os.environ.get("STADTDIALOG_ENGINE_NO_JIT", "").strip() not in ("", "0")

try:
    if _DISABLED:
        raise ImportError("numba disabled by STADTDIALOG_ENGINE_NO_JIT")
    import numba as _numba

    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - exercised only without numba
    _numba = None
    HAVE_NUMBA = False


def njit(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Compile ``fn`` with numba (nopython, cached) when available, else return it unchanged."""
    if HAVE_NUMBA:
        return _numba.njit(cache=True)(fn)
    return fn


def python_version(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The uncompiled Python function behind a kernel (used by tests to compare both paths)."""
    return getattr(fn, "py_func", fn)


if HAVE_NUMBA:
    objmode = _numba.objmode
else:  # pragma: no cover

    def objmode(*_args: Any, **_kwargs: Any) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()


# Progress reporting from inside compiled kernels: the kernel calls ``report_progress`` in
# object mode every few million nodes; the Python side installs a callback for long runs.
_progress_callback: list[Callable[[str, int, float], None] | None] = [None]


def report_progress(kind: int, nodes: int, fraction: float) -> None:
    """Forward a progress tick from a kernel to the installed callback (if any)."""
    cb = _progress_callback[0]
    if cb is not None:
        cb(("cib", "bundles", "basins")[kind], int(nodes), float(fraction))


@contextlib.contextmanager
def progress_callback(cb: Callable[[str, int, float], None] | None):
    """Install ``cb(kind, nodes, fraction_done)`` for the duration of a search."""
    old = _progress_callback[0]
    _progress_callback[0] = cb
    try:
        yield
    finally:
        _progress_callback[0] = old
