"""Local file storage addressed by content hash."""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Iterator

_BLOB_NAME = re.compile(r"[0-9a-f]{64}")


class FileStore:
    """Keep blobs under a folder, named by their SHA-256; writing the same content twice is a no-op."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, sha256: str) -> Path:
        """Return where a blob with this hash lives."""
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        """Store the bytes and return their SHA-256."""
        sha = hashlib.sha256(data).hexdigest()
        path = self._path(sha)
        if path.exists():
            try:
                os.utime(path)  # fresh again: the clean-up spares it until the row that uses it is committed
                return sha
            except FileNotFoundError:
                pass  # removed by the clean-up a moment ago: write it anew
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{sha[:8]}.")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
        return sha

    def get(self, sha256: str) -> bytes:
        """Return the stored bytes."""
        return self._path(sha256).read_bytes()

    def exists(self, sha256: str) -> bool:
        """Tell whether a blob with this hash is stored."""
        return self._path(sha256).exists()

    def blobs(self) -> Iterator[tuple[str, float]]:
        """Yield (SHA-256, last written as a Unix time) of every stored blob."""
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if folder.is_dir() and len(folder.name) == 2:
                for path in folder.iterdir():
                    if _BLOB_NAME.fullmatch(path.name):
                        try:
                            yield path.name, path.stat().st_mtime
                        except FileNotFoundError:
                            continue

    def file_time_now(self) -> float:
        """Return the current time as the file system stamps files (a Unix time), to compare file ages with.

        File ages are the file system's times, not the application clock's: a pinned or skewed process
        clock must not make every file look old (or new).
        """
        self.root.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=self.root, prefix=".now.")
        try:
            return os.fstat(fd).st_mtime
        finally:
            os.close(fd)
            os.unlink(probe)

    def remove_if_older(self, sha256: str, cutoff: float) -> int:
        """Delete a blob last written before `cutoff` (a Unix time); return the bytes freed, 0 if kept."""
        path = self._path(sha256)
        try:
            stat = path.stat()  # looked at again right before deleting: a put() since has made it fresh
            if stat.st_mtime >= cutoff:
                return 0
            path.unlink()
        except FileNotFoundError:
            return 0
        return stat.st_size

    def remove_stale_temporaries(self, cutoff: float) -> int:
        """Delete half-written files a crashed put() left behind before `cutoff`; return how many."""
        removed = 0
        if not self.root.is_dir():
            return 0
        for tmp in self.root.glob("??/.*"):
            try:
                if tmp.stat().st_mtime < cutoff:
                    tmp.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed
