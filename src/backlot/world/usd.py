"""The world as OpenUSD layers, written and checked with usd-core itself.

Three kinds of layer, each ASCII `.usda` with metres, Y up and a default prim:

- a set layer, `/<SetId>`: one Mesh per part, the items' stand-ins under `Items`, the
  actors' marks under `Marks`;
- a character layer, `/<CharId>`: the skeleton's joints as nested Xforms with the
  mannequin's meshes riding on them, and a `wardrobe` variant set (one variant per scene);
- a scene stage, `/Scene_<number>`: the set and the cast *referenced* from their layers
  (composition, never a copy), the cast on the set's marks in the scene's wardrobe, and the
  lights inside a `timeOfDay` variant set.

Every geometry prim carries a UsdSemantics labels taxonomy "class" for the instance pass.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import numpy as np
from pxr import Gf, Kind, Sdf, Tf, Usd, UsdGeom, UsdLux, UsdSemantics, UsdValidation, Vt

from backlot.fileio import atomic_write
from backlot.world.meshes import (
    CLOTHED_PARTS,
    cast_placements,
    item_part,
    linear_rgb,
    mannequin_parts,
    mannequin_rig,
    part_mesh,
)
from backlot.world.models import (
    CharacterAsset,
    Light,
    Mark,
    Part,
    SceneSetup,
    SetAsset,
    SunPosition,
    Vec3,
)
from backlot.world.names import prim_name, unique

TAXONOMY = "class"
"""The UsdSemantics.LabelsAPI instance every label is written under."""
SUN_INTENSITY = 50000.0
"""UsdLux intensity of a clear noon sun, the unit of `Light.intensity`: the DistantLight
schema's own default, which UsdLux intends as sunlight."""
SPHERE_RADIUS = {"window": 0.5}
"""Sphere-light radius by light kind, metres; small practicals otherwise."""
PRACTICAL_RADIUS = 0.1
WARDROBE = "wardrobe"
TIME_OF_DAY = "timeOfDay"

_USDA = Sdf.FileFormat.FindByExtension("usda")


@contextmanager
def _layer(path: Path, root_name: str, kind: str) -> Iterator[Usd.Prim]:
    """Author a new layer at `path` and yield its root Xform (the default prim, of model
    `kind`); on a clean exit write it atomically as `.usda`.

    The layer is given its final identifier, not an anonymous one, so that relative
    references resolve while authoring. USD keeps one layer per identifier: if this process
    already holds the old one, it is cleared and rewritten, which also brings its other
    holders up to date."""
    identifier = os.fspath(path.resolve())
    layer = Sdf.Layer.Find(identifier)
    if layer:
        layer.Clear()
    else:
        layer = Sdf.Layer.New(_USDA, identifier)
    stage = Usd.Stage.Open(layer)
    UsdGeom.SetStageUpAxis(stage, UsdGeom.Tokens.y)
    UsdGeom.SetStageMetersPerUnit(stage, UsdGeom.LinearUnits.meters)
    root = UsdGeom.Xform.Define(stage, Sdf.Path.absoluteRootPath.AppendChild(root_name))
    stage.SetDefaultPrim(root.GetPrim())
    Usd.ModelAPI(root).SetKind(kind)
    yield root.GetPrim()
    atomic_write(path, layer.ExportToString())


def _unique(names: list[str]) -> list[str]:
    """Names made distinct by numbering repeats (chair, chair_2…), as prim siblings must be."""
    taken: set[str] = set()
    return [unique(name, taken) for name in names]


def _label(prim: Usd.Prim, labels: list[str]) -> None:
    UsdSemantics.LabelsAPI.Apply(prim, TAXONOMY).CreateLabelsAttr().Set(Vt.TokenArray(labels))


def _colour(colour: str) -> Vt.Vec3fArray:
    """A constant displayColor value: linear RGB, as USD colour roles are."""
    return Vt.Vec3fArray([Gf.Vec3f(*linear_rgb(colour))])


def _custom(prim: Usd.Prim, name: str, type_name: Sdf.ValueTypeName, value: object) -> None:
    """A custom `backlot:` attribute: data USD has no schema for, kept with the prim."""
    prim.CreateAttribute(f"backlot:{name}", type_name, custom=True).Set(value)


def _place(prim: Usd.Prim, translate: Vec3, rotate_y_deg: float = 0.0) -> None:
    xform = UsdGeom.Xformable(prim)
    xform.AddTranslateOp().Set(Gf.Vec3d(*translate))
    if rotate_y_deg:
        xform.AddRotateYOp().Set(rotate_y_deg)


