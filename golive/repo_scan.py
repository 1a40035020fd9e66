"""A repository's files and history as texts for the secrets probe (``golive.probes.secrets``).

The working tree: every tracked file (binary and huge files skipped). The history: the lines each
of the last ``max_commits`` commits added, per file, so a secret committed and deleted later is
still found.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

MAX_FILE_BYTES = 1_000_000
GIT_TIMEOUT_S = 60


class RepoScanError(Exception):
    """The repository cannot be read (missing, not a git repository, git failed)."""


def _git(repo: Path, *args: str) -> str:
    try:
        completed = subprocess.run(["git", "-C", str(repo), "-c", "core.quotepath=off", *args],
                                   capture_output=True, timeout=GIT_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise RepoScanError(f"git {args[0]} in {repo}: {error}") from None
    if completed.returncode != 0:
        raise RepoScanError(f"git {args[0]} in {repo}: {completed.stderr.decode(errors='replace').strip()}")
    return completed.stdout.decode("utf-8", errors="replace")


def working_tree(repo: Path, *, exclude: set[str] = frozenset()) -> dict[str, str]:  # type: ignore[assignment]
    """Tracked files (path -> text), skipping binaries, large files and ``exclude``."""
    if not repo.is_dir():
        raise RepoScanError(f"{repo} does not exist")
    texts: dict[str, str] = {}
    for relative in _git(repo, "ls-files", "-z").split("\0"):
        path = repo / relative
        if not relative or relative in exclude or not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
            continue
        data = path.read_bytes()
        if b"\0" in data[:8192]:
            continue  # binary
        texts[relative] = data.decode("utf-8", errors="replace")
    return texts


def history_additions(repo: Path, max_commits: int, *, exclude: set[str] = frozenset()) -> dict[str, str]:  # type: ignore[assignment]
    """``commit <sha>: <path>`` -> the lines that commit added to that file, for the last commits."""
    log = _git(repo, "log", "--all", "-p", "--no-color", "--no-ext-diff", "--no-renames", "-U0",
               f"--max-count={max_commits}", "--format=commit %H")
    texts: dict[str, list[str]] = {}
    commit, path = "", None
    for line in log.splitlines():
        if line.startswith("commit ") and len(line) == 47:
            commit, path = line[7:19], None
        elif line.startswith("+++ "):
            target = line[4:]
            path = target[2:] if target.startswith("b/") else None  # /dev/null: a deletion
        elif line.startswith("+") and path is not None and path not in exclude:
            texts.setdefault(f"commit {commit}: {path}", []).append(line[1:])
    return {source: "\n".join(lines) + "\n" for source, lines in texts.items()}
