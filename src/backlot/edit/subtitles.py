"""Subtitles from the dialogue list, under the streaming norms, as SRT, WebVTT and IMSC 1.1.

The numbers are the Netflix Timed Text Style Guide's: General Requirements (at most two
lines; 5/6 s to 7 s on screen; at least two frames between events), the per-language guides
(42 characters a line for English and most Latin-script languages, 16 for Chinese, Japanese
and Korean; adult reading speed 17 characters a second, 9 for Chinese, Japanese and Korean),
and the Subtitle Timing Guidelines (an out-time within half a second — 12 frames at 24 fps —
of a shot change moves to two frames before it; an in-time 7 frames or less before a shot
change moves onto it; gaps of half a second or less are closed to two frames). Characters
are counted as a viewer reads them: code points, spaces included, the line break not.

`subtitle_track` segments and times the speeches and reports, with its shot and the reason,
every norm an event still breaks; `check_track` checks a finished track on its own, so that
tests can prove no broken norm goes unreported.
"""

from __future__ import annotations

import math
import textwrap
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from fractions import Fraction

from backlot.edit.language import primary_subtag
from backlot.edit.models import (
    DialogueLine,
    Shot,
    SubtitleEvent,
    SubtitleNorms,
    SubtitleProblem,
    SubtitleTrack,
)

__all__ = [
    "check_track",
    "norms_for",
    "subtitle_track",
    "to_imsc",
    "to_srt",
    "to_webvtt",
]

CJK = frozenset({"zh", "ja", "ko", "zho", "cmn", "yue", "jpn", "kor"})
"""Primary language subtags (ISO 639-1 and -3) that take the CJK norms."""

# Sentence and clause ends. ASCII marks end a piece only before a space (so "3.5" and
# "e.g." inside a word stay whole); full-width marks end one wherever they stand, since
# Chinese and Japanese put no space after them.
_SENTENCE_SPACED = frozenset(".!?…")
_SENTENCE_FULL = frozenset("。！？")
_CLAUSE_SPACED = frozenset(",;:")
_CLAUSE_FULL = frozenset("、，；：—")
_CLOSERS = frozenset("\"'”’»)]」』）】")
"""Closing quotes and brackets stay with the mark before them."""
_BREAK_AFTER = _SENTENCE_SPACED | _SENTENCE_FULL | _CLAUSE_SPACED | _CLAUSE_FULL | _CLOSERS
_NO_LINE_START = _SENTENCE_FULL | _CLAUSE_FULL | _CLOSERS | frozenset(".,!?;:…・ー")
"""Japanese line-breaking rules (kinsoku shori): a line never starts with these."""

_PLAIN_BREAK = 6
"""How many characters of imbalance a line break not after punctuation is worth avoiding."""
_SPACE_BREAK_CJK = 3
"""…and a CJK break at a space (Korean words), which is better than inside a word."""

TTML_NS = "http://www.w3.org/ns/ttml"
TTP_NS = "http://www.w3.org/ns/ttml#parameter"
TTS_NS = "http://www.w3.org/ns/ttml#styling"
XML_NS = "http://www.w3.org/XML/1998/namespace"
IMSC_TEXT_PROFILE = "http://www.w3.org/ns/ttml/profile/imsc1.1/text"

ET.register_namespace("", TTML_NS)
ET.register_namespace("ttp", TTP_NS)
ET.register_namespace("tts", TTS_NS)


# --- norms ---------------------------------------------------------------------------------


def _is_cjk(language: str) -> bool:
    return primary_subtag(language) in CJK


def norms_for(language: str) -> SubtitleNorms:
    """The limits for a language (a BCP 47 tag: 'en', 'fr-CA', 'zh-Hans', 'ja-JP').

    Netflix Timed Text Style Guide: 42 characters a line and 17 a second (adult
    programmes) for Latin-script languages; 16 a line and 9 a second for Chinese, Japanese
    and Korean; the duration and frame-gap limits are the same for every language."""
    if _is_cjk(language):
        return SubtitleNorms(max_chars_per_line=16, max_chars_per_second=9)
    return SubtitleNorms(max_chars_per_line=42, max_chars_per_second=17)


