"""The residency maps render in Mermaid itself, as GitHub renders them, and fit on one screen.

Mermaid (both pinned releases, tests/mermaid/package.json) runs in headless Chromium: a map that Mermaid
cannot parse or render fails here, not in the pull request. Under CI (CI=true) a missing Chromium or
`npm ci` is a failure; locally the tests skip, saying what to install.

The size bound: GitHub shows a ```mermaid block scaled down to the comment's width (about 880 CSS px,
tests/mermaid/render.py). A 1080-pixel-high screen leaves about 900 px of page under the browser's bars, so
the map, as shown, must be at most 900 px high (its legend, a block of its own, is checked alike); and its
text must not be scaled below 75% (12 px from Mermaid's 16 px), or a reviewer has to zoom to read it.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from offline_preview.diagram import ResidencyMap
from tests.mermaid.render import (
    PACKAGES,
    RendererMissing,
    Rendering,
    check_installed,
    mermaid_blocks,
    render,
)

from .conftest import REPOSITORY
from .map_text import REAL_STACKS, real_stack_registrations

SCREEN_HEIGHT = 900
"""CSS pixels of page a 1080-pixel-high screen shows below the browser's bars and the comment header."""
SMALLEST_SCALE = 0.75
"""The least a map may be scaled down to fit the column: Mermaid's 16 px text then reads at 12 px."""


@pytest.fixture(scope="module")
def renderer() -> str:
    """Chromium with the pinned Mermaid; a failure under CI, a skip naming the fix elsewhere."""
    try:
        return check_installed()
    except RendererMissing as missing:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI must render the residency maps: {missing} (see .ci/run)")
        pytest.skip(f"cannot render Mermaid here: {missing}")


@pytest.fixture(scope="module")
def real_maps() -> dict[str, str]:
    """The Mermaid block of each real stack's map, of eu's against a state where the exchange is new, and
    the two legends (without and with the marks of a change): each is a diagram GitHub renders."""
    maps = {
        stack: ResidencyMap(stack, REPOSITORY, list(real_stack_registrations(stack))).markdown()
        for stack in REAL_STACKS
    }
    registrations = list(real_stack_registrations("eu"))
    changes = {r["urn"]: "same" for r in registrations}
    changes.update({r["urn"]: "create" for r in registrations if "telemetry-exchange" in r["name"]})
    maps["eu with a change"] = ResidencyMap("eu", REPOSITORY, registrations, changes=changes).markdown()
    blocks = {name: mermaid_blocks(markdown) for name, markdown in maps.items()}
    assert all(len(found) == 2 for found in blocks.values()), "each map is followed by its legend"
    drawn = {name: found[0] for name, found in blocks.items()}
    drawn["legend"] = blocks["eu"][1]
    drawn["legend with changes"] = blocks["eu with a change"][1]
    return drawn


BROKEN = ('flowchart TB\n  n0["store"] --> end', 'flowchart TB\n  n0["unclosed] --> n1')
"""Two maps Mermaid cannot parse: `end` is a keyword, not a node, and an unclosed label never parses."""

Renderings = tuple[list[Rendering], list[Rendering]]


@pytest.fixture(scope="module")
def rendered(renderer: str, real_maps: dict[str, str]) -> Callable[[str], Renderings]:
    """The real maps' renderings and the broken maps', by one Mermaid release in one Chromium, once each.

    A Chromium start is most of a render's cost. The page renders, measures and reports each diagram on its
    own, in order, before it takes the next (tests/mermaid/render.html), so the broken maps, rendered after
    the real ones, cannot change what the real ones measure.
    """
    renderings: dict[str, Renderings] = {}

    def of(package: str) -> Renderings:
        if package not in renderings:
            found = render([*real_maps.values(), *BROKEN], package=package)
            renderings[package] = (found[: len(real_maps)], found[len(real_maps) :])
        return renderings[package]

    return of


@pytest.mark.parametrize("package", PACKAGES)
def test_both_real_stacks_maps_render_in_mermaid_within_one_screen(
    package: str, real_maps: dict[str, str], rendered: Callable[[str], Renderings]
) -> None:
    """No parse or render error, within Mermaid's own text and edge limits, at most a screen high."""
    renderings, _ = rendered(package)
    for stack, rendering in zip(real_maps, renderings, strict=True):
        text = real_maps[stack]
        assert rendering.error is None, (
            f"Mermaid {rendering.version} cannot render the {stack} map: {rendering.error}"
        )
        assert "Syntax error" not in rendering.svg and "Maximum text size" not in rendering.svg
        assert len(text) < rendering.max_text_size
        assert text.count("-->") + text.count("==>") + text.count("~~~") < rendering.max_edges
        assert rendering.shown_height <= SCREEN_HEIGHT, (
            f"the {stack} map is {rendering.shown_height:.0f} px high as GitHub shows it (Mermaid "
            f"{rendering.version}); at most {SCREEN_HEIGHT}"
        )
        scale = rendering.shown_width / rendering.width
        assert scale >= SMALLEST_SCALE, (
            f"the {stack} map is {rendering.width:.0f} px wide and shown at {scale:.0%}: its text is too "
            f"small to read without zooming (at least {SMALLEST_SCALE:.0%})"
        )


@pytest.mark.parametrize("package", PACKAGES)
def test_a_map_mermaid_cannot_parse_fails_the_render_check(
    package: str, rendered: Callable[[str], Renderings]
) -> None:
    """The check can fail: `end` is a keyword, not a node, and an unclosed label never parses."""
    _, renderings = rendered(package)
    assert len(renderings) == len(BROKEN)
    assert all(rendering.error for rendering in renderings), [r.error for r in renderings]
