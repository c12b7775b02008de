"""`--scale SERVICE=N` parsing, and the process plan it produces."""

from __future__ import annotations

import pytest

from appgen.cli.scale import ScaleError, parse_scale
from appgen.cli.services import BY_NAME, SERVICES, instances

pytestmark = pytest.mark.unit


def test_parses_repeated_values() -> None:
    assert parse_scale(["screens=3", "images=2"]) == {"screens": 3, "images": 2}


def test_nothing_scaled_is_empty() -> None:
    assert parse_scale([]) == {}


def test_whitespace_around_parts_is_tolerated() -> None:
    assert parse_scale([" screens = 4 "]) == {"screens": 4}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("screens", "is not SERVICE=N"),
        ("=3", "is not SERVICE=N"),
        ("screens=", "is not SERVICE=N"),
        ("nope=2", "is not a service"),
        ("screens=two", "not a whole number"),
        ("screens=1.5", "not a whole number"),
        ("screens=0", "at least 1"),
        ("screens=-2", "at least 1"),
        ("gateway=2", "runs as one process"),
    ],
)
def test_rejects_bad_values(value: str, message: str) -> None:
    with pytest.raises(ScaleError, match=message):
        parse_scale([value])


def test_rejects_a_service_scaled_twice() -> None:
    with pytest.raises(ScaleError, match="scaled twice"):
        parse_scale(["screens=2", "screens=3"])


def test_the_error_lists_what_can_be_scaled() -> None:
    with pytest.raises(ScaleError) as caught:
        parse_scale(["screen=2"])
    assert "screens" in str(caught.value)
    assert "gateway" not in str(caught.value)


def test_instances_runs_n_of_a_scaled_service_and_one_of_the_rest_in_start_order() -> None:
    labels = [instance.label for instance in instances({"screens": 3, "images": 2})]
    assert labels == [
        "recorder#1",
        "analyzer#1",
        "scaffolder#1",
        "screens#1",
        "screens#2",
        "screens#3",
        "images#1",
        "images#2",
        "finisher#1",
        "native#1",
        "gateway#1",
    ]


def test_instances_only_runs_the_services_it_is_given() -> None:
    present = [BY_NAME["recorder"], BY_NAME["screens"]]
    assert [i.label for i in instances({"screens": 2}, present)] == [
        "recorder#1",
        "screens#1",
        "screens#2",
    ]


def test_every_service_module_is_under_the_appgen_namespace() -> None:
    assert all(service.module == f"appgen.{service.name}" for service in SERVICES)
    assert SERVICES[0].name == "recorder"
    assert SERVICES[-1].name == "gateway"