def _chars(lines: list[str]) -> int:
    """Characters as read: code points of every line, spaces included, line breaks not."""
    return sum(len(line) for line in lines)


def _reading_frames(chars: int, norms: SubtitleNorms, fps: float) -> int:
    """Frames `chars` characters need at the norms' reading speed."""
    return math.ceil(chars * fps / norms.max_chars_per_second - 1e-9)


def _min_frames(norms: SubtitleNorms, fps: float) -> int:
    return math.ceil(norms.min_duration_s * fps - 1e-9)


def _max_frames(norms: SubtitleNorms, fps: float) -> int:
    return math.floor(norms.max_duration_s * fps + 1e-9)


def _needed(lines: list[str], norms: SubtitleNorms, fps: float) -> int:
    """Frames an event must stay up: the minimum duration, and long enough to be read."""
    return max(_min_frames(norms, fps), _reading_frames(_chars(lines), norms, fps))


# --- text: chunks and lines ----------------------------------------------------------------


def _split_after(text: str, spaced: frozenset[str], full: frozenset[str]) -> list[str]:
    """`text` cut after each mark (with the closers and the space after it): the pieces
    concatenate back to `text`, so joining chunks never invents or loses a space."""
    pieces: list[str] = []
    begin, i = 0, 0
    while i < len(text):
        char = text[i]
        if char in spaced or char in full:
            j = i + 1
            while j < len(text) and (text[j] in spaced or text[j] in full or text[j] in _CLOSERS):
                j += 1
            ends = char in full or j == len(text) or text[j] == " "
            if ends:
                while j < len(text) and text[j] == " ":
                    j += 1
                pieces.append(text[begin:j])
                begin = j
            i = j
        else:
            i += 1
    if begin < len(text):
        pieces.append(text[begin:])
    return pieces


def _units(text: str, cjk: bool) -> list[str]:
    """The smallest pieces a chunk may be cut into: words (each with its trailing space),
    or for CJK single characters (a space stays with the character before it)."""
    units: list[str] = []
    for char in text:
        if units and (char == " " or (not cjk and not units[-1].endswith(" "))):
            units[-1] += char
        else:
            units.append(char)
    return units


def _line_breaks(chunk: str, cjk: bool) -> list[tuple[int, int, int]]:
    """Where a chunk may break into two lines: (end of top, start of bottom, penalty)."""
    breaks: list[tuple[int, int, int]] = []
    for at in range(1, len(chunk)):
        if chunk[at] == " ":
            before = chunk[at - 1]
            penalty = 0 if before in _BREAK_AFTER else (_SPACE_BREAK_CJK if cjk else _PLAIN_BREAK)
            breaks.append((at, at + 1, penalty))
        elif cjk and chunk[at - 1] != " " and chunk[at] not in _NO_LINE_START:
            breaks.append((at, at, 0 if chunk[at - 1] in _BREAK_AFTER else _PLAIN_BREAK))
    return breaks


def _lines(chunk: str, norms: SubtitleNorms, cjk: bool) -> list[str]:
    """One line if it fits, else the two most balanced lines that both fit (Netflix: break
    after punctuation; CJK may break between any two characters, a Latin script only at a
    space). When no two lines fit (a word longer than a line), the text wrapped as it can."""
    limit = norms.max_chars_per_line
    if len(chunk) <= limit:
        return [chunk]
    best: tuple[tuple[int, int], list[str]] | None = None
    for top_end, bottom_start, penalty in _line_breaks(chunk, cjk):
        top, bottom = chunk[:top_end].rstrip(), chunk[bottom_start:].lstrip()
        if top and bottom and len(top) <= limit and len(bottom) <= limit:
            # Balanced first; on a tie the shorter top line (Netflix's bottom-heavy pyramid).
            score = (abs(len(top) - len(bottom)) + penalty, len(top))
            if best is None or score < best[0]:
                best = (score, [top, bottom])
    if best is not None:
        return best[1]
    return textwrap.wrap(chunk, limit, break_long_words=cjk, break_on_hyphens=False)


