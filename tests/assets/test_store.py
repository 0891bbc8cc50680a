"""The asset library: imports with rights, refusals, content addressing and the index."""

from __future__ import annotations

import base64
import hashlib
import sqlite3
import struct
from pathlib import Path

import pygltflib
import pytest
from pxr import Usd, UsdGeom, UsdUtils

from backlot.assets import spdx
from backlot.assets.models import (
    DIGITAL_SOURCE_TYPE_BASE,
    DIGITAL_SOURCE_TYPES,
    AssetRecord,
    digital_source_type_uri,
)
from backlot.assets.store import DB_FILE, LIBRARY_DIR, Library
from backlot.errors import BacklotError

CREATED = "2027-06-01T09:00:00Z"


def triangle_gltf(uri: str | None = None) -> pygltflib.GLTF2:
    """One triangle; its vertex buffer is the GLB's BIN chunk, or at `uri` when given."""
    points = struct.pack("<9f", 0, 0, 0, 1, 0, 0, 0, 1, 0)
    gltf = pygltflib.GLTF2(
        scene=0,
        scenes=[pygltflib.Scene(nodes=[0])],
        nodes=[pygltflib.Node(mesh=0)],
        meshes=[
            pygltflib.Mesh(
                primitives=[pygltflib.Primitive(attributes=pygltflib.Attributes(POSITION=0))]
            )
        ],
        accessors=[
            pygltflib.Accessor(
                bufferView=0,
                componentType=pygltflib.FLOAT,
                count=3,
                type=pygltflib.VEC3,
                max=[1.0, 1.0, 0.0],
                min=[0.0, 0.0, 0.0],
            )
        ],
        bufferViews=[
            pygltflib.BufferView(buffer=0, byteLength=len(points), target=pygltflib.ARRAY_BUFFER)
        ],
        buffers=[pygltflib.Buffer(byteLength=len(points), uri=uri)],
    )
    if uri is None:
        gltf.set_binary_blob(points)
    return gltf


def make_glb(path: Path) -> Path:
    path.write_bytes(b"".join(triangle_gltf().save_to_bytes()))
    return path


def make_usd(path: Path) -> Path:
    stage = Usd.Stage.CreateNew(str(path))
    UsdGeom.Cube.Define(stage, "/Cube")
    stage.GetRootLayer().Save()
    return path


@pytest.fixture
def library(tmp_path: Path) -> Library:
    return Library.for_project(tmp_path / "film")


@pytest.fixture
def glb(tmp_path: Path) -> Path:
    return make_glb(tmp_path / "chair.glb")


def one_line(error: pytest.ExceptionInfo[BacklotError]) -> str:
    message = str(error.value)
    assert "\n" not in message
    return message


def test_import_glb_records_rights_and_stores_bytes_by_hash(library: Library, glb: Path) -> None:
    record = library.import_file(glb, "cc-by-4.0", author="Ada", kind="prop")
    data = glb.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    assert record.id == sha
    assert record.name == "chair"
    assert record.kind == "prop"
    assert record.format == "glb"
    assert record.generator is None
    assert record.parameters == {}
    assert record.source_file == "chair.glb"
    assert record.license == "CC-BY-4.0"
    assert record.license_uri == "https://spdx.org/licenses/CC-BY-4.0.html"
    assert record.author == "Ada"
    assert record.digital_source_type == DIGITAL_SOURCE_TYPE_BASE + "digitalArt"
    assert record.created.endswith("Z")
    assert record.scenes == []
    assert record.size_bytes == len(data)
    stored = library.path_of(record)
    assert stored == library.root / "objects" / sha[:2] / f"{sha}.glb"
    assert stored.read_bytes() == data
    # Nothing but the object is left in its folder: the staging file was renamed or removed.
    assert list(stored.parent.iterdir()) == [stored]


@pytest.mark.parametrize("suffix", [".usda", ".usdc", ".usdz"])
def test_import_usd(library: Library, tmp_path: Path, suffix: str) -> None:
    source = make_usd(tmp_path / "cube.usda")
    if suffix == ".usdz":
        assert UsdUtils.CreateNewUsdzPackage(str(source), str(tmp_path / "cube.usdz"))
    elif suffix == ".usdc":
        Usd.Stage.Open(str(source)).Export(str(tmp_path / "cube.usdc"))
    path = tmp_path / f"cube{suffix}"
    record = library.import_file(path, "CC0-1.0", kind="set", digital_source_type="digitalCapture")
    assert record.format == suffix[1:]
    assert record.digital_source_type == DIGITAL_SOURCE_TYPE_BASE + "digitalCapture"
    assert library.path_of(record).read_bytes() == path.read_bytes()


