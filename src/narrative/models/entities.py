"""The alias table: surface forms → canonical entities (with a parent), loaded from a JSON file users can extend."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..data import load_json


@dataclass(frozen=True, slots=True)
class Entity:
    id: str
    name: str
    type: str
    parent_id: str | None
    aliases: tuple[str, ...]


DEFAULT_ENTITIES = "entities.json"


class EntityTable:
    """Canonical entities and the surface forms that name them."""

    def __init__(self, entities: list[Entity]):
        self.entities: dict[str, Entity] = {e.id: e for e in entities}
        self._by_alias: dict[str, str] = {}
        self._by_lower: dict[str, str] = {}
        for e in entities:
            for alias in (e.name, *e.aliases):
                self._by_alias.setdefault(alias, e.id)
                self._by_lower.setdefault(alias.lower(), e.id)
        self._alias_re: re.Pattern | None = None
        for e in entities:
            if e.parent_id and e.parent_id not in self.entities:
                raise ValueError(f"entity {e.id!r} has unknown parent {e.parent_id!r}")

    @classmethod
    def load(cls, path: str | Path | None = None) -> "EntityTable":
        raw = load_json(DEFAULT_ENTITIES, path)
        return cls(
            [
                Entity(
                    id=item["id"],
                    name=item["name"],
                    type=item.get("type", "ORG"),
                    parent_id=item.get("parent"),
                    aliases=tuple(item.get("aliases", ())),
                )
                for item in raw["entities"]
            ]
        )

    def resolve(self, text: str) -> str | None:
        """Canonical id for a surface form ("Aliyun" → "alibaba-cloud"), or None if unknown."""
        t = text.strip()
        if t.endswith("'s") or t.endswith("’s"):
            t = t[:-2]
        hit = self._by_alias.get(t)
        if hit:
            return hit
        hit = self._by_lower.get(t.lower())
        if hit:
            return hit
        # "Alibaba Cloud's Qwen team" style spans: try the longest known prefix
        words = t.split()
        for n in range(len(words) - 1, 0, -1):
            hit = self._by_alias.get(" ".join(words[:n]))
            if hit:
                return hit
        return None

    def ids_named_in(self, text: str) -> list[str]:
        """Entities a text names by an exact alias, in order of first mention, no model involved (for
        headlines): longest alias first, so 'Alibaba Cloud' is Alibaba Cloud and not Alibaba too."""
        if not self._by_alias or not text:
            return []
        if self._alias_re is None:
            alts = "|".join(re.escape(a) for a in sorted(self._by_alias, key=len, reverse=True))
            self._alias_re = re.compile(rf"(?<!\w)({alts})(?!\w)")
        return list(dict.fromkeys(self._by_alias[m.group(1)] for m in self._alias_re.finditer(text)))

    def name(self, entity_id: str) -> str:
        return self.entities[entity_id].name

    def ancestors(self, entity_id: str) -> list[str]:
        out, cur = [], self.entities.get(entity_id)
        while cur is not None and cur.parent_id:
            out.append(cur.parent_id)
            cur = self.entities.get(cur.parent_id)
        return out

    def ruler_patterns(self) -> list[dict]:
        """EntityRuler patterns: one per alias, labelled ORG/PRODUCT, carrying the canonical id."""
        patterns = []
        for e in self.entities.values():
            for alias in sorted({e.name, *e.aliases}):
                if alias.endswith("'s"):
                    continue
                patterns.append({"label": e.type, "pattern": alias, "id": e.id})
        return patterns
