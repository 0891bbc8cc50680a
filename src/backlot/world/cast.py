"""Characters: a stable look from the script's own words, a seeded default where it is silent,
and a jointed mannequin with an OpenPose-compatible skeleton."""

from __future__ import annotations

import random
import re

from backlot.breakdown.models import Breakdown, Category
from backlot.script.models import ElementType, Screenplay
from backlot.world.models import CharacterAsset, Joint, Look
from backlot.world.names import slug, unique

COLOURS = {
    "black": "#1c1c1c",
    "white": "#eeeeee",
    "grey": "#8a8a8a",
    "gray": "#8a8a8a",
    "red": "#b02a2a",
    "blue": "#2f4f9e",
    "navy": "#1f2a4d",
    "green": "#3d7a3d",
    "yellow": "#d8b530",
    "orange": "#d2722a",
    "brown": "#6b4a2f",
    "tan": "#b89a6e",
    "beige": "#d9c9a8",
    "pink": "#d88aa8",
    "purple": "#6a3d8f",
    "khaki": "#a89f6a",
    "denim": "#4a6a8f",
    "leather": "#4a3424",
}
HAIR = {
    "blonde": "#d9bf77",
    "blond": "#d9bf77",
    "red": "#a3472a",
    "ginger": "#b5572e",
    "grey": "#a0a0a0",
    "gray": "#a0a0a0",
    "white": "#e0e0e0",
    "black": "#1a1a1a",
    "brown": "#4e3621",
    "brunette": "#4e3621",
    "dark": "#2a1d14",
    "silver": "#c0c0c0",
    "bald": "",
}
BUILDS = {
    "slight": ("wiry", "slight", "skinny", "thin", "petite", "lanky", "slender", "frail", "gaunt"),
    "athletic": ("athletic", "muscular", "fit", "strong", "toned", "brawny"),
    "heavy": ("heavy", "stout", "overweight", "portly", "burly", "big", "large", "chubby", "fat"),
}
SKIN_TONES = ("#f1c9a5", "#e0ac83", "#c68863", "#a5694a", "#7d4a32", "#5a3422")
CLOTHING = ("#3b4a5a", "#6b5b4b", "#4d5d3d", "#7a3b3b", "#2e2e38", "#8a7a5a", "#5a6a7a")
HAIR_DEFAULTS = ("#1a1a1a", "#4e3621", "#2a1d14", "#d9bf77", "#a0a0a0", "#6b4a2f")
_AGE = re.compile(
    r"\b(?:(?P<mod>early|mid|late)[- ]?)?(?P<decade>\d0)s\b|\b(?P<years>\d{1,2})\b(?!s)|"
    r"\b(?P<teen>teen(?:age|ager)?s?)\b",
    re.IGNORECASE,
)
_PRONOUNS = {"he": "male", "him": "male", "his": "male", "she": "female", "her": "female"}

# Joint heights and half-widths as fractions of standing height, from the segment
# proportions of Drillis & Contini (1966) as tabulated in D. A. Winter, "Biomechanics and
# Motor Control of Human Movement", 4th ed., fig. 4.1. (name, parent, height, side offset)
_BODY_18: tuple[tuple[str, str | None, float, float], ...] = (
    ("neck", None, 0.818, 0.0),
    ("nose", "neck", 0.925, 0.0),
    ("r_eye", "nose", 0.936, -0.018),
    ("l_eye", "nose", 0.936, 0.018),
    ("r_ear", "r_eye", 0.925, -0.045),
    ("l_ear", "l_eye", 0.925, 0.045),
    ("r_shoulder", "neck", 0.818, -0.129),
    ("r_elbow", "r_shoulder", 0.630, -0.150),
    ("r_wrist", "r_elbow", 0.485, -0.150),
    ("l_shoulder", "neck", 0.818, 0.129),
    ("l_elbow", "l_shoulder", 0.630, 0.150),
    ("l_wrist", "l_elbow", 0.485, 0.150),
    ("r_hip", "neck", 0.530, -0.095),
    ("r_knee", "r_hip", 0.285, -0.095),
    ("r_ankle", "r_knee", 0.039, -0.095),
    ("l_hip", "neck", 0.530, 0.095),
    ("l_knee", "l_hip", 0.285, 0.095),
    ("l_ankle", "l_knee", 0.039, 0.095),
)
_WIDTH_OF_BUILD = {"slight": 0.9, "average": 1.0, "athletic": 1.08, "heavy": 1.2}


def skeleton(height_m: float, build: str) -> list[Joint]:
    """OpenPose BODY-18 joints in rest pose, feet at y = 0, facing +Z."""
    width = _WIDTH_OF_BUILD.get(build, 1.0)
    return [
        Joint(
            name=name,
            parent=parent,
            position=(round(side * height_m * width, 4), round(up * height_m, 4), 0.0),
        )
        for name, parent, up, side in _BODY_18
    ]


def description_of(name: str, screenplay: Screenplay) -> tuple[str, int] | None:
    """The parenthetical that introduces a character in action: "MAYA OKAFOR (30s, wiry…)"."""
    first = re.escape(name.split()[0])
    # Not "YOUNG EDWARD (10)" for EDWARD: the capitals must start with the name.
    pattern = re.compile(rf"(?<![A-Z][ .])\b{first}\b[A-Z .'\-]*\(([^)]*)\)")
    for element in screenplay.elements:
        if element.type is ElementType.ACTION:
            match = pattern.search(element.text)
            if match:
                return match.group(1), element.line + element.text.count("\n", 0, match.start())
    return None


