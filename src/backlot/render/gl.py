"""The offscreen renderer: one OpenGL context on EGL, every pass of a frame in one draw.

Mesa's llvmpipe runs it on the CPU; a GPU's EGL driver runs the same code. One geometry
pass writes five targets at once (multiple render targets): the lit beauty colour, camera-
space normals, instance colours, metric depth and inverse depth, so the passes line up
with the beauty frame pixel for pixel by construction. A shadow pass from the sun (or the
moon) and a depth-only pass precede it, and an FXAA pass follows it on the beauty target
only: antialiasing must not blend instance colours or depths.

On llvmpipe the cost is per pixel shaded, so each pixel is lit once (the depth pass), the
sky is shaded only where no geometry is, the colour targets are never cleared (every pixel
is written), the cast's shadows are redrawn only when the cast moves, practical lights are
compiled in rather than looped over, and the targets are read back as packed RGB, as the
encoders take them.

The projection flips Y so that the first row read back is the top of the image (no copy to
flip it), which turns the winding of front faces clockwise.
"""

from __future__ import annotations

import ctypes
import functools
from dataclasses import dataclass

import moderngl
import numpy as np

from backlot.errors import BacklotError

MAX_BONES = 1024
"""Rigid bones in the uniform block (std140, 64 KiB): 64 joints × 16 characters."""
MAX_PRACTICALS = 4
PRACTICAL_GAIN = 8.0
"""A practical of intensity 1 lights a surface a metre away this much (vs. noon sun = 1)."""
SHADOW_SIZE = 1024
NEAR_M, FAR_M = 0.05, 500.0
DEPTH_SCALE_M = 0.001
"""Metres per unit of the 16-bit depth target: millimetres, up to 65.5 m (farther clamps)."""
INVERSE_NEAR_M = 0.5
"""Default distance at which inverse depth (near/z, clamped) turns white."""

_GEOMETRY_VS = """
#version 330
layout(std140) uniform Bones { mat4 bones[MAX_BONES]; };
uniform mat4 view;
uniform mat4 proj;
in vec3 in_position;
in vec3 in_normal;
in vec3 in_colour;
in vec3 in_instance;
in float in_bone;
out vec3 v_world;
out vec3 v_normal;
out vec3 v_colour;
flat out vec3 v_instance;
out float v_depth;
// The depth pre-pass runs this shader in another program: the same depths, bit for bit.
invariant gl_Position;
void main() {
    mat4 model = bones[int(in_bone)];
    vec4 world = model * vec4(in_position, 1.0);
    vec4 eye = view * world;
    v_world = world.xyz;
    v_normal = mat3(model) * in_normal;
    v_colour = in_colour;
    v_instance = in_instance;
    v_depth = -eye.z;
    gl_Position = proj * eye;
}
""".replace("MAX_BONES", str(MAX_BONES))

_TARGETS = """layout(location = 0) out vec4 f_beauty;
layout(location = 1) out vec4 f_normal;
layout(location = 2) out vec4 f_instance;
layout(location = 3) out uint f_depth;
layout(location = 4) out float f_inverse;
// Display colour (gamma 2.2) with its luma in alpha, which is where FXAA reads it.
vec4 display(vec3 linear) {
    vec3 shown = pow(linear, vec3(1.0 / 2.2));
    return vec4(shown, dot(shown, vec3(0.299, 0.587, 0.114)));
}"""
"""The render targets, in attachment order: every pass of the frame is one draw."""

