"""README truth: every command the CLI has is documented, every flag the README shows exists, and every
example query in the README runs against the schema the code makes (like sqlite-utils' tests/test_docs.py)."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from types import SimpleNamespace


import narrative
from narrative.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")
DATA = Path(narrative.__file__).resolve().parent / "data"


def _subparsers(parser: argparse.ArgumentParser):
    return next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)


def _commands(parser=None, prefix=""):
    """Every command path the parser accepts: 'sql', 'models train-sentiment', 'feeds check', …"""
    parser = parser or build_parser()
    sub = _subparsers(parser)
    out = {}
    for name, p in (sub.choices.items() if sub else ()):
        path = f"{prefix}{name}"
        inner = _subparsers(p)
        # a positional with choices (feeds check|discover) is a subcommand too
        actions = [a for a in p._actions if not a.option_strings and a.choices and not isinstance(a, argparse._SubParsersAction)]
        if inner:
            out.update(_commands(p, path + " "))
        elif actions:
            out.update({f"{path} {c}": p for c in actions[0].choices})
        else:
            out[path] = p
    return out


COMMANDS = _commands()


def _commands_table() -> dict[str, str]:
    """The README's Commands table: '`narrative X …`' cell → the whole row."""
    section = README.split("## Commands", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        m = re.match(r"\|\s*`narrative ([^`]*)`", line)
        if m:
            rows[m.group(1)] = line
    return rows


TABLE = _commands_table()


def _command_of(usage: str) -> str | None:
    """The longest CLI command path a README usage starts with ('feeds check URL|FILE… [--json]' → 'feeds check')."""
    words = usage.split()
    return next((c for c in sorted(COMMANDS, key=lambda c: -len(c.split())) if words[: len(c.split())] == c.split()), None)


def test_every_cli_command_is_in_the_readme_commands_table():
    assert len(COMMANDS) >= 17
    missing = sorted(set(COMMANDS) - {_command_of(u) for u in TABLE})
    assert not missing, f"commands missing from README's Commands table: {missing}"


def test_every_flag_the_commands_table_shows_exists():
    for usage in TABLE:
        cmd = _command_of(usage)
        assert cmd, f"README documents a command the CLI does not have: narrative {usage}"
        flags = {s for a in COMMANDS[cmd]._actions for s in a.option_strings}
        shown = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", usage))
        assert shown <= flags, f"narrative {cmd}: README shows {sorted(shown - flags)}, which it does not accept"


def _readme_sql() -> list[str]:
    queries = []
    for block in re.findall(r"```sql\n(.*?)```", README, re.S):
        cur = ""
        for line in block.splitlines():
            if line.strip().startswith("--"):
                continue
            cur += line + "\n"
            if line.rstrip().endswith(";"):
                queries.append(cur.strip())
                cur = ""
    queries += re.findall(r"`(SELECT [^`]*;)`", README)  # inline examples (the auditing query)
    return queries


def test_every_readme_example_query_runs_on_the_schema(tmp_path):
    from narrative.warehouse.db import Warehouse

    queries = _readme_sql()
    assert len(queries) >= 10
    with Warehouse.open(tmp_path / "n.duckdb") as wh:
        for q in queries:
            if "search_articles" in q or "fts_main_articles" in q:
                continue  # needs the search index, which exists once articles are loaded (test_warehouse covers search)
            wh.con.execute(q).fetchall()  # binds: every view, macro and column named exists


def test_names_the_readme_examples_filter_on_exist():
    """A WHERE on a theme or entity id the data files do not have returns nothing, silently."""
    theme_ids = {t["id"] for t in json.loads((DATA / "themes.json").read_text("utf-8"))["themes"]}
    ents = {e["id"] for e in json.loads((DATA / "entities.json").read_text("utf-8"))["entities"]}
    for q in _readme_sql():
        for theme in re.findall(r"theme\s*=\s*'([^']+)'", q):
            assert theme in theme_ids, f"README example filters on theme {theme!r}, not in data/themes.json"
        for ent in re.findall(r"'([a-z0-9-]+)'", q.split("WHERE", 1)[-1]) if "entity_id" in q or "subject_id" in q else ():
            assert ent in ents, f"README example names entity {ent!r}, not in data/entities.json"


def _aggregator_feed(tmp_path) -> Path:
    from narrative.demo.corpus import load_corpus
    from narrative.demo.site import search_feed

    path = tmp_path / "search.xml"
    path.write_text(search_feed("Alibaba", load_corpus()[:3]), "utf-8")
    return path


def test_feeds_check_says_when_entries_are_aggregator_links(tmp_path, capsys):
    from narrative.demo.site import AGGREGATOR_ONLY

    feed = _aggregator_feed(tmp_path)
    assert main(["feeds", "check", str(feed)]) == 0
    out = capsys.readouterr().out
    n = 3 + len(AGGREGATOR_ONLY)  # the corpus articles listed, and the entries of the broadcaster with no feed
    assert f"aggregator: {n} of {n} entries link to an aggregator's script page" in out and "personal feed reader" in out
    assert main(["feeds", "check", "--json", str(feed)]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["aggregator_links"] == n and row["publishers"] and all(p.startswith("https://") for p in row["publishers"])


def test_run_report_shows_replayed_pages_and_headlines(tmp_path, capsys):
    from narrative.cli.report import print_report
    from narrative.warehouse.db import Warehouse

    db = str(tmp_path / "n.duckdb")
    Warehouse.open(db).close()
    counts = dict.fromkeys(("feeds", "feeds_not_modified", "feeds_failed", "entries", "already_stored", "listed_twice",
                            "fetched", "fetch_failed", "stored", "annotated", "rejected", "duplicate", "skipped"), 0)
    print_report(db, SimpleNamespace(run_id="r1", counts={**counts, "replayed": 5, "not_replayed": 2, "same_page": 1,
                                                          "headline": 3}, failures={}, digest_paths=()))
    out = capsys.readouterr().out
    assert "saved inputs read 5 (not replayed 2" in out and "the same page twice 1" in out
    assert "headlines kept 3" in out
    print_report(db, SimpleNamespace(run_id="r2", counts=counts, failures={}, digest_paths=()))
    out = capsys.readouterr().out
    assert "saved inputs" not in out and "headlines kept" not in out


def test_the_model_cards_training_commands_start():
    """MODEL_CARD.md tells how to retrain: `python src/narrative/training/sentiment_train.py …` and the data
    generator, run as files from a checkout (not only as modules). --help: the commands exist and parse."""
    import subprocess
    import sys

    card = (ROOT / "src/narrative/models/artifacts/sentiment/MODEL_CARD.md").read_text("utf-8")
    scripts = sorted(set(re.findall(r"python (src/narrative/\S+\.py)", card)))
    assert "src/narrative/training/sentiment_train.py" in scripts
    for script in scripts:
        r = subprocess.run([sys.executable, script, "--help"], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert r.returncode == 0 and "usage:" in r.stdout, f"{script}: {r.stderr[-300:]}"


def test_a_publisher_without_a_feed_is_looked_at_again_after_a_week(tmp_path):
    """publisher_feeds caches discovery; an empty finding (no feed on the site) expires, a found feed does not."""
    from narrative.warehouse.db import Warehouse

    with Warehouse.open(tmp_path / "n.duckdb") as wh:
        wh.con.execute("""INSERT INTO publisher_feeds VALUES
            ('https://old-none.example', [], now() - INTERVAL 8 DAY, 'r1'),
            ('https://new-none.example', [], now() - INTERVAL 2 DAY, 'r1'),
            ('https://old-feed.example', ['https://old-feed.example/rss'], now() - INTERVAL 300 DAY, 'r1')""")
        assert wh.publisher_feeds() == {"https://new-none.example": (), "https://old-feed.example": ("https://old-feed.example/rss",)}
        assert set(wh.publisher_feeds(retry_empty_days=1)) == {"https://old-feed.example"}


def test_every_table_view_and_macro_is_documented(tmp_path):
    from narrative.warehouse.db import Warehouse
    from narrative.warehouse.views import MACROS, VIEWS

    tables_section = README.split("### Tables", 1)[1].split("\n### ", 1)[0]
    with Warehouse.open(tmp_path / "n.duckdb") as wh:
        tables = {r[0] for r in wh.con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()}
    assert {"articles", "headlines", "publisher_feeds"} <= tables
    missing = sorted(t for t in tables if f"| `{t}` |" not in tables_section)
    assert not missing, f"tables missing from README's Tables: {missing}"
    missing = sorted(n for n in [*VIEWS, *MACROS] if f"`{n}`" not in README and f"`{n}(" not in README)
    assert not missing, f"views/macros README does not name: {missing}"
