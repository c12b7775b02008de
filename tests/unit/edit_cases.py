"""The public table of follow-up edits: an app (made by the offline analyzer from a prompt), an
edit prompt, and what must hold afterwards.

Expectations, one or more per row, joined by " ; ":
  field <entity>.<field> type <type>       the field exists with that type
  field <entity>.<field> required|optional
  field <entity>.<field> choices A,B,C
  no field <entity>.<field>
  entity <name> [stored_as <key>]          the entity exists (and keeps its records' key)
  no entity <name>
  field <entity>.<field> stored_as <key>
  screen <route> [title <title>]           a screen with that route (and title)
  no screen <route>
  component <kind> on <route>  /  no component <kind> on <route>
  feature <feature> on|off
  theme.<setting> <value>
  name <name> ; slug <slug> ; home <route>
  refused contains "<words>"               the edit is refused with a reason containing them
"""

from __future__ import annotations

from typing import NamedTuple


class EditCase(NamedTuple):
    app: str
    edit: str
    expect: str


TASKS = "a task manager"
FITNESS = "a fitness app with workout plans"
RECIPES = "a recipe book"
EXPENSES = "an expense tracker"
PLANTS = "a plant care app"
BOOK_CLUB = "a book club app"
HABITS = "a habit tracker"
MOVIES = "a movie watchlist"
EVENTS = "an event planner"