_GEOMETRY_FS = """
#version 330
#define PRACTICALS {practicals}
uniform mat4 view;
uniform vec3 sun_direction;   // the way the light travels
uniform vec3 sun_colour;      // colour × intensity; black when there is no sun or moon
uniform mat4 shadow_matrix;
uniform sampler2DShadow shadow;         // the set's and the cast's shadows in one map
uniform vec3 sky_colour;      // ambient from above
uniform vec3 ground_colour;   // ambient bounced from below
#if PRACTICALS > 0
uniform vec3 practical_position[PRACTICALS];
uniform vec3 practical_colour[PRACTICALS];
#endif
uniform float exposure;
uniform vec3 fog_colour;
uniform float fog_density;
uniform float inverse_near;
uniform float depth_scale;
in vec3 v_world;
in vec3 v_normal;
in vec3 v_colour;
flat in vec3 v_instance;
in float v_depth;
TARGETS

float shadow_at(vec3 world, float n_dot_l) {
    vec4 p = shadow_matrix * vec4(world, 1.0);
    vec3 uvz = p.xyz / p.w * 0.5 + 0.5;
    if (uvz.x < 0.0 || uvz.x > 1.0 || uvz.y < 0.0 || uvz.y > 1.0 || uvz.z > 1.0) return 1.0;
    float bias = mix(0.0015, 0.0004, n_dot_l);
    vec3 at = vec3(uvz.xy, uvz.z - bias);
    return texture(shadow, at);
}

void main() {
    vec3 n = normalize(v_normal);
    vec3 light = mix(ground_colour, sky_colour, n.y * 0.5 + 0.5);
    vec3 to_sun = -sun_direction;
    float n_dot_l = max(dot(n, to_sun), 0.0);
    if (n_dot_l > 0.0) light += sun_colour * n_dot_l * shadow_at(v_world, n_dot_l);
#if PRACTICALS > 0
    for (int i = 0; i < PRACTICALS; ++i) {
        vec3 d = practical_position[i] - v_world;
        float r2 = dot(d, d);
        // Inverse-square falloff, softened within a metre so a lamp never blows out.
        light += practical_colour[i] * max(dot(n, d * inversesqrt(r2)), 0.0)
                 * PRACTICAL_GAIN / (1.0 + r2);
    }
#endif
    vec3 colour = 1.0 - exp(-v_colour * light * exposure);
    float fog = 1.0 - exp(-fog_density * v_depth);
    colour = mix(colour, fog_colour, fog);
    f_beauty = display(colour);
    // ScanNet / NYU colours, as ControlNet's normal models read them: red = left,
    // green = up, blue = towards the camera, each axis centred on 0.5.
    vec3 camera_normal = mat3(view) * n;   // GL eye axes: x right, y up, z back
    f_normal = vec4(0.5 - 0.5 * camera_normal.x, 0.5 + 0.5 * camera_normal.y,
                    0.5 + 0.5 * camera_normal.z, 1.0);
    f_instance = vec4(v_instance, 1.0);
    f_depth = uint(min(v_depth / depth_scale + 0.5, 65535.0));
    f_inverse = clamp(inverse_near / v_depth, 0.0, 1.0);
}
""".replace("TARGETS", _TARGETS).replace("PRACTICAL_GAIN", repr(PRACTICAL_GAIN))

_FULLSCREEN_VS = """
#version 330
out vec2 v_uv;
void main() {
    // One triangle that covers the screen: vertices (-1,-1), (3,-1), (-1,3).
    vec2 p = vec2(float((gl_VertexID & 1) << 2) - 1.0, float((gl_VertexID & 2) << 1) - 1.0);
    v_uv = p * 0.5 + 0.5;
    gl_Position = vec4(p, 1.0, 1.0);
}
"""

# The sky's ray is interpolated, not unprojected per pixel: points of the near and far
# planes are affine in screen position, so their difference (the ray) is too.
_SKY_VS = """
#version 330
uniform mat4 inverse_view_proj;
noperspective out vec3 v_ray;
void main() {
    vec2 p = vec2(float((gl_VertexID & 1) << 2) - 1.0, float((gl_VertexID & 2) << 1) - 1.0);
    vec4 far = inverse_view_proj * vec4(p, 1.0, 1.0);
    vec4 near = inverse_view_proj * vec4(p, -1.0, 1.0);
    v_ray = far.xyz / far.w - near.xyz / near.w;
    gl_Position = vec4(p, 1.0, 1.0);
}
"""

_SKY_FS = """
#version 330
uniform vec3 zenith;
uniform vec3 horizon;
noperspective in vec3 v_ray;
TARGETS
void main() {
    float up = clamp(normalize(v_ray).y, 0.0, 1.0);
    vec3 colour = mix(horizon, zenith, pow(up, 0.6));
    f_beauty = display(colour);
    f_normal = vec4(0.0);
    f_instance = vec4(0.0);
    f_depth = 0u;
    f_inverse = 0.0;
}
""".replace("TARGETS", _TARGETS)

