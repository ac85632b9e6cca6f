"""The child process that reads PDFs for ``amlref.pdf.isolate``: ``python -m amlref.pdf.child
MEM_BYTES``.  Reads requests (pickled, length-prefixed) on stdin, answers on stdout, one at a
time, under an address-space limit so a hostile file cannot exhaust the machine."""
from __future__ import annotations

import os
import pickle
import struct
import sys


def limit_memory(mem_bytes: int) -> None:
    try:
        import resource
    except ImportError:          # Windows: the time limit still holds
        return
    if mem_bytes > 0:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = mem_bytes if hard == resource.RLIM_INFINITY else min(mem_bytes, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def read_frame(fh):
    head = fh.read(4)
    if len(head) < 4:
        return None
    (n,) = struct.unpack(">I", head)
    return pickle.loads(fh.read(n))


def write_frame(fh, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    fh.write(struct.pack(">I", len(data)) + data)
    fh.flush()


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


def main() -> int:
    limit_memory(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    from amlref.pdf.errors import PdfError
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr          # a stray print must not break the protocol
    import pypdfium2  # noqa: F401  (loaded before the first request, not during its time)
    while True:
        req = read_frame(stdin)
        if req is None:
            return 0
        op, args, kwargs = req
        try:
            write_frame(stdout, ("ok", handle(op, args, kwargs)))
        except PdfError as exc:
            write_frame(stdout, ("err", str(exc)))
        except MemoryError:
            write_frame(stdout, ("err", "needs too much memory"))
        except Exception as exc:     # a library error on a strange file: one line, no traceback
            msg = " ".join(str(exc).split())[:160] or type(exc).__name__
            write_frame(stdout, ("err", f"cannot be read ({msg})"))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    sys.exit(main())