def _mesh(stage: Usd.Stage, path: Sdf.Path, part: Part, coloured: bool = True) -> Usd.Prim:
    """A polygonal Mesh of `part` in its parent's space, labelled with the part's class;
    displayColor unless `coloured` is False (variants give it)."""
    triangles = part_mesh(part)
    mesh = UsdGeom.Mesh.Define(stage, path)
    mesh.CreatePointsAttr(Vt.Vec3fArray.FromNumpy(triangles.points))
    mesh.CreateFaceVertexCountsAttr(Vt.IntArray([3] * len(triangles.indices)))
    mesh.CreateFaceVertexIndicesAttr(Vt.IntArray.FromNumpy(triangles.indices.astype(np.int32)))
    bounds = np.stack([triangles.points.min(axis=0), triangles.points.max(axis=0)])
    mesh.CreateExtentAttr(Vt.Vec3fArray.FromNumpy(bounds))
    # Grey boxes are faceted solids: no subdivision, and the normals are the ones we made.
    mesh.CreateSubdivisionSchemeAttr(UsdGeom.Tokens.none)
    UsdGeom.PrimvarsAPI(mesh).CreatePrimvar(
        "normals", Sdf.ValueTypeNames.Normal3fArray, UsdGeom.Tokens.vertex
    ).Set(Vt.Vec3fArray.FromNumpy(triangles.normals))
    if coloured:
        mesh.CreateDisplayColorPrimvar(UsdGeom.Tokens.constant).Set(_colour(part.colour))
    _label(mesh.GetPrim(), [part.label])
    return mesh.GetPrim()


def write_set_layer(asset: SetAsset, path: Path, library_file: str | None = None) -> None:
    """The set as a component model `/<SetId>`: its parts, `Items/…` and `Marks/…`.

    With `library_file` (a USD asset from the library, relative to `path`), the set's
    geometry is a reference to it instead of the generated parts; items and marks stay.
    """
    with _layer(path, prim_name(asset.id), Kind.Tokens.component) as root:
        stage, here = root.GetStage(), root.GetPath()
        Usd.ModelAPI(root).SetAssetName(asset.name)
        _label(root, ["set", asset.kind.value])
        if library_file is not None:
            # Typeless, so the library's root prim brings its own type (Xform, Mesh…).
            geometry = stage.DefinePrim(here.AppendChild("Library"))
            # Named explicitly: an imported layer need not have a default prim.
            target = Sdf.Layer.FindOrOpen(str(path.parent / library_file))
            top = target.defaultPrim or (target.rootPrims[0].name if target.rootPrims else "")
            geometry.GetReferences().AddReference(library_file, Sdf.Path(f"/{top}"))
            _custom(root, "libraryAsset", Sdf.ValueTypeNames.String, asset.library_asset or "")
        for part in asset.parts if library_file is None else []:
            _mesh(stage, here.AppendChild(part.name), part)
        items = UsdGeom.Scope.Define(stage, here.AppendChild("Items")).GetPath()
        stand_ins = [item_part(item) for item in asset.items]
        names = _unique([stand_in.name for stand_in in stand_ins])
        for name, stand_in, item in zip(names, stand_ins, asset.items, strict=True):
            prim = _mesh(stage, items.AppendChild(name), stand_in)
            _custom(prim, "name", Sdf.ValueTypeNames.String, item.name)
            _custom(prim, "category", Sdf.ValueTypeNames.String, item.category)
            _custom(prim, "surface", Sdf.ValueTypeNames.String, item.surface)
        marks = UsdGeom.Scope.Define(stage, here.AppendChild("Marks")).GetPath()
        names = _unique([prim_name(mark.name) for mark in asset.marks])
        for name, mark in zip(names, asset.marks, strict=True):
            prim = UsdGeom.Xform.Define(stage, marks.AppendChild(name)).GetPrim()
            _place(prim, mark.position, mark.facing_deg)
            _custom(prim, "mark", Sdf.ValueTypeNames.String, mark.name)
            _custom(prim, "facingDeg", Sdf.ValueTypeNames.Double, mark.facing_deg)


def _variant(scene: str) -> str:
    """A scene number as a variant name, which allows letters, digits, _, | and -: '12.1'
    becomes '12_1'."""
    return re.sub(r"[^\w|\-]", "_", scene)