# FXAA after Timothy Lottes, "FXAA" (NVIDIA white paper, 2009): find edges by luma
# contrast, then blend along the edge's tangent. A reduced version: one search step.
# Luma comes from the beauty's alpha, computed once per pixel by the lit pass, not five
# times here. Every pixel is written: on llvmpipe a discarding shader cost twice a plain
# one (8 vs 4 ms of CPU for one fetch at 1280×720), and writing the beauty twice in the
# lit pass, so that FXAA could discard, cost more than it saved.
# The neighbours are whole texels (texelFetch, clamped at the border as the sampler
# clamps); only the blend along the edge falls between texels and filters.
_FXAA_FS = """
#version 330
uniform sampler2D image;
uniform vec2 texel;
in vec2 v_uv;
out vec4 f_colour;
float luma_at(ivec2 at) { return texelFetch(image, at, 0).a; }
void main() {
    ivec2 at = ivec2(gl_FragCoord.xy);
    ivec2 last = textureSize(image, 0) - 1;
    vec4 centre = texelFetch(image, at, 0);
    vec3 m = centre.rgb;
    float lm = centre.a;
    float ln = luma_at(ivec2(at.x, max(at.y - 1, 0)));
    float ls = luma_at(ivec2(at.x, min(at.y + 1, last.y)));
    float le = luma_at(ivec2(min(at.x + 1, last.x), at.y));
    float lw = luma_at(ivec2(max(at.x - 1, 0), at.y));
    float lo = min(lm, min(min(ln, ls), min(le, lw)));
    float hi = max(lm, max(max(ln, ls), max(le, lw)));
    if (hi - lo < max(0.0312, hi * 0.125)) {
        f_colour = vec4(m, 1.0);
        return;
    }
    vec2 dir = normalize(vec2(-(ln - ls), (le - lw)) + 1e-6) * texel;
    vec3 a = 0.5 * (texture(image, v_uv + dir * (1.0 / 3.0 - 0.5)).rgb +
                    texture(image, v_uv + dir * (2.0 / 3.0 - 0.5)).rgb);
    f_colour = vec4(mix(m, a, 0.75), 1.0);
}
"""

_SHADOW_VS = """
#version 330
layout(std140) uniform Bones { mat4 bones[MAX_BONES]; };
uniform mat4 light_view_proj;
in vec3 in_position;
in float in_bone;
void main() { gl_Position = light_view_proj * bones[int(in_bone)] * vec4(in_position, 1.0); }
""".replace("MAX_BONES", str(MAX_BONES))

_SHADOW_FS = """
#version 330
void main() {}
"""

VERTEX_FORMAT = "3f 3f 3f 3f 1f"
VERTEX_ATTRIBUTES = ("in_position", "in_normal", "in_colour", "in_instance", "in_bone")
FLOATS_PER_VERTEX = 13


@dataclass(frozen=True)
class Lighting:
    """A scene's light as the shader takes it (linear RGB, already scaled by intensity)."""

    sun_direction: tuple[float, float, float]
    sun_colour: tuple[float, float, float]
    sky_colour: tuple[float, float, float]
    ground_colour: tuple[float, float, float]
    practicals: tuple[tuple[tuple[float, float, float], tuple[float, float, float]], ...]
    exposure: float
    fog_colour: tuple[float, float, float]
    fog_density: float
    zenith: tuple[float, float, float]
    horizon: tuple[float, float, float]
    shadow_centre: tuple[float, float, float]
    shadow_radius: float


@dataclass
class Frame:
    """The targets of one rendered frame, rows top to bottom."""

    beauty: np.ndarray
    normal: np.ndarray
    instance: np.ndarray
    depth: np.ndarray
    """Depth along the optical axis (OpenCV z) in DEPTH_SCALE_M units, uint16; 0 where
    nothing was hit."""
    inverse_depth: np.ndarray


