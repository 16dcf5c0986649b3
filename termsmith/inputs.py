"""Reading an input file safely: a regular file only, never more than a limit, never blocking on a FIFO."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from termsmith.errors import InputError, Problem

# Characters XML 1.0 cannot hold (Word documents are XML): C0 controls except tab/newline/CR,
# surrogates and the two non-characters U+FFFE/U+FFFF.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def check_name(path: Path) -> None:
    """Refuse a path whose name is not valid UTF-8: manifests, documents and messages record it as text."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(path).decode("utf-8", "backslashreplace")
        raise InputError(Problem(file=shown, message="the name is not valid UTF-8; rename it")) from None


def read_regular(path: Path, limit: int, what: str = "file") -> bytes:
    """The bytes of `path`, refusing a device, FIFO, socket or folder and anything over `limit` bytes.

    Why: input paths come from users and from files others wrote (a manifest names a deal file), so
    `/dev/zero` or a FIFO must end in a message, not in running out of memory or hanging.
    """
    check_name(path)
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(Problem(file=name, message="file not found")) from None
    except IsADirectoryError:
        raise InputError(Problem(file=name, message=f"is a directory, expected a {what}")) from None
    except OSError as exc:
        raise InputError(Problem(file=name, message=f"cannot read: {exc.strerror or exc}")) from None
    # Checked before os.fdopen: on Linux, os.open opens a folder read-only, and fdopen then raises
    # IsADirectoryError (so the checks below would never run).
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise InputError(Problem(file=name, message=f"is a directory, expected a {what}"))
        if not stat.S_ISREG(mode):
            raise InputError(Problem(file=name, message=f"is not a regular file, expected a {what}"))
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise InputError(Problem(file=name, message=f"is larger than {limit // 1000:,} kB; a {what} is far smaller"))
    return data
