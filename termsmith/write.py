"""Write a draft's files atomically, never over a reviewer's edits, never outside the output folder."""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from termsmith.errors import OutputError, Problem
from termsmith.inputs import check_name
from termsmith.manifest import MANIFEST_SUFFIX, recorded_outputs

PROTECTED = (".docx", ".md")  # what a reviewer edits: the Word document and its Markdown twin


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


PENDING_SUFFIX = ".pending"  # beside a manifest while a draft's files are being renamed into place


def output_path(out_dir: Path, name: str) -> Path:
    """out_dir/name, refusing any name that would leave out_dir. The name itself is not followed: a link
    standing there is replaced by the new file, never written through."""
    if name in ("", ".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise OutputError(Problem(file=str(out_dir / name), message="output name would leave the output folder"))
    check_name(Path(out_dir).resolve() / name)
    return Path(out_dir).resolve() / name


def check_calendar_replaceable(ics: Path) -> None:
    """A calendar replaces an earlier calendar (a re-export updates its events), never another file a typo
    named: a draft's twin, a deal's lock, a library file."""
    try:
        if not ics.is_file():
            return
        with open(ics, "rb") as fh:
            head = fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return  # written (or refused) as any other output
    if head and not head.upper().startswith(b"BEGIN:VCALENDAR"):
        raise OutputError(Problem(file=str(ics), message=(
            "exists and is not a calendar; choose another name (a calendar --ics wrote before is replaced)")))


def check_output_folder(out_dir: Path) -> None:
    """Refuse, in one line naming it, an output folder that cannot be one: a file (or a file above it), a
    loop of links, a name too long for the file system, a NUL byte. Checked before any work, so the error
    names the folder rather than the first file that could not be written into it."""
    folder = Path(out_dir)
    try:
        folder.resolve()
        for place in (folder, *folder.parents):
            try:
                st = os.stat(place)
            except (FileNotFoundError, NotADirectoryError):
                continue  # made when the files are written (or a file above it, found next)
            if not stat.S_ISDIR(st.st_mode):
                raise OutputError(Problem(file=str(place), message=(
                    "is not a folder; choose another output folder" if place == folder else
                    f"is not a folder, so the output folder {folder} cannot be made")))
            return
    except (OSError, ValueError, RuntimeError) as exc:  # ENAMETOOLONG, ELOOP, NUL; RuntimeError: a loop (3.11)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise OutputError(Problem(file=str(out_dir), message=f"cannot be used as the output folder: {reason}")) from None


def _journal(out_dir: Path, manifest_name: str) -> Path:
    return output_path(out_dir, f".{manifest_name}{PENDING_SUFFIX}")


def check_not_edited(out_dir: Path, stem: str, names: list[str]) -> None:
    """Refuse to replace a .docx or .md whose bytes differ from what termsmith last wrote there, anything at
    an output name that is not a regular file.

    What termsmith last wrote is what the manifest records, or what a draft interrupted while renaming its
    files had recorded in its journal: a re-run after a crash always goes through.
    """
    manifest_name = stem + MANIFEST_SUFFIX
    recorded: dict[str, set[str]] = {}
    for source in (output_path(out_dir, manifest_name), _journal(out_dir, manifest_name)):
        for name, digest in recorded_outputs(_read_small(source)).items():
            recorded.setdefault(name, set()).add(digest)
    for name in names:
        path = output_path(out_dir, name)
        if not name.endswith(PROTECTED) or not os.path.lexists(path):
            continue
        if not stat.S_ISREG(path.lstat().st_mode):
            raise OutputError(Problem(file=str(path), code="edited", message=(
                "is a link or not a regular file, not a draft termsmith wrote; not replaced. "
                "Remove it or re-run with --force")))
        if digest_of(path) not in recorded.get(name, set()):
            why = "was changed since termsmith wrote it" if name in recorded else "was not written by termsmith (no manifest records it)"
            raise OutputError(Problem(
                file=str(path),
                message=f"{why}, perhaps by a reviewer; not overwritten. Save the edits elsewhere or re-run with --force",
                code="edited",
            ))


def check_not_an_input(out_dir: Path, names: list[str], inputs: tuple[Path, ...]) -> None:
    """A draft never replaces the files it is made from (a deal file named `<id>.md` in the output folder)."""
    for name in names:
        path = output_path(out_dir, name)
        for source in inputs:
            try:
                same = os.path.lexists(path) and os.path.samefile(path, source)
            except OSError:
                same = False
            if same:
                raise OutputError(Problem(file=str(path), message=(
                    f"is the input {source} itself; choose another output folder")))


def _read_small(path: Path) -> bytes:
    """A manifest's bytes, or b'' when there is none or it is not a small regular file."""
    try:
        st = path.lstat()
    except OSError:
        return b""
    if not stat.S_ISREG(st.st_mode) or st.st_size > 1_000_000:
        return b""
    try:
        return path.read_bytes()
    except OSError:
        return b""


def digest_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class Outputs:
    """A draft's files as bytes, named inside an output folder, and its manifest."""

    stem: str  # the deal id every name starts with
    files: dict[str, bytes]
    manifest_name: str
    manifest: bytes


def write_draft(out_dir: Path, outputs: Outputs, *, force: bool = False, inputs: tuple[Path, ...] = ()) -> list[Path]:
    """Write a draft's files together, the manifest last; unless `force`, never over a reviewer's edits;
    never, even with `force`, over one of its `inputs` (the deal file)."""
    out_dir = Path(out_dir)
    check_not_an_input(out_dir, [*outputs.files, outputs.manifest_name], inputs)
    if not force:
        check_not_edited(out_dir, outputs.stem, list(outputs.files))
    return write_outputs(out_dir, outputs.files, outputs.manifest_name, outputs.manifest)


def write_outputs(out_dir: Path, files: dict[str, bytes], manifest_name: str, manifest: bytes) -> list[Path]:
    """A draft's files, named inside out_dir, written together; the manifest goes last.

    The new manifest is first written as a journal, so that a crash between the renames leaves outputs that
    the journal accounts for (see check_not_edited); temporary files an earlier crash left are removed.
    """
    targets = {output_path(out_dir, name): data for name, data in [*files.items(), (manifest_name, manifest)]}
    journal = _journal(out_dir, manifest_name)
    _remove_leftovers(Path(out_dir).resolve(), [*targets, journal])
    try:
        write_files({journal: manifest})
    except OutputError as exc:  # the reader asked for the draft, not for the hidden journal: name the draft
        first = next(iter(targets))
        raise OutputError([Problem(file=str(first), message=p.message) for p in exc.problems]) from None
    written = write_files(targets)
    journal.unlink(missing_ok=True)
    return written


# The temporary files an earlier, crashed run left in each output folder this process writes into, as found
# when it first wrote there. Each folder is listed once, not again for every draft written into it: a batch
# listed its output folder once per deal, so the time per deal grew with the number of deals written.
# (A run that crashes is a process that ended: what it left is there before this process looks.) A temporary
# file's name carries the id of the process writing it (`.NAME.PID.xxxxxxxx.tmp`): while that process runs, the
# file is another run's, writing the same draft into the same folder right now, and removing it made that run
# fail ("cannot write: No such file or directory"); so it is left alone. A name without one is an older
# termsmith's.
_LEFTOVERS: dict[str, set[str]] = {}
LEFTOVER_FOLDERS = 1_024  # folders remembered before starting again (a long-running server writes to a few)


def _remove_leftovers(folder: Path, targets: list[Path]) -> None:
    if not folder.is_dir():
        return
    found = _LEFTOVERS.get(str(folder))
    if found is None:
        if len(_LEFTOVERS) >= LEFTOVER_FOLDERS:
            _LEFTOVERS.clear()
        found = _LEFTOVERS[str(folder)] = {
            entry.name for entry in os.scandir(folder)
            if entry.name.startswith(".") and entry.name.endswith(".tmp") and entry.is_file(follow_symlinks=False)}
    for target in targets:
        prefix = f".{target.name}."
        for name in [name for name in found if name.startswith(prefix)]:
            if not _writer_running(name[len(prefix):]):
                Path(folder, name).unlink(missing_ok=True)
                found.discard(name)


def _writer_running(rest: str) -> bool:
    """Whether the process that names itself in a temporary file's name (after `.NAME.`: 'PID.xxxxxxxx.tmp') is
    running; False for a name without a process id."""
    parts = rest.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or int(parts[0]) <= 0 or os.name == "nt":
        return False  # (on Windows, os.kill(pid, 0) would send CTRL_C_EVENT: such files go as before)
    try:
        os.kill(int(parts[0]), 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, run by another user
    except (OverflowError, OSError):
        return False
    return True


def _own_file(path: Path, target: Path) -> tuple[Path, int]:
    """Where a user's own file changed in place really is (through any link) and its permissions."""
    try:
        target = target.resolve()
        mode = stat.S_IMODE(target.stat().st_mode) if target.is_file() else 0o644
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of links
        why = getattr(exc, "strerror", None) or exc
        raise OutputError(Problem(file=str(path), message=f"cannot write: {why}")) from None
    if not mode & stat.S_IWUSR:  # a rename would replace it all the same
        raise OutputError(Problem(file=str(path), message=(
            "is read-only: make it writable to change it (nothing was written)")))
    return target, mode


def write_files(files: dict[Path, bytes], *, edited: tuple[Path, ...] = ()) -> list[Path]:
    """Write standalone files (a redline and its Markdown twin), each atomically: a temporary file in the
    same folder, then a rename, so a reader never sees half a file. A file in `edited` is the user's own
    file changed in place (the deal file absorb edits): a link there is followed, so the file it points to
    changes and the link stays, and the file keeps its permissions; a read-only one is refused."""
    own = {Path(os.path.abspath(path)) for path in edited}
    targets: list[tuple[Path, int, bytes]] = []  # where each file goes, its mode, its bytes
    for path, data in files.items():
        target, mode = Path(os.path.abspath(path)), 0o644  # an output's link is replaced, not written through
        if target in own:
            target, mode = _own_file(path, target)
        targets.append((target, mode, data))
    staged: list[tuple[str, Path]] = []
    try:
        for target, mode, data in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, mode)
            staged.append((tmp, target))
        for tmp, target in staged:
            os.replace(tmp, target)
    except OSError as exc:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        where = next(iter(files), "")
        raise OutputError(Problem(file=str(where), message=f"cannot write: {exc.strerror or exc}")) from None
    return [Path(path) for path in files]
