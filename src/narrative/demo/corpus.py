"""Read the sample corpus (`corpus/articles/*.md`, front matter + paragraphs; see corpus/FORMAT.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path


@dataclass(frozen=True, slots=True)
class CorpusArticle:
    id: str
    site: str
    published: datetime
    title: str
    author: str
    kind: str  # article | offtopic | syndicated | paywall
    tone: str | None
    original: str | None
    paragraphs: tuple[str, ...]  # "## " prefix marks a subheading

    @property
    def slug(self) -> str:
        s = re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-")
        return "-".join(s.split("-")[:9])


def corpus_dir() -> Path:
    return Path(str(resources.files("narrative.demo").joinpath("corpus/articles")))


def parse_article(text: str, name: str = "?") -> CorpusArticle:
    m = re.match(r"^---\n(.*?)\n---\n(.*)$", text, re.S)
    if not m:
        raise ValueError(f"{name}: no front matter")
    meta = {}
    for line in m.group(1).splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            meta[k.strip()] = v.strip()
    paras = tuple(p.strip() for p in re.split(r"\n\s*\n", m.group(2)) if p.strip())
    return CorpusArticle(
        id=meta["id"], site=meta["site"], published=datetime.fromisoformat(meta["published"]),
        title=meta["title"], author=meta.get("author", ""), kind=meta.get("kind", "article"),
        tone=meta.get("tone"), original=meta.get("original"), paragraphs=paras,
    )


def load_corpus(folder: Path | None = None) -> list[CorpusArticle]:
    folder = folder or corpus_dir()
    arts = [parse_article(p.read_text("utf-8"), p.name) for p in sorted(folder.glob("*.md"))]
    return sorted(arts, key=lambda a: (a.published, a.id))