def perspective(fx: float, fy: float, cx: float, cy: float, size: tuple[int, int]) -> np.ndarray:
    """GL projection of a pinhole camera with OpenCV intrinsics, Y flipped (row 0 on top)."""
    width, height = size
    n, f = NEAR_M, FAR_M
    return np.array(
        [
            [2.0 * fx / width, 0.0, 1.0 - 2.0 * cx / width, 0.0],
            [0.0, -2.0 * fy / height, 1.0 - 2.0 * cy / height, 0.0],
            [0.0, 0.0, -(f + n) / (f - n), -2.0 * f * n / (f - n)],
            [0.0, 0.0, -1.0, 0.0],
        ]
    )


_CV_TO_GL = np.diag([1.0, -1.0, -1.0, 1.0])
"""OpenCV camera axes (x right, y down, z forward) to GL's (x right, y up, z back)."""


def gl_view(cam_to_world: np.ndarray) -> np.ndarray:
    """World → GL eye matrix of an OpenCV camera-to-world pose."""
    return _CV_TO_GL @ np.linalg.inv(cam_to_world)


def _light_view_proj(lighting: Lighting) -> np.ndarray:
    """Orthographic projection along the light that covers the set's bounding sphere."""
    direction = np.asarray(lighting.sun_direction, dtype=float)
    direction /= np.linalg.norm(direction)
    centre = np.asarray(lighting.shadow_centre, dtype=float)
    r = lighting.shadow_radius
    eye = centre - direction * 2.0 * r
    up = np.array([0.0, 0.0, 1.0]) if abs(direction[1]) > 0.99 else np.array([0.0, 1.0, 0.0])
    back = -direction
    right = np.cross(up, back)
    right /= np.linalg.norm(right)
    true_up = np.cross(back, right)
    view = np.eye(4)
    view[0, :3], view[1, :3], view[2, :3] = right, true_up, back
    view[:3, 3] = -view[:3, :3] @ eye
    ortho = np.diag([1.0 / r, 1.0 / r, -1.0 / (2.0 * r), 1.0])
    ortho[2, 3] = -1.0
    return ortho @ view


_GL_READ_FRAMEBUFFER, _GL_DRAW_FRAMEBUFFER = 0x8CA8, 0x8CA9
_GL_DEPTH_BUFFER_BIT, _GL_NEAREST = 0x100, 0x2600


@functools.cache
def _gl_call() -> ctypes.CDLL:
    """GL itself, for the two calls moderngl lacks (a depth blit, a flush). GLVND's libGL
    exports every core entry point and dispatches it to the current context's driver, EGL
    contexts included."""
    return ctypes.CDLL("libGL.so.1")


def _copy_depth(src: moderngl.Framebuffer, dst: moderngl.Framebuffer, size: int) -> None:
    """Copy a square depth attachment with glBlitFramebuffer: moderngl's
    `copy_framebuffer` copies colour only. Binds both framebuffers behind moderngl's back;
    the caller `use()`s the next one before drawing."""
    gl = _gl_call()
    gl.glBindFramebuffer(_GL_READ_FRAMEBUFFER, src.glo)
    gl.glBindFramebuffer(_GL_DRAW_FRAMEBUFFER, dst.glo)
    gl.glBlitFramebuffer(0, 0, size, size, 0, 0, size, size, _GL_DEPTH_BUFFER_BIT, _GL_NEAREST)


def _same(a: np.ndarray, b: np.ndarray | None) -> bool:
    return b is not None and a.shape == b.shape and bool(np.array_equal(a, b))


def _gl(matrix: np.ndarray) -> bytes:
    """A row-major numpy matrix as GL's column-major float32 bytes."""
    return np.ascontiguousarray(matrix.T, dtype=np.float32).tobytes()


