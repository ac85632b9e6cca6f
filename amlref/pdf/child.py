"""The child process that reads PDFs for ``amlref.pdf.isolate``: ``python -m amlref.pdf.child
MEM_BYTES``.  Reads requests (pickled, length-prefixed) on stdin and answers each on stdout in
order, under an address-space limit so a hostile file cannot exhaust the machine.

A request is ``(op, args, kwargs)``; an answer ``(status, value, rss)``: status ``"ok"`` with
the result or ``"err"`` with a one-line reason, and the child's resident memory in bytes (the
parent retires a child that has grown large).  The child's own stdout (file
descriptor 1) is pointed at stderr, so that nothing a library prints can break the protocol."""
from __future__ import annotations

import os
import pickle
import struct
import sys

HEAD = struct.Struct(">I")


def limit_memory(mem_bytes: int) -> None:
    try:
        import resource
    except ImportError:          # Windows: the time limit still holds
        return
    if mem_bytes > 0:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = mem_bytes if hard == resource.RLIM_INFINITY else min(mem_bytes, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def rss() -> int:
    """The child's resident memory now, in bytes.  (Not ``ru_maxrss``: on Linux the peak
    survives exec, so a child of a large process would start "large".)"""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        pass
    try:
        import resource
    except ImportError:
        return 0
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb if sys.platform == "darwin" else kb * 1024     # bytes on macOS, KiB elsewhere


def read_frame(fh):
    head = fh.read(4)
    if len(head) < 4:
        return None
    (n,) = HEAD.unpack(head)
    return pickle.loads(fh.read(n))


def frame(obj) -> bytes:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return HEAD.pack(len(data)) + data


def handle(op: str, args: tuple, kwargs: dict):
    from amlref.pdf import reader
    if op == "ping":
        return "pong"
    if op == "read":
        return reader.read_info(*args, **kwargs)
    if op == "texts":
        return reader.read_page_texts(*args, **kwargs)
    if op == "thumb":
        return reader.render_first_page(*args, **kwargs)
    raise ValueError(op)


def answer(op: str, args: tuple, kwargs: dict) -> tuple[str, object]:
    from amlref.pdf.errors import PdfError
    try:
        return "ok", handle(op, args, kwargs)
    except PdfError as exc:
        return "err", str(exc)
    except MemoryError:
        return "err", "needs too much memory"
    except RecursionError:
        return "err", "nested too deeply"
    except Exception as exc:     # a library error on a strange file: one line, no traceback
        msg = " ".join(str(exc).split())[:160] or type(exc).__name__
        return "err", f"cannot be read ({msg})"


def main() -> int:
    limit_memory(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    out = os.fdopen(os.dup(1), "wb", buffering=0)     # the protocol's own descriptor
    os.dup2(2, 1)                                     # C libraries printing to fd 1: harmless
    sys.stdout = sys.stderr
    stdin = sys.stdin.buffer
    import pypdfium2  # noqa: F401  (loaded before the first request, not during its time)
    while True:
        req = read_frame(stdin)
        if req is None:
            return 0
        status, value = answer(*req)
        try:
            data = frame((status, value, rss()))
        except MemoryError:
            data = frame(("err", "needs too much memory", rss()))
        view = memoryview(data)
        while view:
            view = view[out.write(view):]


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    sys.exit(main())
