"""The rules analyzer: a prompt becomes an AppSpec with no model, deterministically and quickly."""

from __future__ import annotations

from appgen.analyzer import naming
from appgen.analyzer.build import build_spec
from appgen.analyzer.classify import classify
from appgen.analyzer.extract import extract
from appgen.analyzer.plan import plan_entities
from appgen.spec import AppSpec

# The spec's `prompt` field holds at most this many characters.
MAX_PROMPT = 4000


class UnusablePrompt(ValueError):
    """The prompt has nothing an app could be made from; the message is for people."""


def analyze(prompt: str) -> AppSpec:
    """The app a prompt describes: pure (no I/O), and the same prompt always gives the same spec.

    Raises `UnusablePrompt` when the prompt holds no letters at all.
    """
    if not any(c.isalpha() for c in prompt):
        raise UnusablePrompt(
            "The prompt has no words to build an app from. Describe the app in a sentence, "
            "for example: a plant watering tracker with reminders."
        )
    extraction = extract(prompt[:MAX_PROMPT])
    domain = classify(extraction)
    entities = plan_entities(extraction, domain)
    features = extraction.features | (domain.features if domain else frozenset())
    name = naming.app_name(extraction, domain, entities)
    return build_spec(
        prompt=prompt[:MAX_PROMPT],
        name=name,
        slug=naming.slug(name, entities),
        description=naming.description(name, domain, entities, features),
        domain=domain,
        entities=entities,
        features=features,
        theme=naming.theme(domain, entities),
    )