class Renderer:
    """An EGL context with its programs and targets at one image size.

    `load` uploads a scene's triangles (static set and skinned mannequins in one buffer);
    `render` draws one frame from a camera with the bones' world matrices and reads it
    back. It is `draw` then `read`: a caller with work of its own per frame (encoding the
    frame before) does it between the two, while llvmpipe's threads draw.
    """

    def __init__(self, size: tuple[int, int]) -> None:
        try:
            # The versioned sonames: the runtime packages have them, not the bare .so links.
            self.ctx = moderngl.create_context(
                standalone=True, backend="egl", libgl="libGL.so.1", libegl="libEGL.so.1"
            )
        except Exception as exc:  # moderngl raises bare Exceptions for a missing EGL
            raise BacklotError(
                f"no OpenGL 3.3 context through EGL ({exc}); install Mesa's EGL driver "
                "(apt install libegl1 libegl-mesa0 libgl1-mesa-dri)"
            ) from None
        self.size = size
        ctx = self.ctx
        # One lit program per number of practicals, compiled when a scene first needs it:
        # llvmpipe pays for a loop over a uniform count even when the count is 0.
        self._geometry_programs: dict[int, moderngl.Program] = {}
        self.geometry = self._geometry_program(0)
        self.sky = ctx.program(vertex_shader=_SKY_VS, fragment_shader=_SKY_FS)
        self.fxaa = ctx.program(vertex_shader=_FULLSCREEN_VS, fragment_shader=_FXAA_FS)
        self.shadow = ctx.program(vertex_shader=_SHADOW_VS, fragment_shader=_SHADOW_FS)
        # Depth alone first, then the lit draw only where a surface is the nearest: each
        # pixel is lit once, however many surfaces cover it.
        self.prepass = ctx.program(vertex_shader=_GEOMETRY_VS, fragment_shader=_SHADOW_FS)
        self.bones = ctx.buffer(reserve=MAX_BONES * 64)
        for program in (self.shadow, self.prepass):
            program["Bones"].binding = 0
        self.empty = ctx.vertex_array(self.sky, [])
        self.fxaa_vao = ctx.vertex_array(self.fxaa, [])

        self.beauty_tex = ctx.texture(size, 4)
        self.beauty_tex.filter = (moderngl.LINEAR, moderngl.LINEAR)
        self.beauty_tex.repeat_x = self.beauty_tex.repeat_y = False
        antialiased = ctx.renderbuffer(size, 4)
        self.targets = [
            self.beauty_tex,
            ctx.renderbuffer(size, 4),
            ctx.renderbuffer(size, 4),
            ctx.renderbuffer(size, 1, dtype="u2"),
            ctx.renderbuffer(size, 1),
        ]
        depth = ctx.depth_renderbuffer(size)
        self.fbo = ctx.framebuffer(self.targets, depth)
        # The colour targets need no clearing: geometry or sky writes every pixel of them.
        self.depth_fbo = ctx.framebuffer(depth_attachment=depth)
        self.aa_fbo = ctx.framebuffer([antialiased])
        # The set's shadows are drawn once per scene, into a map of their own: a million
        # texels of the whole set a frame cost more than the rest of the frame. When the
        # cast moves, that map is copied (a fraction of a millisecond) and the cast drawn
        # over the copy, so the lit pass reads one map, not two.
        self.set_shadow = ctx.framebuffer(
            depth_attachment=ctx.depth_texture((SHADOW_SIZE, SHADOW_SIZE))
        )
        self.shadow_map = ctx.depth_texture((SHADOW_SIZE, SHADOW_SIZE))
        self.shadow_map.compare_func = "<="
        self.shadow_map.filter = (moderngl.LINEAR, moderngl.LINEAR)
        self.shadow_fbo = ctx.framebuffer(depth_attachment=self.shadow_map)
        self.fxaa["texel"].value = (1.0 / size[0], 1.0 / size[1])

        width, height = size
        # Packed RGB, as the encoders take it: Mesa repacks RGBA to RGB on readback five
        # times faster than numpy copies an RGBA array's RGB view (0.3 vs 1.6 ms at 360p).
        self._rgb = [np.empty((height, width, 3), np.uint8) for _ in range(3)]
        self._depth = np.empty((height, width), np.uint16)
        self._inverse = np.empty((height, width), np.uint8)
        self.vao: moderngl.VertexArray | None = None
        self.prepass_vao: moderngl.VertexArray | None = None
        self.shadow_vao: moderngl.VertexArray | None = None
        self._buffers: list[moderngl.Buffer] = []
        self._lighting: Lighting | None = None
        self._cast_bones: np.ndarray | None = None
        """The bones the cast's shadow map was last drawn with (None: not drawn since load)."""

    def _geometry_program(self, practicals: int) -> moderngl.Program:
        if practicals not in self._geometry_programs:
            program = self.ctx.program(
                vertex_shader=_GEOMETRY_VS,
                fragment_shader=_GEOMETRY_FS.replace("{practicals}", str(practicals)),
            )
            program["Bones"].binding = 0
            program["shadow"].value = 1
            self._geometry_programs[practicals] = program
        return self._geometry_programs[practicals]

    def load(
        self, vertices: np.ndarray, indices: np.ndarray, lighting: Lighting, static: int
    ) -> None:
        """Upload a scene: vertices (N×13 float32, VERTEX_FORMAT), triangles (M×3 uint32),
        of which the first `static` never move (the set) and the rest ride bones."""
        # Another renderer in this process may own the current context: make this one
        # current for the call, or its commands would land in the other's.
        with self.ctx:
            self._load(vertices, indices, lighting, static)

    def _load(
        self, vertices: np.ndarray, indices: np.ndarray, lighting: Lighting, static: int
    ) -> None:
        for buffer in self._buffers:
            buffer.release()
        vbo = self.ctx.buffer(np.ascontiguousarray(vertices, dtype=np.float32).tobytes())
        ibo = self.ctx.buffer(np.ascontiguousarray(indices, dtype=np.uint32).tobytes())
        self._buffers = [vbo, ibo]
        self.geometry = self._geometry_program(min(len(lighting.practicals), MAX_PRACTICALS))
        self.vao = self.ctx.vertex_array(
            self.geometry, [(vbo, VERTEX_FORMAT, *VERTEX_ATTRIBUTES)], ibo, index_element_size=4
        )
        # The depth-only programs read positions and bones alone.
        self.prepass_vao, self.shadow_vao = (
            self.ctx.vertex_array(
                program,
                [(vbo, "3f 36x 1f", "in_position", "in_bone")],
                ibo,
                index_element_size=4,
            )
            for program in (self.prepass, self.shadow)
        )
        self._static, self._triangles = static, len(indices)
        self._cast_bones = None
        self._set_lighting(lighting)
        if any(lighting.sun_colour):
            self.bones.write(np.eye(4, dtype=np.float32).tobytes())  # bone 0: the set's
            self.bones.bind_to_uniform_block(0)
            self.set_shadow.use()
            self.set_shadow.clear(depth=1.0)
            self.ctx.enable(moderngl.DEPTH_TEST | moderngl.CULL_FACE)
            self.ctx.front_face = "ccw"
            self.shadow_vao.render(vertices=3 * static)

    def _set_lighting(self, lighting: Lighting) -> None:
        self._lighting = lighting
        g = self.geometry
        g["sun_direction"].value = lighting.sun_direction
        g["sun_colour"].value = lighting.sun_colour
        g["sky_colour"].value = lighting.sky_colour
        g["ground_colour"].value = lighting.ground_colour
        practicals = lighting.practicals[:MAX_PRACTICALS]
        if practicals:
            g["practical_position"].write(np.array([p for p, _ in practicals], np.float32))
            g["practical_colour"].write(np.array([c for _, c in practicals], np.float32))
        g["exposure"].value = lighting.exposure
        g["fog_colour"].value = lighting.fog_colour
        g["fog_density"].value = lighting.fog_density
        self.sky["zenith"].value = lighting.zenith
        self.sky["horizon"].value = lighting.horizon
        light = _light_view_proj(lighting)
        self.shadow["light_view_proj"].write(_gl(light))
        # Clip space [-1, 1] to the shadow map's [0, 1] happens in the shader.
        g["shadow_matrix"].write(_gl(light))

    def render(
        self,
        cam_to_world: np.ndarray,
        intrinsics: tuple[float, float, float, float],
        bones: np.ndarray,
        inverse_near: float = INVERSE_NEAR_M,
    ) -> Frame:
        """Draw one frame and read it back: `draw`, then `read`."""
        self.draw(cam_to_world, intrinsics, bones, inverse_near)
        return self.read()

    def draw(
        self,
        cam_to_world: np.ndarray,
        intrinsics: tuple[float, float, float, float],
        bones: np.ndarray,
        inverse_near: float = INVERSE_NEAR_M,
    ) -> None:
        """Start drawing one frame and return while the driver draws it (llvmpipe on its
        own threads): the caller's work on the frame before overlaps it. `bones` is K×4×4
        world matrices (bone 0 is the identity); inverse depth is white at `inverse_near`
        metres and nearer. `read` waits for the frame; the next `draw` must follow it."""
        with self.ctx:
            self._draw(cam_to_world, intrinsics, bones, inverse_near)
            _gl_call().glFlush()

    def read(self) -> Frame:
        """The frame last drawn, antialiased, once the driver has finished it. Its arrays
        are reused by the next frame's read."""
        with self.ctx:
            # FXAA samples the beauty the lit pass writes, so the driver waits for that
            # pass here: drawn in `draw`, it would keep the caller waiting there instead.
            self.ctx.disable(moderngl.DEPTH_TEST | moderngl.CULL_FACE)
            self.aa_fbo.use()
            self.beauty_tex.use(location=0)
            self.fxaa["image"].value = 0
            self.fxaa_vao.render(moderngl.TRIANGLES, vertices=3)
            beauty, normal, instance = self._rgb
            self.aa_fbo.read_into(beauty, components=3)
            self.fbo.read_into(normal, components=3, attachment=1)
            self.fbo.read_into(instance, components=3, attachment=2)
            self.fbo.read_into(self._depth, components=1, attachment=3, dtype="u2")
            self.fbo.read_into(self._inverse, components=1, attachment=4)
        return Frame(beauty, normal, instance, self._depth, self._inverse)

    def _draw(
        self,
        cam_to_world: np.ndarray,
        intrinsics: tuple[float, float, float, float],
        bones: np.ndarray,
        inverse_near: float,
    ) -> None:
        if (
            self.vao is None
            or self.prepass_vao is None
            or self.shadow_vao is None
            or self._lighting is None
        ):
            raise RuntimeError("load a scene before rendering")
        ctx = self.ctx
        self.bones.write(np.ascontiguousarray(bones.transpose(0, 2, 1), np.float32).tobytes())
        self.bones.bind_to_uniform_block(0)

        ctx.enable(moderngl.DEPTH_TEST | moderngl.CULL_FACE)
        # The cast's shadows depend on its bones alone: a cast that holds still (about half
        # the frames of a dialogue scene) keeps last frame's map.
        if any(self._lighting.sun_colour) and not _same(bones, self._cast_bones):
            self._cast_bones = bones.copy()
            _copy_depth(self.set_shadow, self.shadow_fbo, SHADOW_SIZE)
            self.shadow_fbo.use()
            ctx.front_face = "ccw"
            moving = self._triangles - self._static
            if moving:
                self.shadow_vao.render(first=3 * self._static, vertices=3 * moving)

        view = gl_view(cam_to_world)
        proj = perspective(*intrinsics, self.size)
        self.depth_fbo.use()
        self.depth_fbo.clear(depth=1.0)
        ctx.front_face = "cw"  # the Y flip mirrors the winding
        self.prepass["view"].write(_gl(view))
        self.prepass["proj"].write(_gl(proj))
        self.prepass_vao.render()
        self.fbo.use()
        ctx.depth_func = "=="  # of coplanar surfaces, the one drawn last shows
        g = self.geometry
        g["view"].write(_gl(view))
        g["proj"].write(_gl(proj))
        g["inverse_near"].value = inverse_near
        g["depth_scale"].value = DEPTH_SCALE_M
        self.shadow_map.use(location=1)
        self.vao.render()
        ctx.depth_func = "<"
        # The sky last, only where no geometry is: its triangle lies on the far plane, so
        # it passes the depth test only where the cleared depth was left.
        ctx.disable(moderngl.CULL_FACE)
        ctx.depth_func = "<="
        self.sky["inverse_view_proj"].write(_gl(np.linalg.inv(proj @ view)))
        self.empty.render(moderngl.TRIANGLES, vertices=3)
        ctx.depth_func = "<"

    def release(self) -> None:
        self.ctx.release()
