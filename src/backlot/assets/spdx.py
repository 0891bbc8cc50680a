"""SPDX licence ids: the packaged list (data/spdx_licenses.txt), validation and licence URIs.

A library asset must carry a licence. It is named by an SPDX id from the packaged list, or
by a custom `LicenseRef-<name>` (SPDX's own form for licences outside its list), whose text
lives at a URI the user gives.
"""

from __future__ import annotations

import difflib
import re
from functools import cache
from importlib.resources import files

from backlot.errors import BacklotError

SPDX_LICENSE_PAGE = "https://spdx.org/licenses/{}.html"

# SPDX spec, annex on license expressions: "LicenseRef-" idstring, idstring = 1*(ALPHA / DIGIT
# / "-" / ".").
_LICENSE_REF = re.compile(r"LicenseRef-[A-Za-z0-9.\-]+")


@cache
def known_licenses() -> tuple[str, ...]:
    """The SPDX ids in the packaged list, in their canonical spelling."""
    text = files("backlot.assets").joinpath("data/spdx_licenses.txt").read_text(encoding="utf-8")
    lines = (line.strip() for line in text.splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


@cache
def _by_folded_id() -> dict[str, str]:
    # SPDX ids match case-insensitively (SPDX spec, license expressions), so "mit" is MIT.
    return {spdx_id.casefold(): spdx_id for spdx_id in known_licenses()}


def is_custom(spdx_id: str) -> bool:
    """Whether `spdx_id` is a custom `LicenseRef-…` rather than a listed SPDX id."""
    return _LICENSE_REF.fullmatch(spdx_id) is not None


def validate_license(spdx_id: str) -> str:
    """`spdx_id` in its canonical spelling; BacklotError naming close ids when it is unknown."""
    spdx_id = spdx_id.strip()
    canonical = _by_folded_id().get(spdx_id.casefold())
    if canonical is not None:
        return canonical
    if is_custom(spdx_id):
        return spdx_id
    folded = list(_by_folded_id())
    close = difflib.get_close_matches(spdx_id.casefold(), folded, n=4, cutoff=0.6)
    hint = f"did you mean {', '.join(_by_folded_id()[c] for c in close)}? " if close else ""
    raise BacklotError(
        f"unknown SPDX licence id {spdx_id!r}: {hint}"
        "(see https://spdx.org/licenses/; a licence outside that list is LicenseRef-<name>)"
    )


def license_uri(spdx_id: str) -> str:
    """The SPDX page of a listed licence; BacklotError for a custom one, which has none."""
    canonical = validate_license(spdx_id)
    if is_custom(canonical):
        raise BacklotError(
            f"{canonical} is a custom licence with no SPDX page: pass its URI with --license-uri"
        )
    return SPDX_LICENSE_PAGE.format(canonical)