def _fits(chunk: str, norms: SubtitleNorms, cjk: bool) -> bool:
    lines = _lines(chunk.strip(), norms, cjk)
    widest = max((len(line) for line in lines), default=0)
    return len(lines) <= norms.max_lines and widest <= norms.max_chars_per_line


def _balanced(units: list[str], norms: SubtitleNorms, cjk: bool) -> list[str]:
    """A piece too long for one event, cut into the fewest chunks of about equal length
    that each fit (a unit that fits nowhere, a very long word, is a chunk of its own)."""
    total = sum(len(u) for u in units)
    room = norms.max_lines * norms.max_chars_per_line
    for count in range(max(1, math.ceil(total / room)), len(units) + 1):
        groups: list[str] = []
        done, current = 0, ""
        for unit in units:
            target = total * (len(groups) + 1) / count
            # Close the group at the unit boundary nearest the target length.
            if (
                current
                and len(groups) < count - 1
                and abs(done - target) <= abs(done + len(unit) - target)
            ):
                groups.append(current)
                current = ""
            current += unit
            done += len(unit)
        groups.append(current)
        if all(_fits(g, norms, cjk) for g in groups):
            return groups
    return units


def _merge(pieces: list[str], norms: SubtitleNorms, cjk: bool) -> list[str]:
    """Neighbouring pieces share an event while together they still fit one."""
    merged: list[str] = []
    for piece in pieces:
        if merged and _fits(merged[-1] + piece, norms, cjk):
            merged[-1] += piece
        else:
            merged.append(piece)
    return merged


def _chunks(text: str, norms: SubtitleNorms, cjk: bool) -> list[str]:
    """The speech in pieces that each fit one event: sentences, then clauses, then words
    (characters for CJK), short neighbours sharing an event."""
    out: list[str] = []
    for sentence in _split_after(text, _SENTENCE_SPACED, _SENTENCE_FULL):
        if _fits(sentence, norms, cjk):
            out.append(sentence)
            continue
        parts: list[str] = []
        for clause in _split_after(sentence, _CLAUSE_SPACED, _CLAUSE_FULL):
            if _fits(clause, norms, cjk):
                parts.append(clause)
            else:
                parts += _balanced(_units(clause, cjk), norms, cjk)
        out += _merge(parts, norms, cjk)
    chunks = [c.strip() for c in _merge(out, norms, cjk)]
    return [c for c in chunks if c]


# --- timing --------------------------------------------------------------------------------


@dataclass
class _Cue:
    """An event being timed, and what it knows about why it ends where it does."""

    start: int
    end: int
    lines: list[str]
    source: str
    speech: tuple[int, int]
    held: str = ""
    """What stopped it growing: 'next' (the next event), 'max' (the longest duration)."""


def _deficit(slot: int, need: int) -> int:
    return max(need - slot, 0)


