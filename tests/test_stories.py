"""Story grouping and multi-source summaries (pure functions, with hand-made vectors)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np

from narrative.models.stories import StoryMember, group_stories, story_summary

T0 = datetime(2026, 11, 18, 9, tzinfo=timezone.utc)


def unit(*xs):
    v = np.array(xs, dtype=float)
    return v / np.linalg.norm(v)


def test_same_event_from_two_sources_is_one_story_and_time_splits_stories():
    m = [
        StoryMember("a", "A", T0, unit(1, 0.1, 0)),
        StoryMember("b", "B", T0 + timedelta(hours=3), unit(1, 0.15, 0)),
        StoryMember("c", "C", T0 + timedelta(days=9), unit(1, 0.12, 0)),  # same topic, much later: new story
        StoryMember("d", "A", T0 + timedelta(hours=1), unit(0, 1, 0)),  # different event
    ]
    groups = [[x.article_id for x in g] for g in group_stories(m, threshold=0.9, window_hours=48)]
    assert groups == [["a", "b"], ["d"], ["c"]]


def test_story_summary_drops_repeats():
    sents = ["Capex rose.", "Capex rose!", "Cloud grew 34%.", "Shares fell 4%."]
    vecs = np.stack([unit(1, 0, 0), unit(1, 0.01, 0), unit(0, 1, 0), unit(0, 0, 1)])
    out = story_summary(sents, vecs, k=3)
    assert out.count("Capex rose") == 1 and "Cloud grew 34%." in out and "Shares fell 4%." in out
    assert story_summary([], np.zeros((0, 3))) == ""
