"""A small git repository standing in for the sandbox's source code, made at start-up.

golive's secrets scan needs a repository to scan; the sandbox has no repository of its own at
run time, so it writes one: a clean history, or (fault ``secret_committed_to_repo``) one where a
``.env`` with live credentials was committed and deleted again, so only the history has it.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from sandbox.faults import ActiveFaults

FILES = {
    "README.md": "# shop-api\n\nConfiguration comes from the environment; see `.env.example`.\n",
    ".env.example": "RAZORPAY_KEY_ID=\nRAZORPAY_KEY_SECRET=\nDATABASE_URL=\n",
    "app/settings.py": (
        "import os\n\n"
        "RAZORPAY_KEY_ID = os.environ[\"RAZORPAY_KEY_ID\"]\n"
        "RAZORPAY_KEY_SECRET = os.environ[\"RAZORPAY_KEY_SECRET\"]\n"
        "DATABASE_URL = os.environ.get(\"DATABASE_URL\", \"sqlite:///shop.db\")\n"
    ),
    ".gitignore": ".env\n*.pyc\n",
}
# What a developer's local .env looks like; assembled so that no scanner flags this source file.
LEAKED_ENV = (
    "RAZORPAY_KEY_ID=rzp_" + "live_" + "Jq3kT8vWm2XbYp\n"
    "RAZORPAY_KEY_SECRET=" + "t7Gx9QeLr2VnB4hK8sWzP1dF\n"
    "AWS_ACCESS_KEY_ID=" + "AKIA" + "Q3EGT7XJ4M2LWN5P\n"
    "AWS_SECRET_ACCESS_KEY=" + "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq81Xk3mT9\n"
)


def _git(repo: Path, *args: str) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(repo),  # no user config leaks in
        "GIT_AUTHOR_NAME": "Shop Dev", "GIT_AUTHOR_EMAIL": "dev@shop.invalid",
        "GIT_COMMITTER_NAME": "Shop Dev", "GIT_COMMITTER_EMAIL": "dev@shop.invalid",
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
                   cwd=repo, env=env, check=True, capture_output=True, timeout=30)


def make_repository(repo: Path, faults: ActiveFaults) -> Path:
    repo.mkdir(parents=True, exist_ok=True)
    _git(repo, "init", "-q")
    for relative, text in FILES.items():
        path = repo / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "shop-api: settings from the environment")
    if faults.active("secret_committed_to_repo"):
        leaked = repo / ".env"
        leaked.write_text(LEAKED_ENV)
        _git(repo, "add", "-f", ".env")
        _git(repo, "commit", "-q", "-m", "wip: local config")
        # removed again, but the history keeps it: only a history scan finds it
        _git(repo, "rm", "-q", "--cached", ".env")
        leaked.unlink()
        _git(repo, "commit", "-q", "-m", "remove local config")
    (repo / "app" / "views.py").write_text("def health():\n    return {\"status\": \"ok\"}\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "health view")
    return repo
