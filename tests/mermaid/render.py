"""Renders Mermaid diagrams with the pinned Mermaid (package.json here) in headless Chromium, as GitHub does.

GitHub draws a ```mermaid block in a browser with Mermaid's default configuration, scaled down to the width
of the comment (`useMaxWidth`). This helper does the same: one Chromium process loads a page with the pinned
`mermaid.min.js`, parses and renders every diagram, and reports each one's error (if any) and size, natural
and as shown in a column of a given width. `python -m tests.mermaid.render MAP.md OUT.png` also takes a
screenshot, to look at a map as a reviewer would.

Needs `npm ci` in tests/mermaid (Mermaid's own files) and Chromium (Debian: `apt-get install chromium`).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PAGE = HERE / "render.html"
PACKAGES = ("mermaid", "mermaid-10")
"""The pinned Mermaid releases (package.json): the newest and the last of version 10. GitHub does not say
which one it runs, so a map must render in both."""

GITHUB_COLUMN_WIDTH = 880
"""CSS pixels a ```mermaid block gets in a pull-request comment on a 1920-pixel-wide screen (GitHub's PR
timeline column is about 900 px, minus the comment's padding)."""

_BLOCK = re.compile(r"```mermaid\n(.*?)\n```", re.DOTALL)
_RESULT = re.compile(r'<pre id="result"[^>]*>(.*?)</pre>', re.DOTALL)


class RendererMissing(RuntimeError):
    """Mermaid's files or Chromium are not installed here."""


@dataclass(frozen=True)
class Rendering:
    """What Mermaid made of one diagram."""

    error: str | None
    """Mermaid's parse or render error, None when the diagram rendered."""
    width: float
    """Natural size of the SVG in CSS pixels (its viewBox), before GitHub scales it to the column."""
    height: float
    shown_width: float
    """Size in the column, as GitHub shows it (scaled down when wider than the column, never up)."""
    shown_height: float
    svg: str
    max_text_size: int
    """Mermaid's own limit on a diagram's text; a longer one renders as an error box instead."""
    max_edges: int
    """Mermaid's own limit on a flowchart's edges."""
    version: str


def mermaid_blocks(markdown: str) -> list[str]:
    """The Mermaid diagrams in a Markdown text, as GitHub finds them."""
    return _BLOCK.findall(markdown)


def find_chromium() -> str:
    """The Chromium executable: $CHROMIUM, else the first of the usual names on PATH."""
    named = os.environ.get("CHROMIUM")
    if named:
        found = shutil.which(named)
        if found is None:
            raise RendererMissing(f"$CHROMIUM={named} is not an executable")
        return found
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise RendererMissing("no Chromium on PATH (Debian: apt-get install chromium), or set $CHROMIUM")


def mermaid_js(package: str) -> Path:
    """The browser build of one pinned Mermaid package."""
    return HERE / "node_modules" / package / "dist" / "mermaid.min.js"


def check_installed() -> str:
    """The Chromium to use; raises RendererMissing naming what to install when something is missing."""
    for package in PACKAGES:
        if not mermaid_js(package).exists():
            raise RendererMissing(f"{mermaid_js(package)} is missing: run `make mermaid` (npm ci in {HERE})")
    return find_chromium()


def _page(diagrams: Sequence[str], column_width: int, show: int | None, package: str) -> str:
    """The render page with the diagrams and options filled in."""
    options = {"diagrams": list(diagrams), "columnWidth": column_width, "show": show}
    template = PAGE.read_text()
    # The JSON goes into a <script type="application/json">: only `</` could end it early.
    payload = json.dumps(options).replace("</", "<\\/")
    script = html.escape(mermaid_js(package).as_uri())
    return template.replace("@MERMAID_JS@", script).replace("@OPTIONS@", payload)


def _chromium(arguments: list[str], page: Path) -> str:
    chromium = check_installed()
    command = [
        chromium,
        "--headless",
        "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
        "--disable-gpu",
        "--allow-file-access-from-files",
        "--hide-scrollbars",
        # Virtual time runs the page's promises to completion before the DOM is dumped or the shot taken.
        "--virtual-time-budget=30000",
        *arguments,
        page.as_uri(),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{chromium} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return result.stdout


def render(
    diagrams: Sequence[str], column_width: int = GITHUB_COLUMN_WIDTH, package: str = PACKAGES[0]
) -> list[Rendering]:
    """Parse and render every diagram with one Mermaid in one Chromium; one Rendering each, in order."""
    with tempfile.TemporaryDirectory(prefix="mermaid-render-") as directory:
        page = Path(directory) / "page.html"
        page.write_text(_page(diagrams, column_width, None, package))
        dom = _chromium(["--dump-dom"], page)
    match = _RESULT.search(dom)
    if match is None:
        raise RuntimeError(f"the render page reported nothing; Chromium printed:\n{dom[-2000:]}")
    reported: dict[str, Any] = json.loads(html.unescape(match.group(1)))
    if reported.get("fatal"):
        raise RuntimeError(f"the render page failed: {reported['fatal']}")
    version = json.loads((mermaid_js(package).parents[1] / "package.json").read_text())["version"]
    return [
        Rendering(
            error=item.get("error"),
            width=float(item.get("width", 0)),
            height=float(item.get("height", 0)),
            shown_width=float(item.get("shownWidth", 0)),
            shown_height=float(item.get("shownHeight", 0)),
            svg=str(item.get("svg", "")),
            max_text_size=int(reported["maxTextSize"]),
            max_edges=int(reported["maxEdges"]),
            version=version,
        )
        for item in reported["results"]
    ]


def screenshot(
    diagram: str, path: Path, column_width: int = GITHUB_COLUMN_WIDTH, package: str = PACKAGES[0]
) -> Rendering:
    """Render one diagram and save a PNG of it as shown in the column."""
    (rendering,) = render([diagram], column_width, package)
    if rendering.error:
        raise RuntimeError(f"the diagram does not render: {rendering.error}")
    with tempfile.TemporaryDirectory(prefix="mermaid-shot-") as directory:
        page = Path(directory) / "page.html"
        page.write_text(_page([diagram], column_width, 0, package))
        size = f"{column_width + 32},{int(rendering.shown_height) + 32}"
        _chromium([f"--screenshot={path.resolve()}", f"--window-size={size}"], page)
    return rendering


def main(argv: Sequence[str]) -> int:
    """`python -m tests.mermaid.render MAP.md OUT.png [COLUMN_WIDTH [PACKAGE]]`: a PNG of the first map."""
    if len(argv) not in (2, 3, 4):
        print(main.__doc__, file=sys.stderr)
        return 2
    blocks = mermaid_blocks(Path(argv[0]).read_text())
    if not blocks:
        print(f"{argv[0]}: no ```mermaid block", file=sys.stderr)
        return 2
    width = int(argv[2]) if len(argv) >= 3 else GITHUB_COLUMN_WIDTH
    rendering = screenshot(blocks[0], Path(argv[1]), width, argv[3] if len(argv) == 4 else PACKAGES[0])
    print(
        f"{argv[1]}: Mermaid {rendering.version}, natural {rendering.width:.0f} x {rendering.height:.0f} px, "
        f"shown {rendering.shown_width:.0f} x {rendering.shown_height:.0f} px in a {width} px column"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