def test_import_plain_usd_is_stored_as_its_encoding(library: Library, tmp_path: Path) -> None:
    source = make_usd(tmp_path / "cube.usda")
    plain = tmp_path / "cube.usd"
    plain.write_bytes(source.read_bytes())
    assert library.import_file(plain, "MIT").format == "usda"


@pytest.mark.parametrize("license", [None, "", "  "])
def test_refuses_import_without_licence(library: Library, glb: Path, license: str | None) -> None:
    with pytest.raises(BacklotError, match=r"without a licence: pass --license SPDX-ID") as error:
        library.import_file(glb, license)
    assert str(glb) in one_line(error)
    assert library.list() == []


def test_refuses_unknown_licence_suggesting_close_ids(library: Library, glb: Path) -> None:
    with pytest.raises(BacklotError, match=r"unknown SPDX licence id 'CC-BY-4'") as error:
        library.import_file(glb, "CC-BY-4")
    assert "CC-BY-4.0" in one_line(error)


def test_custom_licence_needs_its_uri(library: Library, glb: Path) -> None:
    with pytest.raises(BacklotError, match="--license-uri"):
        library.import_file(glb, "LicenseRef-Studio-EULA")
    record = library.import_file(
        glb, "LicenseRef-Studio-EULA", license_uri="https://example.com/eula"
    )
    assert (record.license, record.license_uri) == (
        "LicenseRef-Studio-EULA",
        "https://example.com/eula",
    )


def test_refuses_text_renamed_glb(library: Library, tmp_path: Path) -> None:
    fake = tmp_path / "notes.glb"
    fake.write_text("shopping list: eggs, milk\n")
    with pytest.raises(BacklotError, match="not a valid glb asset") as error:
        library.import_file(fake, "MIT")
    assert one_line(error).startswith(str(fake))
    assert library.list() == []


def test_refuses_truncated_glb(library: Library, glb: Path) -> None:
    glb.write_bytes(glb.read_bytes()[:-10])
    with pytest.raises(BacklotError, match="truncated") as error:
        library.import_file(glb, "MIT")
    assert one_line(error).startswith(str(glb))
    # A refused file leaves nothing behind, not even its staging file.
    assert not any(p.is_file() for p in (library.root / "objects").rglob("*"))


def test_refuses_glb_whose_buffer_is_shorter_than_declared(
    library: Library, tmp_path: Path
) -> None:
    gltf = triangle_gltf()
    gltf.set_binary_blob(b"\0" * 12)  # the accessor's bufferView wants 36 bytes
    gltf.buffers[0].byteLength = 36
    path = tmp_path / "short.glb"
    # save_to_bytes rewrites byteLength from the blob; put the lie back in the JSON chunk.
    glb = b"".join(gltf.save_to_bytes())
    path.write_bytes(glb.replace(b'"byteLength":12}]', b'"byteLength":36}]', 1))
    with pytest.raises(BacklotError, match="does not hold the bytes it declares"):
        library.import_file(path, "MIT")


def test_refuses_corrupt_and_empty_usd(library: Library, tmp_path: Path) -> None:
    corrupt = tmp_path / "broken.usdc"
    corrupt.write_bytes(b"PXR-USDC" + b"\0" * 16)
    with pytest.raises(BacklotError, match="OpenUSD cannot open it") as error:
        library.import_file(corrupt, "MIT")
    assert one_line(error).startswith(str(corrupt))
    empty = tmp_path / "empty.usda"
    empty.write_text("#usda 1.0\n")
    with pytest.raises(BacklotError, match="holds no prims"):
        library.import_file(empty, "MIT")


