"""The library folder: content-addressed objects and an SQLite index of their records.

```
library/
  library.db                    the index: one row per asset name (table `assets`)
  objects/<sha[:2]>/<sha>.<ext> the bytes, stored once however many names share them
```

An asset's bytes are checked before they are stored: a glTF must load with pygltflib and
hold whole buffers, a USD layer must open with OpenUSD, and neither may refer to files
outside itself, since only the one file is copied in (a .glb or .usdz packs everything).
Objects are written to a temporary file and renamed into place; index writes are SQLite
transactions, and an object is in place before the row that names it is committed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import sqlite3
import struct
import tempfile
import urllib.parse
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from backlot.assets import spdx
from backlot.assets.models import (
    GENERATED_SOURCE_TYPE,
    IMPORTED_SOURCE_TYPE,
    AssetFormat,
    AssetKind,
    AssetRecord,
    utc_timestamp,
)
from backlot.errors import BacklotError

LIBRARY_DIR = "library"
DB_FILE = "library.db"
OBJECTS_DIR = "objects"
SCHEMA_VERSION = 1
GENERATED_LICENSE = "CC0-1.0"

# `.usd` may hold either encoding; it is stored under the one its bytes are in.
_SUFFIXES = {
    ".glb": AssetFormat.GLB,
    ".gltf": AssetFormat.GLTF,
    ".usda": AssetFormat.USDA,
    ".usdc": AssetFormat.USDC,
    ".usdz": AssetFormat.USDZ,
    ".usd": None,
}
_USDC_MAGIC = b"PXR-USDC"
_GLTF_FORMATS = (AssetFormat.GLB, AssetFormat.GLTF)

_COLUMNS = tuple(AssetRecord.model_fields)
_JSON_COLUMNS = frozenset({"parameters", "scenes"})
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM assets"
_INSERT = (
    f"INSERT OR REPLACE INTO assets ({', '.join(_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(_COLUMNS))})"
)
# An id prefix shorter than this is too likely to be a typo that matches by chance.
_MIN_ID_PREFIX = 8

_SCHEMA = f"""
BEGIN IMMEDIATE;
CREATE TABLE IF NOT EXISTS assets (
    name TEXT PRIMARY KEY,
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    format TEXT NOT NULL,
    generator TEXT,
    parameters TEXT NOT NULL,
    source_file TEXT,
    license TEXT NOT NULL,
    license_uri TEXT NOT NULL,
    author TEXT,
    digital_source_type TEXT NOT NULL,
    created TEXT NOT NULL,
    scenes TEXT NOT NULL,
    size_bytes INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS assets_by_id ON assets (id);
PRAGMA user_version = {SCHEMA_VERSION};
COMMIT;
"""


class Library:
    """An asset library folder; the index is created on the first write."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.db_path = root / DB_FILE
        self.objects = root / OBJECTS_DIR

    @classmethod
    def for_project(cls, project_root: Path) -> Library:
        """The library of a film folder: `<project>/library/`."""
        return cls(project_root / LIBRARY_DIR)

    def import_file(
        self,
        path: Path,
        license: str | None,
        name: str | None = None,
        author: str | None = None,
        kind: str = AssetKind.OTHER,
        digital_source_type: str = IMPORTED_SOURCE_TYPE,
        license_uri: str | None = None,
    ) -> AssetRecord:
        """Copy a glTF/GLB or USD file into the library under `name` (default: the file's stem).

        The licence is required: an SPDX id, or LicenseRef-<name> with `license_uri`. The
        digital source type defaults to digitalArt (made by a person with digital tools), the
        usual origin of a modelled asset; pass digitalCapture for a scan, trainedAlgorithmicMedia
        for an AI-made mesh. Content already in the library is not stored twice: importing it
        again returns its record unchanged, and naming it differently is refused.
        """
        if not license or not license.strip():
            raise BacklotError(
                f"refusing to import {path} without a licence: pass --license SPDX-ID"
            )
        spdx_id = spdx.validate_license(license)
        uri = license_uri or spdx.license_uri(spdx_id)
        fmt = _format_of(path)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise BacklotError(f"cannot read the file: {error.strerror}", path=path) from error
        if fmt is None:
            fmt = AssetFormat.USDC if data.startswith(_USDC_MAGIC) else AssetFormat.USDA
        sha = hashlib.sha256(data).hexdigest()
        record = _record(
            id=sha,
            name=path.stem if name is None else name,
            kind=kind,
            format=fmt,
            source_file=path.name,
            license=spdx_id,
            license_uri=uri,
            author=author,
            digital_source_type=digital_source_type,
            created=utc_timestamp(),
            size_bytes=len(data),
        )
        with self._staged(data, record) as staged:
            _validate(data, staged, fmt, path)
            with self._connect() as db:
                same_name = _one(db, "WHERE name = ?", record.name)
                if same_name is not None:
                    if same_name.id == sha:
                        return same_name
                    raise BacklotError(
                        f"a library asset named {record.name!r} already has different content: "
                        "choose another name with --name",
                        path=path,
                    )
                same_content = _one(db, "WHERE id = ? ORDER BY name", sha)
                if same_content is not None:
                    if name is None:
                        return same_content
                    raise BacklotError(
                        f"this content is already in the library as {same_content.name!r}",
                        path=path,
                    )
                os.replace(staged, self.path_of(record))
                _write(db, record)
        return record

    def add_generated(
        self,
        name: str,
        kind: str,
        data: bytes,
        fmt: str,
        generator: str,
        parameters: dict[str, Any],
        scenes: list[str],
        created: str,
        license: str = GENERATED_LICENSE,
        author: str | None = None,
    ) -> AssetRecord:
        """Store an asset a backlot builder made (algorithmicMedia), replacing `name`'s record.

        `created` is passed in, not read from the clock, so a rebuild writes the same record.
        An imported asset of the same name is never replaced: it carries rights a generator
        cannot restate.
        """
        spdx_id = spdx.validate_license(license)
        record = _record(
            id=hashlib.sha256(data).hexdigest(),
            name=name,
            kind=kind,
            format=fmt,
            generator=generator,
            parameters=parameters,
            license=spdx_id,
            license_uri=spdx.license_uri(spdx_id),
            author=author,
            digital_source_type=GENERATED_SOURCE_TYPE,
            created=created,
            scenes=_unique(scenes),
            size_bytes=len(data),
        )
        label = f"generated asset {record.name}"
        with self._staged(data, record) as staged:
            _validate(data, staged, record.format, label)
            with self._connect() as db:
                existing = _one(db, "WHERE name = ?", record.name)
                if existing == record:
                    return existing
                if existing is not None and existing.generator is None:
                    raise BacklotError(
                        f"{record.name!r} is an imported library asset; a generated asset "
                        "cannot replace it"
                    )
                os.replace(staged, self.path_of(record))
                _write(db, record)
        return record

    def get(self, name_or_id: str) -> AssetRecord | None:
        """The asset named so, else the one whose id is or starts with it (8+ hex digits)."""
        if not self.db_path.is_file():
            return None
        key = name_or_id.strip()
        with self._connect(write=False) as db:
            found = _one(db, "WHERE name = ?", key)
            if found is not None or len(key) < _MIN_ID_PREFIX:
                return found
            matches = _many(db, "WHERE substr(id, 1, ?) = ? ORDER BY name", len(key), key.lower())
        if len({record.id for record in matches}) > 1:
            raise BacklotError(
                f"id prefix {key!r} matches several library assets: give more digits"
            )
        return matches[0] if matches else None

    def list(self, kind: str | None = None) -> list[AssetRecord]:
        """The library's assets, of one kind if given, sorted by name."""
        if kind is not None:
            kind = _kind(kind)
        if not self.db_path.is_file():
            return []
        with self._connect(write=False) as db:
            if kind is None:
                return _many(db, "ORDER BY name")
            return _many(db, "WHERE kind = ? ORDER BY name", kind)

    def path_of(self, record: AssetRecord) -> Path:
        """Where the record's bytes are stored."""
        return self.objects / record.id[:2] / f"{record.id}.{record.format}"

    def set_scenes(self, name: str, scenes: list[str]) -> AssetRecord:
        """Record which scenes use the asset `name`; returns the updated record."""
        with self._connect() as db:
            existing = _one(db, "WHERE name = ?", name)
            if existing is None:
                raise BacklotError(f"no library asset named {name!r}", path=self.db_path)
            record = existing.model_copy(update={"scenes": _unique(scenes)})
            _write(db, record)
        return record

    @contextmanager
    def _staged(self, data: bytes, record: AssetRecord) -> Iterator[Path]:
        """The bytes in a temporary file beside their object path, removed unless renamed.

        Not `atomic_write`: the bytes are validated in this file before they are renamed into
        place, so what is checked is exactly what is stored. OpenUSD picks the reader by
        extension, hence the suffix.
        """
        folder = self.path_of(record).parent
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=folder, prefix=f".{record.id}.", suffix=f".{record.format}")
        staged = Path(name)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            yield staged
        finally:
            staged.unlink(missing_ok=True)

    @contextmanager
    def _connect(self, write: bool = True) -> Iterator[sqlite3.Connection]:
        """A connection; with `write`, inside one transaction that holds the write lock.

        BEGIN IMMEDIATE takes the lock before the checks that precede an insert, so two
        imports of the same name cannot both pass them.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            db = sqlite3.connect(self.db_path, isolation_level=None, timeout=30)
        except sqlite3.Error as error:
            raise BacklotError(
                f"cannot open the library index: {error}", path=self.db_path
            ) from error
        try:
            _ensure_schema(db, self.db_path)
            if write:
                db.execute("BEGIN IMMEDIATE")
            yield db
            if db.in_transaction:
                db.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise BacklotError(
                f"the library index is unreadable: {error}", path=self.db_path
            ) from error
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        finally:
            db.close()


def _ensure_schema(db: sqlite3.Connection, db_path: Path) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise BacklotError(
            f"the library index has schema version {version}; this backlot reads up to "
            f"{SCHEMA_VERSION}: upgrade backlot",
            path=db_path,
        )
    if version < SCHEMA_VERSION:
        db.executescript(_SCHEMA)


def _record(**fields: Any) -> AssetRecord:
    """A validated record; a bad field (kind, name, source type…) becomes a BacklotError."""
    try:
        return AssetRecord.model_validate(fields)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise BacklotError(
            f"bad asset {where}: {first['msg'].removeprefix('Value error, ')}"
        ) from error


def _kind(kind: str) -> AssetKind:
    try:
        return AssetKind(kind)
    except ValueError as error:
        kinds = ", ".join(k.value for k in AssetKind)
        raise BacklotError(f"unknown asset kind {kind!r}: one of {kinds}") from error


def _unique(items: list[str]) -> list[str]:
    """`items` without repeats, in their first order."""
    return list(dict.fromkeys(items))


def _format_of(path: Path) -> AssetFormat | None:
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        raise BacklotError(
            "not a glTF or USD asset: expected a .glb, .gltf, .usda, .usdc, .usdz or .usd file",
            path=path,
        )
    return _SUFFIXES[suffix]


def _write(db: sqlite3.Connection, record: AssetRecord) -> None:
    row = record.model_dump(mode="json")
    db.execute(
        _INSERT,
        [json.dumps(row[c], sort_keys=True) if c in _JSON_COLUMNS else row[c] for c in _COLUMNS],
    )


def _many(db: sqlite3.Connection, where: str, *args: object) -> list[AssetRecord]:
    records = []
    for row in db.execute(f"{_SELECT} {where}", args):
        fields = dict(zip(_COLUMNS, row, strict=True))
        try:
            for column in _JSON_COLUMNS:
                fields[column] = json.loads(fields[column])
            records.append(AssetRecord.model_validate(fields))
        except (ValueError, TypeError) as error:
            # A row edited by hand or by another tool; ValidationError is a ValueError.
            raise sqlite3.DatabaseError(f"bad record {fields['name']!r}") from error
    return records


def _one(db: sqlite3.Connection, where: str, *args: object) -> AssetRecord | None:
    records = _many(db, f"{where} LIMIT 1", *args)
    return records[0] if records else None


def _validate(data: bytes, staged: Path, fmt: AssetFormat, label: str | Path) -> None:
    """BacklotError naming `label` unless the bytes are a self-contained asset of `fmt`."""
    try:
        if fmt in _GLTF_FORMATS:
            _check_gltf(data, fmt)
        else:
            _check_usd(staged)
    except ValueError as error:
        raise BacklotError(f"not a valid {fmt} asset: {error}", path=label) from error


def _check_gltf(data: bytes, fmt: AssetFormat) -> None:
    """ValueError unless `data` is glTF 2.0 that pygltflib loads, whole and self-contained."""
    # Imported here, as is pxr below: listing the library should not pay for either.
    from pygltflib import GLTF2

    if fmt is AssetFormat.GLB:
        json_bytes, bin_length = _glb_chunks(data)
    else:
        json_bytes, bin_length = data, 0
    try:
        document = json.loads(json_bytes)
    except (ValueError, RecursionError) as error:
        raise ValueError("its JSON does not parse") from error
    asset = document.get("asset") if isinstance(document, dict) else None
    if not isinstance(asset, dict) or not str(asset.get("version", "")).startswith("2."):
        raise ValueError("it does not declare glTF version 2.x")
    try:
        # pygltflib warns (rather than fails) on what it skips; its own errors vary by field.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if fmt is AssetFormat.GLB:
                gltf = GLTF2.load_from_bytes(data)
            else:
                gltf = GLTF2.gltf_from_json(json_bytes.decode("utf-8"))
    except Exception as error:
        raise ValueError(f"pygltflib cannot load it ({type(error).__name__})") from error
    if not gltf.meshes and not gltf.materials:
        raise ValueError("it holds no meshes or materials")
    lengths = []
    for index, buffer in enumerate(gltf.buffers):
        if buffer.uri is None:
            available = bin_length if index == 0 else 0
        else:
            available = _data_uri_length(buffer.uri)
        if buffer.byteLength is None or not 0 <= buffer.byteLength <= available:
            raise ValueError(f"buffer {index} does not hold the bytes it declares")
        lengths.append(buffer.byteLength)
    for index, view in enumerate(gltf.bufferViews):
        start, size = view.byteOffset or 0, view.byteLength or 0
        if (
            view.buffer not in range(len(lengths))
            or min(start, size) < 0
            or start + size > lengths[view.buffer]
        ):
            raise ValueError(f"bufferView {index} lies outside its buffer")
    for image in gltf.images:
        if image.uri is not None:
            _data_uri_length(image.uri)  # refuses an image in another file


def _glb_chunks(data: bytes) -> tuple[bytes, int]:
    """The JSON chunk and the BIN chunk's length of a GLB, whose layout must be whole.

    pygltflib reads past a truncated file without complaint, so the header's length and
    each chunk's bounds are checked here.
    """
    if len(data) < 20 or data[:4] != b"glTF":
        raise ValueError("it has no GLB header")
    version, length = struct.unpack_from("<II", data, 4)
    if version != 2:
        raise ValueError(f"it is GLB version {version}, not 2")
    if length != len(data):
        raise ValueError(f"its header says {length} bytes but it has {len(data)} (truncated?)")
    chunks: list[tuple[bytes, int, int]] = []
    offset = 12
    while offset < length:
        if offset + 8 > length:
            raise ValueError("it ends inside a chunk header")
        chunk_length, chunk_type = struct.unpack_from("<I4s", data, offset)
        offset += 8
        if offset + chunk_length > length:
            raise ValueError("a chunk runs past the end of the file")
        chunks.append((chunk_type, offset, chunk_length))
        offset += chunk_length
    if not chunks or chunks[0][0] != b"JSON":
        raise ValueError("its first chunk is not JSON")
    _, start, size = chunks[0]
    bin_length = next((n for kind, _, n in chunks[1:] if kind == b"BIN\x00"), 0)
    return data[start : start + size], bin_length


def _data_uri_length(uri: str) -> int:
    """The decoded length of a data: URI; ValueError for a URI naming another file."""
    if not uri.startswith("data:"):
        raise ValueError(f"it refers to another file ({uri}): pack it as a .glb or embed the data")
    header, _, payload = uri.partition(",")
    if header.endswith(";base64"):
        try:
            return len(base64.b64decode(payload, validate=True))
        except binascii.Error as error:
            raise ValueError("a data: URI is not valid base64") from error
    return len(urllib.parse.unquote_to_bytes(payload))


def _check_usd(staged: Path) -> None:
    """ValueError unless OpenUSD opens `staged`, finds prims, and needs no other file."""
    from pxr import Tf, Usd, UsdUtils

    try:
        stage = Usd.Stage.Open(str(staged))
    except Tf.ErrorException as error:
        raise ValueError("OpenUSD cannot open it") from error
    if stage is None:
        raise ValueError("OpenUSD cannot open it")
    if not stage.GetPseudoRoot().GetChildren():
        raise ValueError("it holds no prims")
    layers, assets, unresolved = UsdUtils.ComputeAllDependencies(str(staged))
    root = str(staged.resolve())

    def inside(identifier: str) -> bool:
        # A file packed in a .usdz is named "<package>[<file>]".
        return identifier == root or identifier.startswith(f"{root}[")

    outside = [*unresolved]
    outside += [layer.identifier for layer in layers if not inside(layer.identifier)]
    outside += [asset for asset in assets if not inside(asset)]
    if outside:
        names = ", ".join(sorted({Path(item).name for item in outside}))
        raise ValueError(f"it refers to other files ({names}): package it as a .usdz")