def _place_speech(
    line: DialogueLine,
    text: str,
    cuts: list[int],
    norms: SubtitleNorms,
    fps: float,
    cjk: bool,
) -> list[_Cue]:
    """A speech's events over its frames: time shared by characters, chunk boundaries moved
    onto shot changes, and a two-line chunk split at a shot change inside it, where that
    keeps (or does not worsen) the norms."""
    gap, snap = norms.min_gap_frames, max(1, round(fps / 2))
    chunks = [_lines(c, norms, cjk) for c in _chunks(text, norms, cjk)]
    if not chunks:
        return []
    first, last = line.record_in, max(line.record_out, line.record_in + 1)
    needs = [_needed(c, norms, fps) for c in chunks]
    sizes = [_chars(c) for c in chunks]
    total = sum(sizes) or 1
    bounds, done = [first], 0
    for size in sizes[:-1]:
        done += size
        bounds.append(max(first + round((last - first) * done / total), bounds[-1] + 1))
    bounds.append(max(last, bounds[-1] + 1))

    def slot(k: int, at: list[int]) -> int:
        """Frames chunk k has; all but the last give the gap to the chunk after them."""
        return at[k + 1] - at[k] - (gap if k < len(at) - 2 else 0)

    for k in range(1, len(bounds) - 1):
        low, high = bounds[k - 1], bounds[k + 1]
        inside = sorted(
            (c for c in cuts if low + gap < c < high), key=lambda c: (abs(c - bounds[k]), c)
        )
        for cut in inside:
            moved = [*bounds[:k], cut, *bounds[k + 1 :]]
            before = [_deficit(slot(j, bounds), needs[j]) for j in (k - 1, k)]
            after = [_deficit(slot(j, moved), needs[j]) for j in (k - 1, k)]
            near = abs(cut - bounds[k]) <= snap
            if after == [0, 0] or (
                near and all(a <= b for a, b in zip(after, before, strict=True))
            ):
                bounds = moved
                break

    cues: list[_Cue] = []
    for k, chunk in enumerate(chunks):
        start, end = bounds[k], bounds[k + 1]
        crossing = [c for c in cuts if start + gap < c < end]
        if len(chunk) == 2 and crossing:
            # A two-line event across a cut becomes one line each side of it, when both
            # halves can still be read in time.
            cut = min(crossing, key=lambda c: (abs(c - (start + end) / 2), c))
            top, bottom = [chunk[0]], [chunk[1]]
            if cut - gap - start >= _needed(top, norms, fps) and end - cut >= _needed(
                bottom, norms, fps
            ):
                cues.append(_Cue(start, cut, top, line.id, (first, last)))
                cues.append(_Cue(cut, end, bottom, line.id, (first, last)))
                continue
        cues.append(_Cue(start, end, chunk, line.id, (first, last)))
    return cues


def _time(cues: list[_Cue], cuts: list[int], norms: SubtitleNorms, fps: float) -> None:
    """Final in- and out-times, in order: in-times strictly increasing, each out-time grown
    into the silence after it (to be read, to a nearby shot change, to close a small gap)
    but never past the longest duration or closer than the gap to the next event, and
    trimmed back to a shot change it would cross where it can still be read."""
    gap, snap = norms.min_gap_frames, max(1, round(fps / 2))
    red = max(1, round(fps * 7 / 24))
    longest = _max_frames(norms, fps)
    for i in range(1, len(cues)):  # overlapping speeches: the later waits a frame at least
        cues[i].start = max(cues[i].start, cues[i - 1].start + 1)
    # An in-time 7 frames or less before a shot change moves onto it (Netflix's red zone),
    # rather than flash across it, when it still has its minimum duration there. Done last
    # to first, so each sees where the next one finally starts.
    for i in reversed(range(len(cues))):
        cue = cues[i]
        room = cues[i + 1].start - gap if i + 1 < len(cues) else None
        crosses_at = max(cue.end, cue.start + _needed(cue.lines, norms, fps))
        for cut in cuts:
            if (
                cue.start < cut <= cue.start + red
                and cut < crosses_at
                and (room is None or cut + _min_frames(norms, fps) <= room)
            ):
                cue.start = cut
                cue.end = max(cue.end, cut + 1)
                break
    for i, cue in enumerate(cues):
        after = cues[i + 1].start if i + 1 < len(cues) else None
        needed = _needed(cue.lines, norms, fps)

        def limit_from(start: int, after: int | None = after) -> int:
            return start + longest if after is None else min(start + longest, after - gap)

        start, limit = cue.start, limit_from(cue.start)
        desired = max(cue.end, start + needed)
        # Close a gap of half a second or less to the next event, unless a cut lies in it.
        if (
            after is not None
            and 0 < after - gap - desired <= snap
            and not any(desired <= c < after for c in cuts)
        ):
            desired = after - gap
        # An out-time near a shot change goes to two frames before it, where it still
        # can be read and does not run into the next event.
        near = [
            c - gap
            for c in cuts
            if abs(c - gap - desired) <= snap and c - gap - start >= needed and c - gap <= limit
        ]
        if near:
            desired = min(near, key=lambda o: (abs(o - desired), o))
        end = min(desired, limit)
        if end < desired:
            cue.held = "max" if end == start + longest else "next"
        if end <= start:
            end = start + 1  # `after` is past `start`, so the event still ends before it
        # A shot change still crossed: end two frames before it if the text can be read.
        for cut in cuts:
            if start < cut < end and cut - gap - start >= needed:
                end = cut - gap
                break
        cue.end = end


