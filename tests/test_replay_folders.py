"""A folder given to `narrative extract` / `replay`: files that are not read are said, never dropped unsaid."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

from narrative.cli import main
from narrative.extractors.sources import ReplayStats, replay_inputs

FIXTURES = Path(__file__).parent / "fixtures"


def test_files_a_folder_holds_that_are_not_pages_are_counted_and_named(tmp_path, capsys, caplog):
    folder = tmp_path / "saved"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(FIXTURES / "wire_brief.html", folder / "brief.html")
    shutil.copy(FIXTURES / "tag_page.html", folder / "sub" / "index")  # a wget mirror's page without a suffix
    (folder / "notes.txt").write_text("what we saved and why", "utf-8")
    stats = ReplayStats()
    with caplog.at_level(logging.WARNING, logger="narrative.extractors.sources"):
        inputs = list(replay_inputs([folder], stats))
    assert [Path(x.origin).name for x in inputs] == ["brief.html"] and stats.skipped["not_read"] == 2
    assert "2 files not read" in caplog.text and "index" in caplog.text and "notes.txt" in caplog.text
    assert main(["extract", str(folder)]) == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 1 and json.loads(out)["path"].endswith("brief.html")
    assert "1 inputs: 1 articles, 0 skipped; 2 files in folders not read" in err
    assert main(["extract", str(folder / "sub" / "index")]) == 0  # given by name, it is read
    assert json.loads(capsys.readouterr().out)["skipped"] == "not_article"
