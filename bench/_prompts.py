"""The standard set of prompts the generation benchmarks request, one project each."""

PROMPTS = (
    "Create a fitness app with workout plans",
    "a plant watering tracker with reminders and photos",
    "a todo list app with categories and dark mode",
    "a recipe book with ingredients, ratings and search",
    "an app to track my vinyl records and the friends I lend them to",
)
