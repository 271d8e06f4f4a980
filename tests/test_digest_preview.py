"""`narrative digest --dry-run/--preview`: files written, nothing sent or recorded; the screenshot with
headless Chromium when it is installed (skipped when not), and the clear message when it is not (always)."""

from __future__ import annotations


import pytest

from narrative.cli import main
from narrative.digest.preview import PreviewUnavailable, find_chromium, not_installed_message, screenshot
from narrative.warehouse.db import Warehouse

from test_digest import build_warehouse


@pytest.fixture()
def db(tmp_path, monkeypatch):
    build_warehouse(tmp_path / "w.duckdb").close()
    monkeypatch.setenv("NARRATIVE_TIMEZONE", "Asia/Shanghai")
    monkeypatch.setenv("NARRATIVE_DIGEST_COMPETITORS", "tencent,bytedance")
    return str(tmp_path / "w.duckdb")


def test_preview_without_chromium_says_so_and_writes_the_files(db, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NARRATIVE_CHROMIUM", str(tmp_path / "no-such-chromium"))
    out = tmp_path / "out"
    assert main(["digest", "--db", db, "--date", "2026-03-10", "--preview", "--out", str(out), "--to", "a@example.com"]) == 0
    captured = capsys.readouterr()
    assert "headless Chromium not found" in captured.err and "apt-get install chromium" in captured.err
    assert "digest: dry run: nothing sent" in captured.out
    assert (out / "digest.eml").exists() and (out / "digest.html").exists() and not (out / "digest.png").exists()
    assert 'src="digest-tone.png"' in (out / "digest.html").read_text() and (out / "digest-tone.png").exists()
    with Warehouse.open(db, read_only=True) as wh:  # a dry run records nothing
        assert wh.con.execute("SELECT count(*) FROM digests").fetchone()[0] == 0
    with pytest.raises(PreviewUnavailable, match="not found"):
        screenshot(out / "digest.html", out / "x.png", chromium=str(tmp_path / "no-such-chromium"))
    assert "on PATH" in not_installed_message(None)


def test_dry_run_refuses_send(db, capsys):
    assert main(["digest", "--db", db, "--dry-run", "--send"]) == 2


@pytest.mark.skipif(find_chromium() is None, reason="no headless Chromium installed")
def test_preview_screenshot_with_chromium(db, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["digest", "--db", db, "--date", "2026-03-10", "--preview", "--out", str(out)]) == 0
    from PIL import Image

    for name, width in (("digest.png", 760), ("digest-mobile.png", 390)):
        img = Image.open(out / name)
        assert img.size[0] == width and img.size[1] > 600, (name, img.size)
