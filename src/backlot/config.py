"""`backlot.toml`: the project's settings, one section per stage that has any."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from backlot.breakdown.models import BreakdownConfig
from backlot.camera.models import CameraConfig
from backlot.edit.models import CutConfig
from backlot.errors import BacklotError
from backlot.render.models import DialogueConfig, RenderConfig
from backlot.world.models import WorldConfig


class ProjectConfig(BaseModel):
    """`backlot.toml`: what the film is and where; stages read their own sections."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    fps: float = Field(default=24.0, description="Frames per second (24 or 23.976).")
    resolution: tuple[int, int] = (1920, 1080)
    latitude: float = Field(default=34.05, ge=-90, le=90, description="Where it is shot.")
    longitude: float = Field(default=-118.25, ge=-180, le=180)
    shoot_date: date = Field(
        default=date(2027, 6, 1), description="First shooting day (YYYY-MM-DD)."
    )
    timezone: str = Field(
        default="America/Los_Angeles", description="IANA time zone of the place, for clocks."
    )
    style: str | None = None
    seed: int = 0
    breakdown: BreakdownConfig = Field(default_factory=BreakdownConfig)
    world: WorldConfig = Field(default_factory=WorldConfig)
    camera: CameraConfig = Field(default_factory=CameraConfig)
    dialogue: DialogueConfig = Field(default_factory=DialogueConfig)
    render: RenderConfig = Field(default_factory=RenderConfig)
    cut: CutConfig = Field(default_factory=CutConfig)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (an IANA name: Europe/Paris)") from None
        return value

    root: Path | None = Field(
        default=None,
        exclude=True,
        description="The film's folder (set by the project, not the file): where library/ is.",
    )


def load_config(path: Path) -> ProjectConfig:
    """Read `backlot.toml`; a missing file means the defaults."""
    if not path.is_file():
        return ProjectConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BacklotError(f"invalid TOML ({exc})", path) from None
    return validate_config(data, str(path))


def validate_config(data: dict[str, Any], source: str) -> ProjectConfig:
    """Settings from `source` (a file, or the command line) as a config, or one clear error."""
    try:
        return ProjectConfig.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise BacklotError(f"{where}: {first['msg']}", source) from None