def gender_of(name: str, screenplay: Screenplay) -> str:
    """From pronouns in sentences the character is the subject of: those after the name,
    and the one that opens the next sentence ("Maya floors it. She…")."""
    first = re.compile(rf"\b{re.escape(name.split()[0])}\b", re.IGNORECASE)
    votes = {"male": 0, "female": 0}
    sentences = [
        s
        for element in screenplay.elements
        if element.type is ElementType.ACTION
        for s in re.split(r"(?<=[.!?])\s+", element.text)
    ]
    for i, sentence in enumerate(sentences):
        mention = first.match(sentence.lstrip())
        if not mention:
            continue
        sentence = sentence.lstrip()
        following = sentences[i + 1] if i + 1 < len(sentences) else ""
        opener = re.match(r"\W*(\w+)", following)
        words = re.findall(r"[a-z]+", sentence[mention.end() :].lower())
        if opener:
            words.append(opener.group(1).lower())
        for word in words:
            if word in _PRONOUNS:
                votes[_PRONOUNS[word]] += 1
    if votes["male"] == votes["female"]:
        return "unknown"
    return max(votes, key=lambda k: votes[k])


def _age(text: str) -> int | None:
    match = _AGE.search(text)
    if not match:
        return None
    if match.group("teen"):
        return 16
    if match.group("years"):
        return int(match.group("years"))
    decade = int(match.group("decade"))
    return decade + {"early": 2, "mid": 5, "late": 8}.get((match.group("mod") or "").lower(), 5)


def look_of(name: str, screenplay: Screenplay) -> Look:
    """A character's look: the script's description first, then a default seeded by name."""
    rng = random.Random(f"look:{name}")
    found = description_of(name, screenplay)
    text = found[0].lower() if found else ""
    words = re.findall(r"[a-z\-]+", text)
    evidence = [found[0]] if found else []
    gender = gender_of(name, screenplay)
    age = _age(text) or rng.randint(22, 60)
    build = next((b for b, cues in BUILDS.items() if any(w in cues for w in words)), "average")
    base = {"female": 1.64, "male": 1.77}.get(gender, 1.71)
    if age < 16:
        base = 1.0 + age * 0.04
    height = base + rng.uniform(-0.05, 0.05)
    if "tall" in words or "lanky" in words:
        height += 0.1
    elif "short" in words or "small" in words or "tiny" in words:
        height -= 0.1
    hair = next(
        (HAIR[w] for i, w in enumerate(words) if w in HAIR and _is_hair(words, i)),
        rng.choice(HAIR_DEFAULTS),
    )
    clothing = [COLOURS[w] for w in words if w in COLOURS and not _is_hair(words, words.index(w))]
    while len(clothing) < 2:
        clothing.append(rng.choice(CLOTHING))
    return Look(
        age=age,
        gender=gender,
        build=build,
        height_m=round(height, 3),
        skin=rng.choice(SKIN_TONES),
        hair=hair,
        clothing=clothing[:2],
        from_script=evidence,
    )


def _is_hair(words: list[str], i: int) -> bool:
    """'grey hair', 'grey-haired', 'blonde' alone: a hair colour, not a garment's."""
    nxt = words[i + 1] if i + 1 < len(words) else ""
    return (
        nxt.startswith("hair")
        or words[i].endswith("-haired")
        or words[i] in ("blonde", "blond", "bald", "brunette")
    )


def character_ids(names: list[str]) -> dict[str, str]:
    """A distinct id per name: 'DR. SMITH' and 'DR SMITH' must not share a file."""
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        ids[name] = unique(f"char-{slug(name)}", taken)
    return ids


def build_cast(screenplay: Screenplay, breakdown: Breakdown) -> list[CharacterAsset]:
    """One asset per cast member, with wardrobe per scene (kept from scene to scene)."""
    characters = []
    lines = _source_lines(screenplay)
    ids = character_ids([member.name for member in breakdown.cast])
    for member in breakdown.cast:
        look = look_of(member.name, screenplay)
        wardrobe: dict[str, list[str]] = {}
        current: list[str] = []
        first = member.name.split()[0].upper()
        for scene in breakdown.scenes:
            if member.name not in scene.cast:
                continue
            # A wardrobe tag belongs to whoever its line names (their introduction).
            mine = [
                t.name
                for t in scene.tags
                if t.category is Category.WARDROBE and first in lines.get(t.line, "")
            ]
            current = mine or current
            wardrobe[scene.number] = list(current)
        characters.append(
            CharacterAsset(
                id=ids[member.name],
                name=member.name,
                look=look,
                wardrobe=wardrobe,
                skeleton=skeleton(look.height_m, look.build),
                scenes=list(member.scenes),
            )
        )
    return characters


def _source_lines(screenplay: Screenplay) -> dict[int, str]:
    """Source line number → its text in capitals, from the elements."""
    lines: dict[int, str] = {}
    for element in screenplay.elements:
        for offset, text in enumerate(element.text.upper().split("\n")):
            lines[element.line + offset] = text
    return lines
