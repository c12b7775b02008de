"""The images service's art: valid, escaped, deterministic SVG and the image requests, icon first."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from appgen.images import (
    ICON_SVG,
    SPLASH_SVG,
    ImageRole,
    draw,
    icon_png_path,
    illustration_path,
    image_requests,
)
from appgen.images.handlers import BAND
from appgen.images.marks import initials
from appgen.spec import AppSpec
from appgen.store.samples import sample_spec

pytestmark = pytest.mark.unit

SVG_NS = "{http://www.w3.org/2000/svg}"
HOSTILE = '</title><script>alert("x")</script> & <b>'


def all_files(spec: AppSpec) -> dict[str, bytes]:
    return {
        r.path: r.data for request in image_requests(spec) for r in draw(spec, request).renditions
    }


def parse_svg(data: bytes) -> ET.Element:
    root = ET.fromstring(data)
    assert root.tag == f"{SVG_NS}svg"
    return root


def texts(root: ET.Element) -> str:
    return "".join(root.itertext())


def test_plan_puts_the_icon_first_then_splash_then_one_illustration_per_entity() -> None:
    spec = sample_spec()
    requests = image_requests(spec)
    assert [(r.name, r.purpose) for r in requests] == [
        ("icon", ImageRole.icon),
        ("splash", ImageRole.splash),
        ("plant", ImageRole.illustration),
        ("watering", ImageRole.illustration),
        ("reminder", ImageRole.illustration),
    ]


def test_the_files_are_at_the_contracted_paths_with_their_content_types() -> None:
    spec = sample_spec()
    found = {
        r.path: r.content_type
        for request in image_requests(spec)
        for r in draw(spec, request).renditions
    }
    assert found == {
        ICON_SVG: "image/svg+xml",
        "assets/icon-192.png": "image/png",
        "assets/icon-512.png": "image/png",
        "assets/icon-1024.png": "image/png",
        SPLASH_SVG: "image/svg+xml",
        "assets/illustrations/plant.svg": "image/svg+xml",
        "assets/illustrations/watering.svg": "image/svg+xml",
        "assets/illustrations/reminder.svg": "image/svg+xml",
    }
    assert ICON_SVG == "assets/icon.svg"
    assert SPLASH_SVG == "assets/splash.svg"
    assert icon_png_path(192) == "assets/icon-192.png"
    assert illustration_path("plant") == "assets/illustrations/plant.svg"


def test_every_svg_parses_and_shows_the_theme() -> None:
    spec = sample_spec()
    for path, data in all_files(spec).items():
        if not path.endswith(".svg"):
            continue
        root = parse_svg(data)
        assert "#2f9e6e" in data.decode(), path
        assert root.find(f"{SVG_NS}title") is not None, path


def test_icon_uses_the_glyph_and_the_theme_gradient() -> None:
    spec = sample_spec()
    root = parse_svg(all_files(spec)[ICON_SVG])
    stops = [s.get("stop-color") for s in root.iter(f"{SVG_NS}stop")]
    assert stops == ["#2f9e6e", "#f4a261"]
    assert "🪴" in texts(root)


def test_icon_without_a_glyph_shows_initials() -> None:
    spec = sample_spec(name="Budget Buddy", glyph="•")
    root = parse_svg(all_files(spec)[ICON_SVG])
    assert "BB" in texts(root)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Plant Care", "PC"),
        ("café log book", "CL"),
        ("notes", "N"),
        ("植物", ""),
        ("3D Prints", "3P"),
    ],
)
def test_initials(name: str, expected: str) -> None:
    assert initials(name) == expected


def test_hostile_text_is_escaped_everywhere() -> None:
    spec = sample_spec(
        name=HOSTILE,
        description="<img src=x onerror=alert(1)> & \x01 bell\x07",
        glyph="<b>&</b>",
        entities=(("thing", '<script>"&"</script>', "<i>"),),
    )
    for path, data in all_files(spec).items():
        if not path.endswith(".svg"):
            continue
        root = parse_svg(data)
        tags = {element.tag for element in root.iter()}
        assert not tags & {f"{SVG_NS}script", f"{SVG_NS}b", f"{SVG_NS}i", f"{SVG_NS}img"}, path
        assert "<script" not in data.decode(), path
    splash = parse_svg(all_files(spec)[SPLASH_SVG])
    assert splash.findtext(f"{SVG_NS}title") == HOSTILE
    assert splash.get("aria-label") == HOSTILE
    assert "\x01" not in texts(splash)
    assert "<img src=x onerror=alert(1)> &" in " ".join(texts(splash).split())
    icon = parse_svg(all_files(spec)[ICON_SVG])
    assert "<b>&</b>" in texts(icon)
    thing = parse_svg(all_files(spec)["assets/illustrations/thing.svg"])
    assert thing.findtext(f"{SVG_NS}title") == '<script>"&"</script>'
    assert "<i>" in texts(thing)


def test_long_names_are_wrapped_and_cut_on_the_splash() -> None:
    spec = sample_spec(name="A very long application name " * 2, description="word " * 300)
    root = parse_svg(all_files(spec)[SPLASH_SVG])
    lines = [t.text or "" for t in root.iter(f"{SVG_NS}tspan")]
    assert len(lines) <= 5
    assert all(len(line) <= 34 for line in lines)
    assert lines[-1].endswith("…")


def test_same_spec_gives_the_same_bytes() -> None:
    assert all_files(sample_spec()) == all_files(sample_spec())


def test_each_entity_gets_its_own_illustration() -> None:
    files = all_files(sample_spec())
    illustrations = [data for path, data in files.items() if "/illustrations/" in path]
    assert len(illustrations) == 3
    assert len(set(illustrations)) == 3
    # Not only the emoji differs: the drawn shapes do too.
    shapes = [
        [(e.tag, sorted(e.attrib.items())) for e in parse_svg(d).iter() if e.tag != f"{SVG_NS}text"]
        for d in illustrations
    ]
    assert shapes[0] != shapes[1] != shapes[2] != shapes[0]


def test_an_illustration_depends_on_its_entity_and_theme_only() -> None:
    one = all_files(sample_spec(entities=(("plant", "Plants", "🌱"),)))
    other = all_files(
        sample_spec(name="Other", entities=(("pot", "Pots", "🪴"), ("plant", "Plants", "🌱")))
    )
    path = "assets/illustrations/plant.svg"
    assert one[path] == other[path]
    recoloured = all_files(sample_spec(primary="#1d4ed8", entities=(("plant", "Plants", "🌱"),)))
    assert recoloured[path] != one[path]


def test_an_app_without_entities_still_gets_icon_and_splash() -> None:
    spec = sample_spec(entities=())
    assert [r.purpose for r in image_requests(spec)] == [ImageRole.icon, ImageRole.splash]


def test_progress_spreads_images_from_40_to_90() -> None:
    for total in (1, 2, 5, 14):
        steps = [BAND.at(i, total) for i in range(total)]
        assert steps == sorted(steps)
        assert all(40 < step <= 90 for step in steps)
        assert steps[-1] == 90