def write_character_layer(character: CharacterAsset, path: Path) -> None:
    """The character as a component model `/<CharId>`: skeleton joints as nested Xforms
    (translated from their parent, so rotating one poses everything below it), each
    mannequin mesh under the joint it rides on, and a `wardrobe` variant set with one
    variant per scene, selecting the first scene by default."""
    parent = {joint.name: joint.parent for joint in character.skeleton}
    rest = {joint.name: np.asarray(joint.position, dtype=float) for joint in character.skeleton}
    with _layer(path, prim_name(character.id), Kind.Tokens.component) as root:
        stage = root.GetStage()
        Usd.ModelAPI(root).SetAssetName(character.name)
        _label(root, ["character", character.name])

        def joint_path(name: str) -> Sdf.Path:
            above = parent[name]
            return (joint_path(above) if above else root.GetPath()).AppendChild(name)

        for name, above in parent.items():
            prim = UsdGeom.Xform.Define(stage, joint_path(name)).GetPrim()
            offset = rest[name] - rest[above] if above else rest[name]
            _place(prim, tuple(np.round(offset, 6) + 0.0))
        meshes = {}
        for joint, part in mannequin_rig(character):
            local = tuple(np.subtract(part.position, rest[joint]))
            dressed = bool(character.wardrobe) and part.name in CLOTHED_PARTS
            meshes[part.name] = _mesh(
                stage,
                joint_path(joint).AppendChild(part.name),
                part.model_copy(update={"position": local}),
                coloured=not dressed,
            )
        if character.wardrobe:
            _wardrobe_variants(root, character, meshes)


def _wardrobe_variants(
    root: Usd.Prim, character: CharacterAsset, meshes: dict[str, Usd.Prim]
) -> None:
    """One `wardrobe` variant per scene, giving the clothed meshes their colours there and
    listing the scene's wardrobe items. The colours live only in the variants: a variant's
    opinion is weaker than one authored on the prim itself, which would always win."""
    wardrobe = root.GetVariantSets().AddVariantSet(WARDROBE)
    for scene, items in character.wardrobe.items():
        wardrobe.AddVariant(_variant(scene))
        wardrobe.SetVariantSelection(_variant(scene))
        with wardrobe.GetVariantEditContext():
            _custom(root, "wardrobe", Sdf.ValueTypeNames.StringArray, items)
            for part in mannequin_parts(character, scene):
                if part.name in CLOTHED_PARTS:
                    gprim = UsdGeom.Gprim(meshes[part.name])
                    display = gprim.CreateDisplayColorPrimvar(UsdGeom.Tokens.constant)
                    display.Set(_colour(part.colour))
    wardrobe.SetVariantSelection(_variant(next(iter(character.wardrobe))))


def _asset_path(target: str, layer: Path) -> str:
    """`target` as an asset path written in the layer at `layer`: an absolute path is made
    relative to the layer's folder, a relative one is taken as relative to it already.
    Always anchored with ./ or ../, so the resolver never searches for it elsewhere."""
    if os.path.isabs(target):
        target = os.path.relpath(target, layer.resolve().parent)
    posix = Path(target).as_posix()
    return posix if posix.startswith(("./", "../")) else f"./{posix}"


def _from_sky(body: SunPosition) -> Vec3:
    """The direction light travels from a body at compass azimuth (0 = north = -Z, 90 =
    east = +X) and elevation: away from it, downwards while it is up."""
    az, el = math.radians(body.azimuth_deg), math.radians(body.elevation_deg)
    return (-math.sin(az) * math.cos(el), -math.sin(el), math.cos(az) * math.cos(el))


def _aim(direction: Vec3) -> Gf.Quatf:
    """The orientation that turns a distant light's -Z axis (where it shines) to
    `direction`; + 0.0 turns -0 into 0 so the text stays tidy."""
    quat = Gf.Rotation(Gf.Vec3d(0.0, 0.0, -1.0), Gf.Vec3d(*direction).GetNormalized()).GetQuat()
    imaginary = quat.GetImaginary()
    return Gf.Quatf(quat.GetReal() + 0.0, Gf.Vec3f(*(c + 0.0 for c in imaginary)))


