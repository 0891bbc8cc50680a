"""The asset record: what the library knows about one stored asset.

Field names are an interface: the library index (`library.db`), `backlot assets show` and
`[world].assets` in backlot.toml (which names library assets by `name`) read them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

DIGITAL_SOURCE_TYPE_BASE = "http://cv.iptc.org/newscodes/digitalsourcetype/"

# The IPTC Digital Source Type vocabulary's current (not retired) terms, as released
# 2024-10-23; a record stores DIGITAL_SOURCE_TYPE_BASE + term.
DIGITAL_SOURCE_TYPES: tuple[str, ...] = (
    "digitalCapture",
    "computationalCapture",
    "negativeFilm",
    "positiveFilm",
    "print",
    "humanEdits",
    "algorithmicallyEnhanced",
    "digitalArt",
    "dataDrivenMedia",
    "trainedAlgorithmicMedia",
    "algorithmicMedia",
    "screenCapture",
    "virtualRecording",
    "composite",
    "compositeCapture",
    "compositeSynthetic",
    "compositeWithTrainedAlgorithmicMedia",
)

# Made by a program from a formula and parameters, with no training data: backlot's builders.
GENERATED_SOURCE_TYPE = DIGITAL_SOURCE_TYPE_BASE + "algorithmicMedia"
# Made by a person with digital tools: what a modelled glTF or USD asset usually is. A scan
# (digitalCapture) or an AI-made mesh (trainedAlgorithmicMedia) says so at import.
IMPORTED_SOURCE_TYPE = DIGITAL_SOURCE_TYPE_BASE + "digitalArt"

_SHA256 = re.compile(r"[0-9a-f]{64}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def digital_source_type_uri(value: str) -> str:
    """The vocabulary URI for a term or a URI of it; ValueError for anything else."""
    term = value.strip().removeprefix(DIGITAL_SOURCE_TYPE_BASE)
    if term not in DIGITAL_SOURCE_TYPES:
        raise ValueError(
            f"unknown IPTC digital source type {value!r}: one of {', '.join(DIGITAL_SOURCE_TYPES)}"
        )
    return DIGITAL_SOURCE_TYPE_BASE + term


def utc_timestamp(moment: datetime | None = None) -> str:
    """`moment` (default: now) as ISO 8601 UTC to the second, e.g. 2027-06-01T09:00:00Z."""
    moment = moment or datetime.now(UTC)
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class AssetKind(StrEnum):
    """What an asset is for in a world."""

    SET = "set"
    CHARACTER = "character"
    PROP = "prop"
    MATERIAL = "material"
    OTHER = "other"


class AssetFormat(StrEnum):
    """The file format of the stored bytes; also the stored object's extension."""

    GLB = "glb"
    GLTF = "gltf"
    USDA = "usda"
    USDC = "usdc"
    USDZ = "usdz"


class AssetRecord(BaseModel):
    """One library asset: its content id, what it is, where it came from and its rights."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="SHA-256 of the stored bytes, lowercase hex.")
    name: str = Field(description="Unique in a library; how backlot.toml refers to the asset.")
    kind: AssetKind = AssetKind.OTHER
    format: AssetFormat
    generator: str | None = Field(
        default=None,
        description="The builder that made it (e.g. backlot.world.build); null if imported.",
    )
    parameters: dict[str, Any] = Field(
        default_factory=dict, description="The generator's parameters (JSON values)."
    )
    source_file: str | None = Field(
        default=None, description="The imported file's name; null for generated assets."
    )
    license: str = Field(description="SPDX licence id, or LicenseRef-<name> for a custom one.")
    license_uri: str = Field(description="Where the licence text is.")
    author: str | None = None
    digital_source_type: str = Field(
        description="How it was made: an IPTC Digital Source Type URI (a bare term is accepted)."
    )
    created: str = Field(description="When it entered the library, ISO 8601 UTC.")
    scenes: list[str] = Field(default_factory=list, description="Scene numbers that use it.")
    size_bytes: int = Field(ge=0)

    @field_validator("id")
    @classmethod
    def _sha256(cls, value: str) -> str:
        if not _SHA256.fullmatch(value):
            raise ValueError("id must be a SHA-256 in lowercase hex")
        return value

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = value.strip()
        if not value or len(value) > 200 or _CONTROL.search(value):
            raise ValueError("name must be 1 to 200 printable characters")
        # get() looks assets up by name or id; a name shaped like an id would be ambiguous.
        if _SHA256.fullmatch(value):
            raise ValueError("name must not look like a SHA-256 id")
        return value

    @field_validator("digital_source_type")
    @classmethod
    def _source_type(cls, value: str) -> str:
        return digital_source_type_uri(value)

    @field_validator("created")
    @classmethod
    def _created(cls, value: str) -> str:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError(
                "created must be ISO 8601 with a UTC offset, e.g. 2027-06-01T09:00:00Z"
            )
        return utc_timestamp(moment)
