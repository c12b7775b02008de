"""The apps the Expo tests render: varied prompts through the offline analyzer, a hostile one,
and one after an edit."""

from __future__ import annotations

from appgen.analyzer import analyze
from appgen.analyzer.edits import Revision, revise
from appgen.spec import AppSpec

HOSTILE_NAME = '"; process.exit(1); "'
HOSTILE_TAB = "${alert(1)} `whoami`"
HOSTILE_LABEL = "</script><img src=x onerror=alert(1)>"
HOSTILE_PROMPT = (
    f"A notes app called {HOSTILE_NAME} with {HOSTILE_TAB} and {HOSTILE_LABEL} "
    "{{x}} \u2028 */ // <!--"
)

PROMPTS = {
    "plants": "a plant watering tracker with reminders",
    "todo": "Create a todo list app",
    "budget": "a budget app to track expenses with charts and categories",
    "recipes": "a recipe book with photos and ratings",
    "fitness": "a fitness workout log with progress tracking, a calendar and login",
}


def hostile() -> AppSpec:
    """The hostile prompt's app, its name, a tab title and a list's label made hostile too."""
    spec = analyze(HOSTILE_PROMPT)
    data = spec.model_dump()
    data["name"] = HOSTILE_NAME
    tab = next(s for s in data["screens"] if s["in_tab_bar"] and s["kind"] == "list")
    tab["title"] = HOSTILE_TAB
    entity = next(e for e in data["entities"] if e["name"] == tab["entity"])
    entity["label"] = HOSTILE_LABEL
    return AppSpec.model_validate(data)


def edited() -> AppSpec:
    """The todo app after "add a photo to tasks"."""
    outcome = revise(analyze(PROMPTS["todo"]), "add a photo to tasks")
    assert isinstance(outcome, Revision), outcome
    return outcome.spec


def apps() -> dict[str, AppSpec]:
    specs = {name: analyze(prompt) for name, prompt in PROMPTS.items()}
    specs["hostile"] = hostile()
    specs["todo-edited"] = edited()
    return specs