# --- problems ------------------------------------------------------------------------------


def _shot_at(frame: int, shots: list[Shot]) -> str:
    """The shot showing `frame` (the nearest before it, in a hole between shots)."""
    found = ""
    for shot in sorted(shots, key=lambda s: (s.record_in, s.id)):
        if shot.record_in <= frame < shot.record_out:
            return shot.id
        if shot.record_in <= frame or not found:
            found = shot.id
    return found


def _cuts(shots: list[Shot]) -> list[int]:
    """The shot changes: every shot edge inside the cut."""
    if not shots:
        return []
    first = min(s.record_in for s in shots)
    final = max(s.record_out for s in shots)
    edges = {s.record_in for s in shots} | {s.record_out for s in shots}
    return sorted(e for e in edges if first < e < final)


def _secs(value: float, other: float) -> str:
    """A duration for a message: tenths, or hundredths where tenths would hide a difference."""
    return f"{value:.1f}" if f"{value:.1f}" != f"{other:.1f}" else f"{value:.2f}"


def _explain(
    cues: list[_Cue], shots: list[Shot], norms: SubtitleNorms, fps: float
) -> list[SubtitleProblem]:
    """The producer's own account of every norm its events still break, and why."""
    cuts = _cuts(shots)
    gap = norms.min_gap_frames
    problems: list[SubtitleProblem] = []
    for i, cue in enumerate(cues):
        shot = _shot_at(cue.start, shots)
        frames = cue.end - cue.start
        shown = frames / fps
        after = cues[i + 1].start if i + 1 < len(cues) else None
        why = {
            "next": f"the next subtitle starts {(after or 0) - cue.start} frames after it",
            "max": f"it may stay up {norms.max_duration_s:g} s at most",
        }.get(cue.held, f"the speech lasts {(cue.speech[1] - cue.speech[0]) / fps:.1f} s")

        def add(rule: str, message: str, cue: _Cue = cue, index: int = i, shot: str = shot) -> None:
            problems.append(
                SubtitleProblem(
                    source=cue.source, event=index, rule=rule, shot=shot, message=message
                )
            )

        if len(cue.lines) > norms.max_lines:
            add(
                "lines",
                f"line {cue.source} in shot {shot} needs {len(cue.lines)} lines "
                f"(at most {norms.max_lines}): a word too long to break",
            )
        widest = max(cue.lines, key=len, default="")
        if len(widest) > norms.max_chars_per_line:
            add(
                "chars_per_line",
                f"line {cue.source} in shot {shot}: '{widest[:20]}…' is {len(widest)} characters "
                f"on one line (at most {norms.max_chars_per_line}) and has no place to break",
            )
        chars = _chars(cue.lines)
        if frames < _reading_frames(chars, norms, fps):
            need = chars / norms.max_chars_per_second
            add(
                "reading_speed",
                f"{_secs(shown, need)} s of speech in shot {shot} needs {_secs(need, shown)} s "
                f"at {norms.max_chars_per_second:g} chars/s ({chars} characters of line "
                f"{cue.source}; {why})",
            )
        if frames < _min_frames(norms, fps):
            add(
                "min_duration",
                f"{_secs(shown, norms.min_duration_s)} s of line {cue.source} in shot {shot} is "
                f"under the {norms.min_duration_s:.2f} s minimum ({why})",
            )
        if frames > _max_frames(norms, fps):
            add(
                "max_duration",
                f"line {cue.source} in shot {shot} stays up {shown:.2f} s "
                f"(at most {norms.max_duration_s:g} s)",
            )
        if after is not None and after - cue.end < gap:
            add(
                "gap",
                f"line {cue.source} in shot {shot} ends {after - cue.end} frames before the next "
                f"subtitle (at least {gap}): the next starts {after - cue.start} frames after it",
            )
        crossed = [c for c in cuts if cue.start < c < cue.end]
        if crossed:
            add(
                "shot_change",
                f"line {cue.source} runs from shot {shot} across the cut into shot "
                f"{_shot_at(crossed[0], shots)}: ending at the cut would leave "
                f"{(crossed[0] - gap - cue.start) / fps:.2f} s for "
                f"{_needed(cue.lines, norms, fps) / fps:.2f} s of reading",
            )
    return problems