def test_refuses_assets_that_need_other_files(library: Library, tmp_path: Path) -> None:
    gltf = triangle_gltf(uri="triangle.bin")
    (tmp_path / "triangle.bin").write_bytes(b"\0" * 36)
    gltf.save_json(str(tmp_path / "split.gltf"))
    with pytest.raises(BacklotError, match=r"refers to another file \(triangle.bin\)"):
        library.import_file(tmp_path / "split.gltf", "MIT")

    stage = Usd.Stage.CreateNew(str(tmp_path / "shot.usda"))
    stage.DefinePrim("/Set").GetReferences().AddReference("set.usda")
    stage.GetRootLayer().Save()
    with pytest.raises(BacklotError, match=r"refers to other files \(set.usda\)"):
        library.import_file(tmp_path / "shot.usda", "MIT")


def test_embedded_gltf_is_accepted(library: Library, tmp_path: Path) -> None:
    points = base64.b64encode(b"\0" * 36).decode()
    gltf = triangle_gltf(uri=f"data:application/octet-stream;base64,{points}")
    gltf.save_json(str(tmp_path / "embedded.gltf"))
    assert library.import_file(tmp_path / "embedded.gltf", "MIT").format == "gltf"


def test_refuses_other_file_types(library: Library, tmp_path: Path) -> None:
    obj = tmp_path / "chair.obj"
    obj.write_text("v 0 0 0\n")
    with pytest.raises(BacklotError, match=r"expected a \.glb, \.gltf"):
        library.import_file(obj, "MIT")
    with pytest.raises(BacklotError, match="cannot read the file"):
        library.import_file(tmp_path / "missing.glb", "MIT")


def test_same_content_is_stored_once(library: Library, glb: Path, tmp_path: Path) -> None:
    first = library.import_file(glb, "MIT")
    copy = tmp_path / "other.glb"
    copy.write_bytes(glb.read_bytes())
    again = library.import_file(copy, "CC0-1.0")
    assert again == first
    assert library.import_file(glb, "MIT", name="chair") == first
    assert [r.name for r in library.list()] == ["chair"]
    assert len([p for p in (library.root / "objects").rglob("*") if p.is_file()]) == 1
    with pytest.raises(BacklotError, match="already in the library as 'chair'"):
        library.import_file(copy, "MIT", name="stool")


def test_name_clash_with_different_content(library: Library, glb: Path, tmp_path: Path) -> None:
    library.import_file(glb, "MIT")
    other = make_usd(tmp_path / "chair.usda")
    with pytest.raises(BacklotError, match="already has different content") as error:
        library.import_file(other, "MIT")
    assert "--name" in one_line(error)
    assert library.import_file(other, "MIT", name="chair (usd)").name == "chair (usd)"


def test_add_generated_get_and_list(library: Library, glb: Path, tmp_path: Path) -> None:
    data = make_glb(tmp_path / "gen.glb").read_bytes()
    kitchen = library.add_generated(
        "kitchen",
        "set",
        data,
        "glb",
        generator="backlot.world.build",
        parameters={"kind": "room", "size": [4, 3, 5]},
        scenes=["1", "4", "1"],
        created="2027-06-01T11:00:00+02:00",
    )
    assert kitchen.license == "CC0-1.0"
    assert kitchen.license_uri == "https://spdx.org/licenses/CC0-1.0.html"
    assert kitchen.digital_source_type == DIGITAL_SOURCE_TYPE_BASE + "algorithmicMedia"
    assert kitchen.created == CREATED
    assert kitchen.scenes == ["1", "4"]
    assert kitchen.source_file is None
    imported = library.import_file(make_usd(tmp_path / "mug.usda"), "MIT", kind="prop")

    assert library.get("kitchen") == kitchen
    assert library.get(kitchen.id) == kitchen
    assert library.get(imported.id[:10]) == imported
    assert library.get("nothing") is None
    assert [r.name for r in library.list()] == ["kitchen", "mug"]
    assert library.list("prop") == [imported]
    assert library.list("character") == []
    with pytest.raises(BacklotError, match="unknown asset kind 'vehicle'"):
        library.list("vehicle")

    # Same bytes and fields: no change. Different bytes: the record is replaced.
    same = library.add_generated(
        "kitchen",
        "set",
        data,
        "glb",
        "backlot.world.build",
        kitchen.parameters,
        ["1", "4"],
        CREATED,
    )
    assert same == kitchen
    changed = make_usd(tmp_path / "kitchen.usda").read_bytes()
    replaced = library.add_generated(
        "kitchen", "set", changed, "usda", "backlot.world.build", {"v": 2}, ["1"], CREATED
    )
    assert replaced.id != kitchen.id
    assert library.get("kitchen") == replaced
    assert library.path_of(replaced).read_bytes() == changed

    with pytest.raises(BacklotError, match="imported library asset"):
        library.add_generated("mug", "prop", data, "glb", "backlot.world.build", {}, [], CREATED)


