"""Measuring the tagger against hand-annotated scenes: precision and recall per category.

An annotation file (TOML) names a script and lists, per scene (by heading and occurrence),
the items a breakdown artist would tag. A predicted tag matches a gold item of the same
category when the names are equal or one is the other's head noun ("case" ~ "metal case").
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from backlot.breakdown.lexicon import singular, verb_base
from backlot.breakdown.models import Breakdown, Category
from backlot.script.assemble import split_cue
from backlot.script.headings import normalize_time_of_day
from backlot.script.models import ElementType, Screenplay

SCORED = (
    Category.CAST,
    Category.EXTRAS,
    Category.PROPS,
    Category.VEHICLES,
    Category.WARDROBE,
    Category.MAKEUP_HAIR,
    Category.WEAPONS,
    Category.ANIMALS,
    Category.SOUND,
    Category.MUSIC,
    Category.SPECIAL_EFFECTS,
    Category.VISUAL_EFFECTS,
    Category.STUNTS,
    Category.WEATHER,
    Category.SET_DRESSING,
    Category.GREENERY,
)


@dataclass
class Score:
    """Counts for one category; precision, recall and F1 derived from them."""

    true_pos: int = 0
    false_pos: int = 0
    false_neg: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_pos + self.false_pos
        return self.true_pos / found if found else 1.0

    @property
    def recall(self) -> float:
        gold = self.true_pos + self.false_neg
        return self.true_pos / gold if gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    """Scores per category, plus the heading facts and speaking cast, over all scenes."""

    categories: dict[str, Score]
    scenes: int = 0
    heading_errors: list[str] = field(default_factory=list)
    speaking_cast: Score = field(default_factory=Score)


def _same(predicted: str, gold: str) -> bool:
    # "key to the city" is a key: a name's head is the noun before its preposition.
    p, g = (_singular_name(re.split(r" (?:to|of|for) ", n)[0]) for n in (predicted, gold))
    # A sound is one thing as noun or verb: "whistle" is the gold's "whistling".
    return p == g or p.endswith(" " + g) or g.endswith(" " + p) or verb_base(p) == verb_base(g)


def _singular_name(name: str) -> str:
    *head, last = name.lower().split() or [""]
    return " ".join([*head, singular(last)])


def _score(score: Score, predicted: list[str], gold: list[str], where: str) -> None:
    unmatched = list(gold)
    for name in predicted:
        hit = next((g for g in unmatched if _same(name, g)), None)
        if hit is None:
            score.false_pos += 1
            score.extras.append(f"{where}: {name}")
        else:
            unmatched.remove(hit)
            score.true_pos += 1
    score.false_neg += len(unmatched)
    score.misses.extend(f"{where}: {name}" for name in unmatched)


def _speakers(screenplay: Screenplay, index: int) -> set[str]:
    """Everyone with a cue in the scene: the speaking cast is scored among them."""
    scene = screenplay.scenes[index]
    return {split_cue(e.text)[0] for e in scene.elements if e.type is ElementType.CHARACTER}


def evaluate(
    annotation_files: list[Path],
    load: Callable[[str], tuple[Screenplay, Breakdown]],
) -> Evaluation:
    """Score the breakdowns `load(script)` returns against every annotation file."""
    result = Evaluation({c.value: Score() for c in SCORED})
    for path in annotation_files:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        screenplay, breakdown = load(data["script"])
        for gold in data["scene"]:
            matches = [
                i for i, s in enumerate(screenplay.scenes) if s.heading == gold["heading"].strip()
            ]
            occurrence = gold.get("occurrence", 1)
            if len(matches) < occurrence:
                raise ValueError(f"{path.name}: no scene {gold['heading']!r} #{occurrence}")
            index = matches[occurrence - 1]
            scene = breakdown.scenes[index]
            where = f"{data['script']} {scene.number} {scene.heading}"
            result.scenes += 1
            # Gold keeps the words; Backlot maps synonyms ("SAME TIME" → SAME) by design.
            expected = {
                "int_ext": gold.get("int_ext"),
                "time_of_day": normalize_time_of_day(gold.get("time_of_day") or "")
                or gold.get("time_of_day"),
            }
            for key, want in expected.items():
                if want != getattr(scene, key):
                    result.heading_errors.append(
                        f"{where}: {key} {getattr(scene, key)!r} != {want!r}"
                    )
            for category in SCORED:
                predicted = [t.name for t in scene.tags if t.category is category]
                _score(
                    result.categories[category.value],
                    predicted,
                    gold.get(category.value, []),
                    where,
                )
            speakers = _speakers(screenplay, index)
            _score(
                result.speaking_cast,
                [n for n in scene.cast if n in speakers],
                [n for n in gold.get("cast", []) if n in speakers],
                where,
            )
    return result


def agreement(gold_files: list[Path], other_files: list[Path]) -> Evaluation:
    """Score a second annotator's lists (`other_files`) against the first's, over the scenes
    both annotated (same script, heading and occurrence): the agreement two people reach,
    the ceiling a tagger is measured against."""
    others: dict[tuple[str, str, int], dict] = {}
    for path in other_files:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for scene in data["scene"]:
            key = (data["script"], scene["heading"].strip(), scene.get("occurrence", 1))
            others[key] = scene
    result = Evaluation({c.value: Score() for c in SCORED})
    for path in gold_files:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for gold in data["scene"]:
            key = (data["script"], gold["heading"].strip(), gold.get("occurrence", 1))
            other = others.get(key)
            if other is None:
                continue
            result.scenes += 1
            where = f"{data['script']} {key[1]} #{key[2]}"
            for category in SCORED:
                _score(
                    result.categories[category.value],
                    other.get(category.value, []),
                    gold.get(category.value, []),
                    where,
                )
    return result
