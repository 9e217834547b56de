"""The bounded children start from the fork server without importing the parent's main script again."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = '''
import sys
sys.path.insert(0, {root!r})
with open({marker!r}, "a") as out:  # every import of this script leaves a line: __main__ or __mp_main__
    out.write(__name__ + "\\n")
from portal.sandbox import Budget, run_bounded

if __name__ == "__main__":
    for _ in range(3):
        assert run_bounded(len, (b"four",), Budget(cpu_seconds=1, memory_bytes=1 << 30, wall_seconds=20)) == 4
'''


def test_a_child_does_not_import_the_running_script_again(tmp_path: Path) -> None:
    """`flask run`'s script cost each child 0.55 s of its 1 s preview budget before it began."""
    marker = tmp_path / "imports.txt"
    script = tmp_path / "main.py"
    script.write_text(SCRIPT.format(root=str(ROOT), marker=str(marker)))
    subprocess.run([sys.executable, str(script)], check=True, timeout=120)
    assert marker.read_text().split() == ["__main__"]  # the parent only, not once more per child
