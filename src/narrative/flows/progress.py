"""Progress bars for the long stages (tqdm on stderr), silent when disabled."""

from __future__ import annotations

import sys


class _Null:
    def update(self, n: int = 1) -> None: ...

    def close(self) -> None: ...


class Progress:
    def __init__(self, enabled: bool = True):
        self.enabled = enabled

    def bar(self, desc: str, total: int):
        if not self.enabled or total == 0:
            return _Null()
        from tqdm import tqdm

        return tqdm(total=total, desc=f"{desc:>9}", unit="art" if desc == "annotate" else "page", file=sys.stderr,
                    leave=True, dynamic_ncols=True)