def _light(stage: Usd.Stage, path: Sdf.Path, light: Light, setup: SceneSetup) -> None:
    """One UsdLux light: the sky a DomeLight; the sun, the moon and any light without a
    place a DistantLight along its direction (else away from the moon, or the sun); a light
    with a place (window, practical) a SphereLight there."""
    if light.kind == "sky":
        prim = UsdLux.DomeLight.Define(stage, path).GetPrim()
    elif light.kind in ("sun", "moon") or light.position is None:
        prim = UsdLux.DistantLight.Define(stage, path).GetPrim()
        body = setup.moon if light.kind == "moon" and setup.moon else setup.sun
        UsdGeom.Xformable(prim).AddOrientOp().Set(_aim(light.direction or _from_sky(body)))
    else:
        sphere = UsdLux.SphereLight.Define(stage, path)
        sphere.CreateRadiusAttr(SPHERE_RADIUS.get(light.kind, PRACTICAL_RADIUS))
        prim = sphere.GetPrim()
        _place(prim, light.position)
    lux = UsdLux.LightAPI(prim)
    lux.CreateIntensityAttr(light.intensity * SUN_INTENSITY)
    lux.CreateColorAttr(Gf.Vec3f(*linear_rgb(light.colour)))


def write_scene_stage(
    setup: SceneSetup,
    set_layer: str,
    character_layers: dict[str, str],
    marks: list[Mark],
    path: Path,
) -> None:
    """The scene as an assembly `/Scene_<number>` that references, never copies: `Set` the
    set layer, `Cast/<char>` each character's layer, stood on `marks` (see
    `cast_placements`) in this scene's wardrobe variant. Layer paths are absolute, or
    relative to the scene layer's folder ('../world/int-flat.usda').

    The lights live in `Lights`, inside the variant of the `timeOfDay` variant set named
    after the scene's sky ('night'), which is selected. Other times of day can be authored
    later as sibling variants, to relight the same blocking without touching it. Weather,
    fog and the clock ride on the scene prim as custom `backlot:` attributes."""
    with _layer(path, prim_name(f"Scene_{setup.number}"), Kind.Tokens.assembly) as root:
        stage, here = root.GetStage(), root.GetPath()
        _custom(root, "sky", Sdf.ValueTypeNames.String, setup.sky)
        _custom(root, "weather", Sdf.ValueTypeNames.StringArray, setup.weather)
        _custom(root, "fogDensity", Sdf.ValueTypeNames.Double, setup.fog_density)
        _custom(root, "date", Sdf.ValueTypeNames.String, setup.date)
        _custom(root, "clockTime", Sdf.ValueTypeNames.String, setup.clock_time)
        _custom(root, "keyToFill", Sdf.ValueTypeNames.Double, setup.key_to_fill)
        scenery = UsdGeom.Xform.Define(stage, here.AppendChild("Set")).GetPrim()
        scenery.GetReferences().AddReference(_asset_path(set_layer, path))
        cast = UsdGeom.Xform.Define(stage, here.AppendChild("Cast")).GetPrim()
        Usd.ModelAPI(cast).SetKind(Kind.Tokens.group)
        spots = cast_placements(len(setup.cast), marks)
        for char_id, (position, facing) in zip(setup.cast, spots, strict=True):
            actor = UsdGeom.Xform.Define(stage, cast.GetPath().AppendChild(prim_name(char_id)))
            actor.GetPrim().GetReferences().AddReference(
                _asset_path(character_layers[char_id], path)
            )
            _place(actor.GetPrim(), position, facing)
            actor.GetPrim().GetVariantSet(WARDROBE).SetVariantSelection(_variant(setup.number))
        lights = UsdGeom.Xform.Define(stage, here.AppendChild("Lights")).GetPrim()
        time_of_day = lights.GetVariantSets().AddVariantSet(TIME_OF_DAY)
        time_of_day.AddVariant(_variant(setup.sky))
        time_of_day.SetVariantSelection(_variant(setup.sky))
        names = _unique([prim_name(light.kind.capitalize()) for light in setup.lights])
        with time_of_day.GetVariantEditContext():
            for name, light in zip(names, setup.lights, strict=True):
                _light(stage, lights.GetPath().AppendChild(name), light, setup)


@cache
def _validation() -> UsdValidation.ValidationContext:
    """Every validator usd-core registers (core, geom, shade, lux, skel, physics, media,
    utils…): each only looks at the prims and layers it applies to."""
    registry = UsdValidation.ValidationRegistry()
    return UsdValidation.ValidationContext(registry.GetOrLoadAllValidators())


def validate_layer(path: Path) -> list[str]:
    """Open the layer as a stage and run usd-core's validators on it: the errors, sorted
    (the validators run in parallel), empty when the layer is sound."""
    try:
        stage = Usd.Stage.Open(os.fspath(path))
    except Tf.ErrorException as error:
        return [f"{path}: cannot be opened: {str(error).strip()}"]
    return sorted(
        error.GetErrorAsString()
        for error in _validation().Validate(stage)
        if error.GetType() == UsdValidation.ValidationErrorType.Error
    )