# --- the track -----------------------------------------------------------------------------


def subtitle_track(
    lines: list[DialogueLine],
    shots: list[Shot],
    fps: float,
    language: str,
    texts: dict[str, str] | None = None,
) -> SubtitleTrack:
    """Segment and time every speech, and report each norm an event could not keep.

    A speech's text is `line.text`, or `texts[line.id]` for a translation (a line missing
    from `texts`, or with no words, is left out). The events are in order, never overlap,
    and each one that still breaks a norm (a speech too fast or too short for its shot, a
    shot change it must cross) is in `problems` with its rule, shot and reason."""
    norms = norms_for(language)
    cjk = _is_cjk(language)
    cuts = _cuts(shots)
    cues: list[_Cue] = []
    for line in sorted(lines, key=lambda item: (item.record_in, item.record_out, item.id)):
        text = line.text if texts is None else texts.get(line.id, "")
        cues += _place_speech(line, " ".join(text.split()), cuts, norms, fps, cjk)
    cues.sort(key=lambda c: c.start)  # stable: a speech's chunks keep their order
    _time(cues, cuts, norms, fps)
    events = [SubtitleEvent(start=c.start, end=c.end, lines=c.lines, source=c.source) for c in cues]
    problems = _explain(cues, shots, norms, fps)
    return SubtitleTrack(language=language, fps=fps, events=events, problems=problems)


def check_track(
    track: SubtitleTrack, shots: list[Shot], norms: SubtitleNorms
) -> list[SubtitleProblem]:
    """Every norm each event of a finished track breaks, checked from its times and text
    alone (no knowledge of how it was made): characters a line, lines, reading speed,
    shortest and longest duration, the gap to the next event, crossing a shot change."""
    fps = track.fps
    cuts = _cuts(shots)
    problems: list[SubtitleProblem] = []
    for i, event in enumerate(track.events):
        shot = _shot_at(event.start, shots)
        seconds = (event.end - event.start) / fps
        chars = sum(len(line) for line in event.lines)
        found: list[tuple[str, str]] = []
        if len(event.lines) > norms.max_lines:
            found.append(("lines", f"{len(event.lines)} lines (at most {norms.max_lines})"))
        widest = max((len(line) for line in event.lines), default=0)
        if widest > norms.max_chars_per_line:
            found.append(
                (
                    "chars_per_line",
                    f"{widest} characters a line (at most {norms.max_chars_per_line})",
                )
            )
        if seconds <= 0 or chars / seconds > norms.max_chars_per_second + 1e-6:
            found.append(
                (
                    "reading_speed",
                    f"{chars} characters in {seconds:.2f} s "
                    f"(at most {norms.max_chars_per_second:g} a second)",
                )
            )
        if seconds < norms.min_duration_s - 1e-9:
            found.append(("min_duration", f"{seconds:.2f} s (at least {norms.min_duration_s:.2f})"))
        if seconds > norms.max_duration_s + 1e-9:
            found.append(("max_duration", f"{seconds:.2f} s (at most {norms.max_duration_s:g})"))
        if i + 1 < len(track.events):
            gap = track.events[i + 1].start - event.end
            if gap < norms.min_gap_frames:
                found.append(("gap", f"{gap} frames to the next (at least {norms.min_gap_frames})"))
        crossed = [c for c in cuts if event.start < c < event.end]
        if crossed:
            found.append(("shot_change", f"crosses the cut at frame {crossed[0]}"))
        problems += [
            SubtitleProblem(
                source=event.source,
                event=i,
                rule=rule,
                shot=shot,
                message=f"event {i + 1} (line {event.source}, shot {shot}): {message}",
            )
            for rule, message in found
        ]
    return problems


