"""A PNG screenshot of a rendered digest with headless Chromium, when one is installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "headless_shell")
BACKGROUND = (0xEE, 0xF1, 0xF5)  # the digest's page colour: trailing rows of it are cropped


class PreviewUnavailable(Exception):
    """No headless Chromium to take the screenshot with."""


def find_chromium(configured: str | None = None) -> str | None:
    if configured:
        return configured if Path(configured).exists() or shutil.which(configured) else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def not_installed_message(configured: str | None = None) -> str:
    where = f"`chromium = {configured!r}` does not exist" if configured else \
        f"none of {', '.join(CANDIDATES)} is on PATH"
    return (f"preview: no PNG written: headless Chromium not found ({where}). Install it (Debian/Ubuntu: "
            "`apt-get install chromium`) or set `chromium` (NARRATIVE_CHROMIUM) to its path; the .eml and .html "
            "were written.")


def screenshot(html_path: Path, png_path: Path, width: int = 720, chromium: str | None = None,
               timeout: float = 60.0, max_height: int = 9000) -> Path:
    """Render `html_path` at `width` CSS pixels and save the whole page (cropped below the content)."""
    exe = find_chromium(chromium)
    if not exe:
        raise PreviewUnavailable(not_installed_message(chromium))
    with tempfile.TemporaryDirectory(prefix="narrative-chromium-") as profile:
        raw = Path(profile) / "shot.png"
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
               "--force-device-scale-factor=1", f"--user-data-dir={profile}/user", f"--screenshot={raw}",
               f"--window-size={width},{max_height}", html_path.resolve().as_uri()]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if not raw.exists():
            raise PreviewUnavailable(f"preview: Chromium wrote no screenshot (exit {r.returncode}): {r.stderr.strip()[-300:]}")
        _crop(raw, png_path)
    return png_path


def _crop(src: Path, dst: Path) -> None:
    """Cut the empty page colour below the digest (the window was made taller than any digest)."""
    from PIL import Image

    img = Image.open(src).convert("RGB")
    w, h = img.size
    px = img.load()
    bottom = h
    while bottom > 1:
        row = bottom - 1
        if any(px[x, row] != BACKGROUND and px[x, row] != (255, 255, 255) for x in range(0, w, 3)):
            break
        bottom -= 1
    dst.parent.mkdir(parents=True, exist_ok=True)
    img.crop((0, 0, w, min(h, bottom + 16))).save(dst, optimize=True)