def test_add_generated_validates_its_bytes(library: Library) -> None:
    with pytest.raises(BacklotError, match="generated asset broken: not a valid glb asset"):
        library.add_generated("broken", "prop", b"glTF", "glb", "x", {}, [], CREATED)


def test_set_scenes(library: Library, glb: Path) -> None:
    library.import_file(glb, "MIT")
    assert library.set_scenes("chair", ["2", "7"]).scenes == ["2", "7"]
    assert library.get("chair").scenes == ["2", "7"]
    with pytest.raises(BacklotError, match="no library asset named 'table'"):
        library.set_scenes("table", ["1"])


def test_index_persists_across_instances(tmp_path: Path, glb: Path) -> None:
    root = tmp_path / "film"
    record = Library.for_project(root).import_file(glb, "Apache-2.0", author="Ada")
    reopened = Library(root / LIBRARY_DIR)
    assert reopened.get("chair") == record
    assert reopened.list() == [record]
    with sqlite3.connect(root / LIBRARY_DIR / DB_FILE) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 1


def test_empty_library_reads_without_creating_files(library: Library) -> None:
    assert library.list() == []
    assert library.get("anything") is None
    assert not library.root.exists()


def test_unreadable_or_newer_index_is_a_clear_error(library: Library, glb: Path) -> None:
    library.root.mkdir(parents=True)
    library.db_path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(BacklotError, match="library index is unreadable") as error:
        library.list()
    assert one_line(error).startswith(str(library.db_path))
    library.db_path.unlink()
    with sqlite3.connect(library.db_path) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(BacklotError, match="upgrade backlot"):
        library.import_file(glb, "MIT")


def test_licence_ids_and_uris() -> None:
    assert spdx.license_uri("MIT") == "https://spdx.org/licenses/MIT.html"
    assert spdx.license_uri("cc0-1.0") == "https://spdx.org/licenses/CC0-1.0.html"
    for required in ("CC-BY-SA-4.0", "GPL-3.0-or-later", "OFL-1.1", "Zlib", "Unlicense"):
        assert required in spdx.known_licenses()
    assert spdx.validate_license("LicenseRef-My.Licence-2") == "LicenseRef-My.Licence-2"
    with pytest.raises(BacklotError, match=r"did you mean .*Apache-2\.0"):
        spdx.validate_license("Apache2.0")
    with pytest.raises(BacklotError, match="LicenseRef-<name>"):
        spdx.validate_license("LicenseRef-")


def test_record_validation() -> None:
    assert digital_source_type_uri("compositeSynthetic") == (
        "http://cv.iptc.org/newscodes/digitalsourcetype/compositeSynthetic"
    )
    assert "trainedAlgorithmicMedia" in DIGITAL_SOURCE_TYPES
    with pytest.raises(ValueError, match="unknown IPTC digital source type"):
        digital_source_type_uri("softwareImage")  # retired by IPTC
    fields = {
        "id": "a" * 64,
        "name": "x",
        "format": "glb",
        "license": "MIT",
        "license_uri": "https://spdx.org/licenses/MIT.html",
        "digital_source_type": "digitalArt",
        "created": CREATED,
        "size_bytes": 1,
    }
    assert AssetRecord.model_validate(fields).kind == "other"
    for bad in ({"created": "2027-06-01T09:00:00"}, {"name": "b" * 64}, {"id": "XYZ"}):
        with pytest.raises(ValueError):
            AssetRecord.model_validate(fields | bad)


def test_bad_import_fields_are_backlot_errors(library: Library, glb: Path) -> None:
    with pytest.raises(BacklotError, match="bad asset kind"):
        library.import_file(glb, "MIT", kind="vehicle")
    with pytest.raises(BacklotError, match="bad asset digital_source_type"):
        library.import_file(glb, "MIT", digital_source_type="photo")
    with pytest.raises(BacklotError, match="bad asset name"):
        library.import_file(glb, "MIT", name="   ")