# --- writers -------------------------------------------------------------------------------


def _clock(frame: int, fps: float, separator: str) -> str:
    """HH:MM:SS + separator + mmm: frame / fps seconds, rounded to the millisecond."""
    ms = round(frame / fps * 1000)
    seconds, ms = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{ms:03d}"


def to_srt(track: SubtitleTrack) -> str:
    """SubRip: 1-based cue numbers, HH:MM:SS,mmm --> HH:MM:SS,mmm, the lines, a blank line."""
    cues = [
        f"{n}\n{_clock(e.start, track.fps, ',')} --> {_clock(e.end, track.fps, ',')}\n"
        + "\n".join(e.lines)
        + "\n"
        for n, e in enumerate(track.events, 1)
    ]
    return "\n".join(cues)


def _vtt_text(line: str) -> str:
    # WebVTT cue text is markup: '&', '<' and '>' are written as character references, and
    # "-->" may not appear in it.
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_webvtt(track: SubtitleTrack) -> str:
    """WebVTT (W3C): the header, then cues with HH:MM:SS.mmm times, text escaped."""
    cues = [
        f"{_clock(e.start, track.fps, '.')} --> {_clock(e.end, track.fps, '.')}\n"
        + "\n".join(_vtt_text(line) for line in e.lines)
        + "\n"
        for e in track.events
    ]
    return "WEBVTT\n\n" + "\n".join(cues)


def _frame_rate(fps: float) -> tuple[str, str | None]:
    """ttp:frameRate (an integer) and ttp:frameRateMultiplier: 23.976 is 24 × 1000/1001."""
    nominal = max(1, round(fps))
    if abs(fps - nominal) < 1e-6:
        return str(nominal), None
    if abs(fps - nominal * 1000 / 1001) < 5e-3:
        return str(nominal), "1000 1001"
    ratio = Fraction(fps / nominal).limit_denominator(1000)
    return str(nominal), f"{ratio.numerator} {ratio.denominator}"


def to_imsc(track: SubtitleTrack) -> str:
    """IMSC 1.1 Text Profile (W3C TTML): one style, a region at the bottom, media time as
    HH:MM:SS.mmm clock times, the lines of an event joined by <br/>."""
    t, p, s, x = (f"{{{ns}}}" for ns in (TTML_NS, TTP_NS, TTS_NS, XML_NS))
    rate, multiplier = _frame_rate(track.fps)
    root = ET.Element(
        f"{t}tt",
        {
            f"{x}lang": track.language,
            f"{p}profile": IMSC_TEXT_PROFILE,
            f"{p}timeBase": "media",
            f"{p}frameRate": rate,
        },
    )
    if multiplier:
        root.set(f"{p}frameRateMultiplier", multiplier)
    head = ET.SubElement(root, f"{t}head")
    styling = ET.SubElement(head, f"{t}styling")
    ET.SubElement(
        styling,
        f"{t}style",
        {
            f"{x}id": "normal",
            f"{s}color": "white",
            f"{s}backgroundColor": "rgba(0,0,0,0.6)",
            f"{s}textAlign": "center",
            f"{s}fontFamily": "proportionalSansSerif",
        },
    )
    layout = ET.SubElement(head, f"{t}layout")
    ET.SubElement(
        layout,
        f"{t}region",
        {
            f"{x}id": "bottom",
            f"{s}origin": "10% 80%",
            f"{s}extent": "80% 15%",
            f"{s}displayAlign": "after",
        },
    )
    body = ET.SubElement(root, f"{t}body", {"style": "normal", "region": "bottom"})
    div = ET.SubElement(body, f"{t}div")
    for event in track.events:
        para = ET.SubElement(
            div,
            f"{t}p",
            {
                "begin": _clock(event.start, track.fps, "."),
                "end": _clock(event.end, track.fps, "."),
            },
        )
        para.text = event.lines[0] if event.lines else ""
        for line in event.lines[1:]:
            ET.SubElement(para, f"{t}br").tail = line
    ET.indent(root, space=" ")  # p's text is never whitespace, so only layout is indented
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
