"""Viseme tracks for lip-sync: espeak-ng's timed phonemes as the 15 standard mouth shapes.

The viseme set is the one of the Oculus (Meta) Lipsync viseme reference, itself the 14
visemes of MPEG-4 Face and Body Animation (ISO/IEC 14496-2, Annex C, FAP 1) plus silence.
Each is named, as in that reference, with example words:

    sil  silence            PP  put, bat, mat      FF  fat, vat          TH  think, that
    DD   tip, doll          kk  call, gas          CH  chair, join, she  SS  sir, zeal
    nn   lot, not           RR  red                aa  car               E   bed
    ih   tip                oh  toe                ou  book

espeak-ng names its phonemes with ASCII mnemonics (Kirshenbaum-like: 'T' is θ, 'S' ʃ, 'N' ŋ,
'@' ə, 'E' ɛ, 'O' ɔ, 'V' ʌ, '*' a flap), one table per language. The events carry the
phoneme's name only (up to 8 bytes), never stress marks, and tone languages give the tone
on no phoneme (Mandarin 'Au' for -x's "Au214"). A name maps by, in turn:

1. pauses: '_' with no letter after it ('_', '_:', '_!', '_|' …) is 'sil';
2. the exact name in `PHONEME_VISEMES` (the phonemes of en, fr, es, ko, ja and cmn seen in
   espeak-ng 1.51's events, and their common relatives);
3. the name with stress, length, tone and diacritic marks stripped ("O:" → "O", "t#" → "t",
   "R2" → "R", "u-" → "u", "s\\\\" → "s", "i." → "i"), looked up again;
4. its first letter's class in `LEAD_VISEMES`: an unknown name still gets the mouth of the
   sound it is written after (espeak writes variants as the base letter plus marks);
5. a name with no letter at all (';' between vowels in es/ko, a hiatus mark) holds the
   mouth shape before it.

Names that start with '_' and go on with a letter ('_j', Japanese palatalization) are a
modifier on the sound before, and map as that letter.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from backlot.edit.models import Viseme

VISEMES: tuple[str, ...] = (
    "sil",
    "PP",
    "FF",
    "TH",
    "DD",
    "kk",
    "CH",
    "SS",
    "nn",
    "RR",
    "aa",
    "E",
    "ih",
    "oh",
    "ou",
)
"""The Oculus Lipsync / MPEG-4 FBA viseme set, in the reference's index order (0–14)."""

PHONEME_VISEMES: dict[str, str] = {
    # bilabials: lips closed (ɸ and β too: Japanese ふ, Spanish intervocalic b)
    **dict.fromkeys(("p", "b", "m", "B", "P", "ph", "bh", "m-"), "PP"),
    # labiodentals: lower lip to upper teeth
    **dict.fromkeys(("f", "v", "F", "v#"), "FF"),
    # dental fricatives (Spanish intervocalic d is ð)
    **dict.fromkeys(("T", "D"), "TH"),
    # alveolar stops and taps of t/d
    **dict.fromkeys(("t", "d", "th", "dh", "t[", "d[", "t.", "d.", "t#", "d#"), "DD"),
    # velars, uvulars and the glottals: an open jaw, tongue back, no lip shape of its own
    **dict.fromkeys(("k", "g", "kh", "gh", "q", "G", "x", "X", "h", "h#", "?", "C"), "kk"),
    # post-alveolar, alveolo-palatal and retroflex sibilants and affricates (lips pushed out)
    **dict.fromkeys(
        (
            "tS",
            "dZ",
            "S",
            "Z",
            "tS;",
            "dZ;",
            "tS;h",
            "tSh",
            "ts.",
            "ts.h",
            "s.",
            "z.",
            "s\\",
            "z\\",
            "t_s\\",
            "d_z\\",
            "ts\\",
            "dz\\",
            "S;",
            "Z;",
        ),
        "CH",
    ),
    # alveolar sibilants and affricates
    **dict.fromkeys(("s", "z", "s-", "ts", "dz", "tsh", "z2", "s#"), "SS"),
    # nasals and laterals: tongue up, jaw a little open
    **dict.fromkeys(
        ("n", "N", "n^", "J", "n-", "N\\", "l", "L", "l^", "l#", "l/", "n.", "l.", "ll"),
        "nn",
    ),
    # rhotics: trill, tap, uvular, retroflex
    **dict.fromkeys(("r", "R", "R2", "r-", "r.", "r/", "*", "**", "R\\", "3"), "RR"),
    # open vowels (and diphthongs that start open)
    **dict.fromkeys(
        (
            "a",
            "a:",
            "a#",
            "A",
            "A:",
            "A~",
            "a~",
            "&",
            "V",
            "aI",
            "aU",
            "Au",
            "aI@",
            "aI3",
            "aU@",
            "ai",
            "au",
            "A@",
            "a@",
        ),
        "aa",
    ),
    # mid front and central vowels
    **dict.fromkeys(
        (
            "e",
            "E",
            "e:",
            "E:",
            "E~",
            "eI",
            "e@",
            "E@",
            "@",
            "@-",
            "@2",
            "@5",
            "3:",
            "a2",
            "iE",
            "ei",
        ),
        "E",
    ),
    # close front and unrounded vowels (j is the same tongue and lips)
    **dict.fromkeys(
        ("i", "I", "i:", "I2", "I#", "i.", "i@", "i@3", "I@", "j", "u-", "i#", "u#", "j/"),
        "ih",
    ),
    # mid rounded vowels (French eu: ø 'Y', œ 'W')
    **dict.fromkeys(
        ("o", "O", "o:", "O:", "O~", "o~", "oU", "OI", "o@", "O@", "0", "ou", "W", "Y", "W~", "Y~"),
        "oh",
    ),
    # close rounded vowels and w
    **dict.fromkeys(("u", "U", "u:", "U@", "y", "y:", "w", "H", "ui", "uo", "y#"), "ou"),
}
"""espeak-ng phoneme mnemonic (as in its phoneme events) → viseme."""

