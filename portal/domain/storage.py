"""Local file storage addressed by content hash."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


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
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{sha[:8]}.")
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        return sha

    def get(self, sha256: str) -> bytes:
        """Return the stored bytes."""
        return self._path(sha256).read_bytes()
