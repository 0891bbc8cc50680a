"""breakdown/: the Screenplay → a Breakdown (tags with evidence, tension, actions, schedule)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from backlot.breakdown.actions import find_actions
from backlot.breakdown.camera_directions import find_camera_directions
from backlot.breakdown.lexicon import load_lexicon
from backlot.breakdown.llm import LlmTagger, merge_tags
from backlot.breakdown.models import Breakdown, BreakdownConfig, SceneBreakdown
from backlot.breakdown.report import render_report
from backlot.breakdown.schedule import build_schedule, day_out_of_days
from backlot.breakdown.sheets import breakdown_csv, stripboard_csv
from backlot.breakdown.stats import cast_members, day_night, set_summaries
from backlot.breakdown.tagging import CastIndex, VehicleIndex, cue_speakers, tag_scene
from backlot.breakdown.tension import name_beats, scene_emotion, tension_curve
from backlot.fileio import atomic_write
from backlot.script.models import ElementType, Scene, Screenplay
from backlot.stage import Stage

if TYPE_CHECKING:
    from backlot.config import ProjectConfig

__all__ = ["STAGE", "Breakdown", "BreakdownConfig", "analyze"]

# A sentence ends at . ! or ?, but not at the period of a title before a name ("Dr. Bennett").
_TITLE_STOPS = ("Mr", "Mrs", "Ms", "Dr", "Jr", "Sr", "Prof", "Lt", "Sgt", "Capt", "Rev")
_FIRST_SENTENCE = re.compile(
    r"^\s*(.+?(?:[!?]|" + "".join(rf"(?<!\b{t})" for t in _TITLE_STOPS) + r"\.))(?:\s|$)",
    re.DOTALL | re.IGNORECASE,
)


def set_name(scene: Scene) -> str:
    """The set a scene is shot on, as a stripboard labels it: 'INT. TAXI'."""
    place = " ".join(scene.location.upper().split()) or scene.heading.upper()
    return f"{scene.int_ext}. {place}" if scene.int_ext else place


def _synopsis(scene: Scene) -> str:
    for element in scene.elements[1:]:
        if element.type is ElementType.ACTION:
            match = _FIRST_SENTENCE.match(element.text)
            text = match.group(1) if match else element.text
            return " ".join(text.split())[:160]
    return ""


def analyze(
    screenplay: Screenplay, config: BreakdownConfig, llm: LlmTagger | None = None
) -> Breakdown:
    """Break the script down; with `llm`, merge a language model's tags into the rules'."""
    lexicon = load_lexicon()
    cues = [c.name for c in screenplay.characters]
    # The cast is who speaks the cues: no crowd, and both of "EDWARD AND WILL".
    cast = CastIndex.from_names(list(dict.fromkeys(s for c in cues for s in cue_speakers(c, cues))))
    vehicles = VehicleIndex.of(screenplay.scenes, lexicon)
    rows: list[SceneBreakdown] = []
    scene_actions = []
    raw_tension = []
    previous = "DAY"
    for scene in screenplay.scenes:
        found = tag_scene(scene, cast, lexicon, vehicles)
        tags = found.tags
        if llm is not None:
            tags = merge_tags(tags, llm.tag_scene(scene))
        actions = find_actions(scene, cast)
        valence, arousal = scene_emotion(scene, actions)
        raw_tension.append(0.7 * arousal + 0.3 * max(0.0, -valence))
        scene_actions.append(actions)
        previous = day_night(scene.time_of_day, previous)
        rows.append(
            SceneBreakdown(
                number=scene.number,
                heading=scene.heading,
                int_ext=scene.int_ext,
                time_of_day=scene.time_of_day,
                day_night=previous,
                location=scene.location,
                sublocation=scene.sublocation,
                set=set_name(scene),
                line=scene.line,
                start_page=scene.start_page,
                eighths=scene.eighths or 1,
                synopsis=_synopsis(scene),
                tension=0.0,
                valence=round(valence, 4),
                arousal=arousal,
                cast=found.cast,
                tags=tags,
                actions=actions,
                camera_directions=find_camera_directions(scene),
            )
        )
    for row, value in zip(rows, tension_curve(raw_tension), strict=True):
        row.tension = value
    scene_cast = {row.number: row.cast for row in rows}
    members = cast_members(screenplay, scene_cast)
    schedule = build_schedule(rows, config)
    return Breakdown(
        title=screenplay.title,
        scenes=rows,
        cast=members,
        sets=set_summaries(rows),
        beats=name_beats([r.tension for r in rows], screenplay.scenes, scene_actions),
        schedule=schedule,
        day_out_of_days=day_out_of_days(schedule, scene_cast, [m.name for m in members], config),
    )


def run(screenplay: Screenplay, config: ProjectConfig) -> Breakdown:
    """The stage: rules always; the language model too when `[breakdown] llm_url` is set."""
    settings = config.breakdown
    llm = LlmTagger(settings.llm_url, settings.llm_model) if settings.llm_url else None
    return analyze(screenplay, settings, llm)


def export(breakdown: Breakdown, build_dir: Path, config: ProjectConfig, *_: object) -> list[Path]:
    """The producer's files: the HTML report and the CSV sheets."""
    written = {
        build_dir / "report.html": render_report(breakdown),
        build_dir / "breakdown.csv": breakdown_csv(breakdown),
        build_dir / "stripboard.csv": stripboard_csv(breakdown),
    }
    for path, text in written.items():
        atomic_write(path, text)
    return list(written)


STAGE = Stage(
    name="breakdown",
    version="6",
    model=Breakdown,
    run=run,
    inputs=("screenplay",),
    config_keys=("breakdown",),
    exports=export,
)