LEAD_VISEMES: dict[str, str] = {
    **dict.fromkeys("pbmBP", "PP"),
    **dict.fromkeys("fvF", "FF"),
    **dict.fromkeys("TD", "TH"),
    **dict.fromkeys("td", "DD"),
    **dict.fromkeys("kgqGxXhcC?", "kk"),
    **dict.fromkeys("SZ", "CH"),
    **dict.fromkeys("sz", "SS"),
    **dict.fromkeys("nNlLJ", "nn"),
    **dict.fromkeys("rR*", "RR"),
    **dict.fromkeys("aA&V", "aa"),
    **dict.fromkeys("eE@3", "E"),
    **dict.fromkeys("iIj", "ih"),
    **dict.fromkeys("oO0QWY", "oh"),
    **dict.fromkeys("uUywHM", "ou"),
}
"""First letter of an unknown name → viseme: the class of the sound espeak writes it after."""

_MARKS = "'\",%=:;#~-.^/\\_!|*0123456789[]"
"""Stress, length, tone digits and espeak's diacritic marks, stripped in the second look-up
('*' stays when it is the whole name: that is the flap)."""


def is_pause(name: str) -> bool:
    """Whether espeak's phoneme is a pause: '_' and no letter after it ('_:', '_!', '_|')."""
    return name.startswith("_") and not any(c.isalpha() for c in name)


def viseme_of(name: str) -> str | None:
    """The viseme of one espeak-ng phoneme name; None for a bare mark (hold the one before)."""
    name = name.strip().lstrip("'\",%=")  # stress marks, should a caller pass -x style names
    if not name or is_pause(name):
        return "sil"
    if name.startswith("_"):  # '_j': a modifier on the sound before, named by its letter
        name = name.lstrip("_")
    found = PHONEME_VISEMES.get(name)
    if found is None:
        found = PHONEME_VISEMES.get(name.strip(_MARKS) or name)
    if found is None:
        lead = next((c for c in name if c.isalpha() or c in "@&?*3"), None)
        found = LEAD_VISEMES.get(lead) if lead else None
        if found is None and lead is not None:
            found = LEAD_VISEMES.get(lead.lower(), "sil")
    return found


def visemes(phonemes: Sequence[tuple[float, str]], duration_s: float) -> list[Viseme]:
    """The viseme track of a line: consecutive mouth shapes tiling [0, `duration_s`].

    Each viseme starts at one of the phoneme events' times (rounded to the millisecond) and
    lasts until the next one that changes the shape; runs of the same viseme merge, and
    'sil' fills the time before the first phoneme, espeak's pauses, and a track with no
    phonemes. Events are taken in time order; an event at or past the end adds nothing."""
    end = float(duration_s)
    if end <= 0:
        return []
    marks: list[tuple[float, str]] = [(0.0, "sil")]
    held = "sil"
    for start, name in sorted(phonemes, key=lambda event: event[0]):
        time = round(max(0.0, float(start)), 3)
        shape = viseme_of(name)
        held = held if shape is None else shape
        if time >= end:
            break
        if time <= marks[-1][0]:
            marks[-1] = (marks[-1][0], held)  # several events at one time: the last counts
        else:
            marks.append((time, held))
    track: list[Viseme] = []
    for index, (start, shape) in enumerate(marks):
        stop = marks[index + 1][0] if index + 1 < len(marks) else end
        if track and track[-1].viseme == shape:
            track[-1] = track[-1].model_copy(update={"end_s": stop})
        else:
            track.append(Viseme(start_s=start, end_s=stop, viseme=shape))
    return track


def viseme_json(track: Sequence[Viseme], line_id: str, audio: str) -> str:
    """A line's viseme track as JSON: stable key order, indent 1, times in seconds."""
    document = {
        "line": line_id,
        "audio": audio,
        "viseme_set": "oculus-15",
        "duration_s": track[-1].end_s if track else 0.0,
        "visemes": [[v.start_s, v.end_s, v.viseme] for v in track],
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"