CASES: tuple[EditCase, ...] = (
    # Fields: added with a type read from their words.
    EditCase(TASKS, "add a start date to tasks", "field task.start_date type date"),
    EditCase(TASKS, "add a budget to projects", "field project.budget type money"),
    EditCase(EXPENSES, "add a receipt photo to expenses", "field expense.receipt_photo type image"),
    EditCase(EXPENSES, "add a paid checkbox to expenses", "field expense.paid type boolean"),
    EditCase(FITNESS, "add stars to workouts", "field workout.stars type rating"),
    EditCase(FITNESS, "add is completed to workouts", "field workout.is_completed type boolean"),
    EditCase(MOVIES, "add a trailer link", "field movie.trailer_link type url"),
    EditCase(MOVIES, "add a director", "field movie.director type text"),
    EditCase(EVENTS, "add a ticket price", "field event.ticket_price type money"),
    EditCase(EVENTS, "add an organiser email to events", "field event.organiser_email type email"),
    EditCase(
        PLANTS, "add a fertilized on date to plants", "field plant.fertilized_on_date type date"
    ),
    EditCase(HABITS, "add a reminder time to habits", "field habit.reminder_time type datetime"),
    EditCase(HABITS, "add a streak to habits", "field habit.streak type number"),
    EditCase(RECIPES, "add a description to recipe books", "field book.description type long_text"),
    EditCase(BOOK_CLUB, "add a host phone to book clubs", "field club.host_phone type phone"),
    # Several fields at once; required; choices.
    EditCase(
        TASKS,
        "add a due date and a price to projects",
        "field project.due_date type date ; field project.price type money",
    ),
    EditCase(EXPENSES, "add a required merchant to expenses", "field expense.merchant required"),
    EditCase(
        RECIPES,
        "add a difficulty to recipes: easy, medium, hard",
        "field recipe.difficulty choices Easy,Medium,Hard ; component filter_chips on recipes",
    ),
    EditCase(
        FITNESS,
        "add a required intensity (easy, medium, hard) to workouts",
        "field workout.intensity choices Easy,Medium,Hard ; field workout.intensity required",
    ),
    EditCase(TASKS, "make the deadline required", "field project.deadline required"),
    EditCase(EXPENSES, "make amount optional", "field expense.amount optional"),
    # Fields removed and renamed.
    EditCase(TASKS, "remove the notes field from tasks", "no field task.notes"),
    EditCase(
        MOVIES,
        "remove the genre field",
        "no field movie.genre ; no component filter_chips on movies",
    ),
    EditCase(
        TASKS,
        "rename title to name on tasks",
        "field task.name stored_as title ; field task.name type text",
    ),
    EditCase(EXPENSES, "rename note to memo", "field expense.memo stored_as note"),
    EditCase(
        FITNESS,
        "rename duration to minutes on workouts",
        "field workout.minutes stored_as duration_minutes",
    ),
    # Entities added, removed, renamed.
    EditCase(
        TASKS,
        "add a list of clients",
        "entity client ; screen clients title Clients ; screen client-form",
    ),
    EditCase(MOVIES, "add a cinemas list", "entity cinema ; screen cinemas"),
    EditCase(BOOK_CLUB, "add members", "entity member"),
    EditCase(
        TASKS,
        "remove projects",
        "no entity project ; no field task.project ; no screen projects ; no screen project-form",
    ),
    EditCase(
        HABITS,
        "remove habits",
        "no entity habit ; no field check_in.habit ; no component chart on home",
    ),
    EditCase(
        TASKS,
        "rename tasks to todos",
        "entity todo stored_as task ; screen tasks title Todos ; no entity task",
    ),
    EditCase(
        FITNESS,
        "rename workout plans to programs",
        "entity program stored_as plan ; screen workout-plans title Programs",
    ),
    EditCase(HABITS, "rename check-ins to logs", "entity log stored_as check_in"),
    # Screens.
    EditCase(
        TASKS,
        "add a statistics screen",
        "screen statistics title Statistics ; component chart on statistics ; feature charts on",
    ),
    EditCase(FITNESS, "add a calendar screen", "screen calendar ; component calendar on calendar"),
    EditCase(TASKS, "remove the settings screen", "no screen settings"),
    EditCase(MOVIES, "remove the home screen", "no screen home ; home movies"),
    EditCase(TASKS, "rename the Tasks screen to My tasks", "screen tasks title My tasks"),
    # Theme and name.
    EditCase(TASKS, "make it dark", "theme.appearance dark ; feature dark_mode on"),
    EditCase(EVENTS, "make it light", "theme.appearance light"),
    EditCase(TASKS, "use a green accent", "theme.accent #16a34a"),
    EditCase(RECIPES, "make the primary colour purple", "theme.primary #9333ea"),
    EditCase(TASKS, "rounder corners", "theme.radius 22"),
    EditCase(EVENTS, "square corners and a pink accent", "theme.radius 0 ; theme.accent #db2777"),
    EditCase(TASKS, "call the app Fitly", "name Fitly ; slug task_manager"),
    EditCase(MOVIES, "rename the app to Reel", "name Reel ; slug watchlist"),
    # Features with their components.
    EditCase(
        TASKS,
        "add search",
        "feature search on ; component search_bar on tasks ; component search_bar on projects",
    ),
    EditCase(RECIPES, "remove search", "feature search off ; no component search_bar on recipes"),
    EditCase(EXPENSES, "remove the chart", "feature charts off ; no component chart on home"),
    EditCase(HABITS, "turn charts off", "feature charts off"),
    EditCase(TASKS, "add charts", "feature charts on ; component chart on home"),
    # Several changes in one prompt.
    EditCase(
        TASKS,
        "make it dark and add search; rename projects to clients",
        "theme.appearance dark ; feature search on ; entity client stored_as project",
    ),
    # Refusals: ambiguous, unknown, invalid, not understood.
    EditCase(TASKS, "add a due date", 'refused contains "which list"'),
    EditCase(EXPENSES, "add an email", 'refused contains "Expenses or Budgets"'),
    EditCase(TASKS, "add projects", 'refused contains "already a list"'),
    EditCase(TASKS, "remove title from tasks", 'refused contains "title of every task"'),
    EditCase(MOVIES, "remove movies", 'refused contains "only list"'),
    EditCase(TASKS, "remove the task screen", 'refused contains "remove tasks"'),
    EditCase(TASKS, "remove the colour field from tasks", 'refused contains "no field called"'),
    EditCase(TASKS, "rename gizmos to widgets", 'refused contains "no list, field or screen"'),
    EditCase(TASKS, "add priority to tasks: urgent", 'refused contains "at least two options"'),
    EditCase(TASKS, "add a hologram screen", 'refused contains "statistics"'),
    EditCase(TASKS, "flibbertigibbet", 'refused contains "did not understand"'),
    EditCase(TASKS, "make it sing and dance", 'refused contains "Try, for example"'),
    EditCase(TASKS, "rename tasks to projects", 'refused contains "already a list"'),
    EditCase(EVENTS, "add a calendar screen", "screen calendar ; feature calendar on"),
)
