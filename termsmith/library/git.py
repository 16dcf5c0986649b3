"""The only module that runs git: commits of the clause library and files at a revision."""

from __future__ import annotations

import re
from pathlib import Path

from termsmith.cachedir import remembered
from termsmith.errors import GitError, Problem

_FULL_ID = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")  # a SHA-1 or SHA-256 commit id


# Configuration a repository may carry that makes git run a program: never honoured for a library we read.
_SAFE = ("-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "core.pager=cat",
         "-c", "diff.external=", "-c", "core.askPass=", "-c", "credential.helper=", "-c", "core.sshCommand=",
         "-c", "core.editor=true", "-c", "protocol.allow=never", "--no-pager")
_RUNS_PROGRAM = re.compile(r"^(filter\.[^\n]*\.(clean|smudge|process)|diff\.[^\n]*\.(textconv|command)"
                           r"|merge\.[^\n]*\.driver)$", re.IGNORECASE)
_OVERRIDES: dict[Path, tuple[str, ...]] = {}


def _env() -> dict[str, str]:
    return {"GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C", "PATH": "/usr/bin:/bin:/usr/local/bin",
            "HOME": str(Path.home()), "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}


def _neutralised(exe: str, cwd: Path) -> tuple[str, ...]:
    """`-c KEY=` for every filter, textconv or merge driver the repository's own configuration declares.

    Why: `git status` runs a clean filter for a changed file, and a library folder (from a pull request,
    or handed to `--library`) may come with a `.git/config` that names any program. Reading the
    configuration runs nothing, so it is read first and every such key is set to nothing.
    """
    import subprocess

    if cwd not in _OVERRIDES:
        done = subprocess.run([exe, *_SAFE, "config", "--list", "-z"], cwd=cwd, capture_output=True, env=_env())
        keys = {entry.split("\n", 1)[0] for entry in done.stdout.decode("utf-8", "replace").split("\0") if entry}
        _OVERRIDES[cwd] = tuple(arg for key in sorted(keys) if _RUNS_PROGRAM.match(key) for arg in ("-c", f"{key}="))
    return _OVERRIDES[cwd]


def _git(cwd: Path, *args: str, input_: bytes | None = None, env: dict[str, str] | None = None) -> bytes:
    import shutil
    import subprocess  # here, not at the top: a library read from the cache asks git nothing

    exe = shutil.which("git")
    if exe is None:
        raise GitError(Problem(file=str(cwd), message="git is not installed"))
    try:
        done = subprocess.run([exe, *_SAFE, *_neutralised(exe, cwd), *args], cwd=cwd, input=input_,
                              capture_output=True, check=True, env={**_env(), **(env or {})})
    except subprocess.CalledProcessError as exc:
        message = exc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(Problem(file=str(cwd), message=f"git {args[0]}: {message[-1] if message else 'failed'}")) from None
    except OSError as exc:
        raise GitError(Problem(file=str(cwd), message=f"cannot run git: {exc}")) from None
    except ValueError:  # a NUL byte in an argument (a revision an MCP client sent): no such revision
        raise GitError(Problem(file=str(cwd), message=f"git {args[0]}: an argument holds a NUL byte")) from None
    return done.stdout


def repo_root(path: Path) -> Path | None:
    """The work tree that contains `path`, or None outside git."""
    try:
        out = _git(path, "rev-parse", "--show-toplevel")
    except GitError:
        return None
    return Path(out.decode().strip())


_GIT_DIRS: dict[Path, tuple[Path, Path]] = {}


def _git_dirs(path: Path) -> tuple[Path, Path] | None:
    """(git dir, common dir) of the repository holding `path`; remembered once found (they never move).

    Found the way git finds them, without starting git (this runs on every cold draft): the nearest
    `.git` folder above `path`, or a `.git` file naming it ("gitdir: …", as worktrees and submodules
    have), and the `commondir` a worktree's git dir names. Anything else is asked of git itself.
    """
    if path not in _GIT_DIRS:
        found = _find_git_dirs(path)
        if found is False:
            return None  # no repository: not remembered, the folder may become one later
        if found is None:
            try:
                out = _git(path, "rev-parse", "--absolute-git-dir", "--git-common-dir").decode().splitlines()
            except GitError:
                return None  # not remembered: the folder may become a repository later
            found = (Path(out[0]), (path / out[1]).resolve() if len(out) > 1 else Path(out[0]))
        _GIT_DIRS[path] = found
    return _GIT_DIRS[path]


def _find_git_dirs(path: Path) -> tuple[Path, Path] | bool | None:
    """(git dir, common dir); False when no folder above `path` has a `.git`; None when unsure."""
    for folder in (path, *path.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            git_dir = dot_git
        elif dot_git.is_file():
            try:
                line = dot_git.read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError):
                return None
            if not line.startswith("gitdir: "):
                return None
            git_dir = (folder / line[len("gitdir: "):]).resolve()
        else:
            continue
        if not (git_dir / "HEAD").is_file():
            return None  # not what git would call a repository: let git decide
        try:
            common = (git_dir / (git_dir / "commondir").read_text(encoding="utf-8").strip()).resolve()
        except FileNotFoundError:
            common = git_dir
        except (OSError, UnicodeDecodeError):
            return None
        return git_dir.resolve(), common
    return False


def state(path: Path) -> tuple:
    """A cheap stamp of the repository around `path` (HEAD, its branch, the index) that changes with every
    commit, checkout, reset or add, so callers can cache what depends on the commit; () outside git."""
    dirs = _git_dirs(Path(path).resolve())
    if dirs is None:
        return ()
    git_dir, common = dirs
    stamp: list[tuple] = []
    try:
        head = (git_dir / "HEAD").read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ("unreadable",)
    files = [git_dir / "HEAD", git_dir / "index", common / "packed-refs"]
    if head.startswith("ref: "):
        files.append(common / head[5:])
    for file in files:
        try:
            st = file.stat()
            stamp.append((file.name, st.st_mtime_ns, st.st_size, st.st_ino))
        except OSError:
            stamp.append((file.name, None))
    return (head, *stamp)


def library_commit(path: Path) -> str | None:
    """The last commit that changed the library folder ('-dirty' when it has uncommitted changes)."""
    path = Path(path).resolve()
    if repo_root(path) is None:
        return None
    try:
        commit = _git(path, "rev-list", "-1", "HEAD", "--", ".").decode().strip()
        dirty = _git(path, "status", "--porcelain", "--", ".").decode().strip()
    except GitError:
        return None
    if not commit:
        return None
    return f"{commit}-dirty" if dirty else commit


# A commit's date never changes: asked of git once per process and repository (a batch drafts many deals
# from one library commit).
_COMMIT_TIMES: dict[tuple[str, str], int] = {}


def commit_time(path: Path, commit: str) -> int | None:
    """When a commit was made (its committer date, seconds since the epoch); None outside git."""
    key = (str(Path(path).resolve()), commit)
    if key in _COMMIT_TIMES:
        return _COMMIT_TIMES[key]

    def asked() -> int | None:
        try:
            out = _git(Path(path), "show", "-s", "--format=%ct", commit, "--").decode().strip()
        except GitError:
            return None
        return int(out) if out.isdigit() else None

    # A full commit id names the commit's content, its date included: the date found is kept on disk, so a
    # cold draft from a committed library starts no git process (two of them cost more CPU than drafting).
    full = bool(_FULL_ID.match(commit))
    when = remembered("git", ("commit_time", commit), asked, keep=lambda found: found is not None) if full \
        else asked()
    if when is not None:
        _COMMIT_TIMES[key] = when
    return when


def resolve(repo: Path, rev: str) -> str:
    """The full commit id a tag, branch or commit names."""
    if rev.startswith("-"):
        raise GitError(Problem(file=str(repo), message=f"'{rev}' is not a revision"))
    try:
        return _git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
    except GitError:
        raise GitError(Problem(file=str(repo), message=f"no tag, branch or commit named '{rev}'{_why_missing(repo)}")) from None


def _why_missing(repo: Path) -> str:
    """Why a revision may be missing that the user can fix: a clone without history (CI checks out one commit
    unless told otherwise), or a repository with no commit yet; '' otherwise."""
    try:
        if _git(repo, "rev-parse", "--is-shallow-repository").decode().strip() == "true":
            return ("; this clone is shallow (its history is cut off): fetch the history first (git fetch --unshallow "
                    "--tags, or fetch-depth: 0 in actions/checkout)")
        _git(repo, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    except GitError:
        return "; the repository has no commit yet"
    return ""


def read_tree(repo: Path, commit: str, subdir: str) -> dict[str, bytes]:
    """{path relative to subdir: bytes} of every file under subdir at a commit, without touching the work tree."""
    prefix = subdir.strip("/") + "/" if subdir.strip("/") else ""
    listing = _git(repo, "ls-tree", "-r", "-z", "--full-tree", commit, "--", prefix or ".").split(b"\0")
    entries = []
    for entry in filter(None, listing):
        meta, name = entry.split(b"\t", 1)
        _mode, kind, sha = meta.split()
        if kind == b"blob":
            entries.append((name.decode(), sha.decode()))
    return {name[len(prefix):]: data for name, data in _blobs(repo, commit, entries).items()}


def _blobs(repo: Path, commit: str, entries: list[tuple[str, str]]) -> dict[str, bytes]:
    """{name: bytes} of (name, blob id) entries, read in one `git cat-file --batch`."""
    if not entries:
        return {}
    batch = _git(repo, "cat-file", "--batch", input_="\n".join(sha for _, sha in entries).encode() + b"\n")
    files: dict[str, bytes] = {}
    pos = 0
    for name, _sha in entries:
        header_end = batch.index(b"\n", pos)
        header = batch[pos:header_end].split()
        if len(header) != 3:  # "<sha> missing": e.g. a partial or shallow clone
            raise GitError(Problem(file=str(repo), message=(
                f"git cat-file: {name} at {commit[:12]} is not available in this clone ({b' '.join(header).decode()})")))
        size = int(header[2])
        start = header_end + 1
        files[name] = batch[start:start + size]
        pos = start + size + 1
    return files


# paths given to git literally (no glob or pathspec magic), a few hundred per command
_LITERAL = {"GIT_LITERAL_PATHSPECS": "1"}
_CHUNK = 500


def tracked(repo: Path, paths: list[str]) -> set[str]:
    """Of `paths` (relative to the work tree's root), those git tracks (in the index)."""
    found: set[str] = set()
    for i in range(0, len(paths), _CHUNK):
        out = _git(repo, "ls-files", "-z", "--full-name", "--", *paths[i:i + _CHUNK], env=_LITERAL)
        found.update(name.decode("utf-8", "surrogateescape") for name in out.split(b"\0") if name)
    return found


def read_files(repo: Path, commit: str, paths: list[str]) -> dict[str, bytes]:
    """{path: bytes} of those of `paths` (relative to the work tree's root) that are files at a commit, without
    touching the work tree; a path the commit does not have is left out."""
    entries = []
    for i in range(0, len(paths), _CHUNK):
        listing = _git(repo, "ls-tree", "-z", "--full-tree", commit, "--", *paths[i:i + _CHUNK], env=_LITERAL)
        for entry in filter(None, listing.split(b"\0")):
            meta, name = entry.split(b"\t", 1)
            _mode, kind, sha = meta.split()
            if kind == b"blob":
                entries.append((name.decode("utf-8", "surrogateescape"), sha.decode()))
    return _blobs(repo, commit, entries)


def has_commit(repo: Path, commit: str) -> bool:
    """Whether the repository holds this commit (a library with another history, or a clone lacking it, does not)."""
    try:
        _git(repo, "cat-file", "-e", f"{commit}^{{commit}}")
    except GitError:
        return False
    return True


def commit_on_new_branch(repo: Path, branch: str, base: str, files: dict[str, bytes], message: str) -> str:
    """Commit `files` ({path in the repository: bytes}) on top of `base` as the new branch `branch`, without
    touching the work tree, the index or the branch checked out (a temporary index builds the tree); returns
    the commit. A branch that exists already is refused."""
    import tempfile

    repo = Path(repo)
    if branch.startswith("-") or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,99}", branch) or ".." in branch:
        raise GitError(Problem(file=str(repo), message=f"'{branch}' is not a branch name"))
    _git(repo, "check-ref-format", f"refs/heads/{branch}")
    try:
        _git(repo, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}")
    except GitError:
        pass
    else:
        raise GitError(Problem(file=str(repo), message=f"branch {branch} exists already; choose another name"))
    parent = resolve(repo, base)
    identity = {}
    for key, var, fallback in (("user.name", "NAME", "termsmith"), ("user.email", "EMAIL", "termsmith@localhost")):
        try:
            _git(repo, "config", "--get", key)
        except GitError:
            identity[f"GIT_AUTHOR_{var}"] = identity[f"GIT_COMMITTER_{var}"] = fallback
    with tempfile.TemporaryDirectory() as tmp:
        index = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        _git(repo, "read-tree", parent, env=index)
        for path, data in sorted(files.items()):
            blob = _git(repo, "hash-object", "-w", "--stdin", input_=data).decode().strip()
            _git(repo, "update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=index)
        tree = _git(repo, "write-tree", env=index).decode().strip()
    commit = _git(repo, "commit-tree", tree, "-p", parent, "-F", "-", input_=message.encode("utf-8"),
                  env=identity).decode().strip()
    _git(repo, "update-ref", f"refs/heads/{branch}", commit, "0" * 40)
    return commit
