"""The app is made of the user's own words: the nouns a prompt lists come back as entities or fields.

Each case is a prompt with the nouns a person would expect to see as entities (and, where a
noun is better a value on a record, as fields). A noun counts as present only when an entity's,
field's or screen's own name or label is that noun, ignoring case and plurals, never through
the prompt the spec echoes. Most prompts are from fields the domain library does not cover, in
the phrasings people use ("X with A, B and C", "X: A, B, C", "track A and B", "A, B & C").
"""

from __future__ import annotations

import re

import pytest

from appgen.analyzer import analyze
from appgen.analyzer.words import fold, singular
from appgen.spec import AppSpec, FieldType

pytestmark = pytest.mark.unit

TARGET = 0.95

# (prompt, expected entity labels, expected field labels)
Case = tuple[str, tuple[str, ...], tuple[str, ...]]
CASES: list[Case] = [
    # The issue's own examples.
    ("Band rehearsal planner with songs, setlists and gigs", ("songs", "setlists", "gigs"), ()),
    (
        "Travel itinerary with trips, flights, hotels and activities",
        ("trips", "flights", "hotels", "activities"),
        (),
    ),
    ("Aquarium manager: tanks, fish and water tests", ("tanks", "fish", "water tests"), ()),
    ("Flashcards to learn Spanish vocabulary with decks", ("flashcards", "decks"), ()),
    ("Habit tracker with streaks", ("habits",), ("streaks",)),
    ("Board game night organizer: games, players and scores", ("games", "players"), ("scores",)),
    (
        "Beekeeping log for hives, inspections and honey harvests",
        ("hives", "inspections", "honey harvests"),
        (),
    ),
    # Crafts and making.
    (
        "Astronomy journal: observations, telescopes, eyepieces and targets",
        ("observations", "telescopes", "eyepieces", "targets"),
        (),
    ),
    (
        "Woodworking shop log: projects, lumber, finishes and clamps",
        ("projects", "lumber", "finishes", "clamps"),
        (),
    ),
    (
        "Knitting tracker with projects, yarns, patterns and needles",
        ("projects", "yarns", "patterns", "needles"),
        (),
    ),
    (
        "Pottery studio: pieces, glazes, firings and kilns",
        ("pieces", "glazes", "firings", "kilns"),
        (),
    ),
    (
        "3D printing tracker for printers, filaments and print jobs",
        ("printers", "filaments", "print jobs"),
        (),
    ),
    (
        "Soap making log: recipes, batches, oils and fragrances",
        ("recipes", "batches", "oils", "fragrances"),
        (),
    ),
    ("Quilting app: quilts, fabrics & patterns", ("quilts", "fabrics", "patterns"), ()),
    (
        "Film photography log for rolls, cameras, developers and scans",
        ("rolls", "cameras", "developers", "scans"),
        (),
    ),
    (
        "Home brewing log: recipes, batches, hops and tastings",
        ("recipes", "batches", "hops", "tastings"),
        (),
    ),
    (
        "Cheese making diary with cheeses, cultures, batches and aging notes",
        ("cheeses", "cultures", "batches", "aging notes"),
        (),
    ),
    (
        "Keep track of my comic books, series and conventions",
        ("comic books", "series", "conventions"),
        (),
    ),
    (
        "Stamp collection catalogue with stamps, countries, albums and dealers",
        ("stamps", "countries", "albums", "dealers"),
        (),
    ),
    ("Sneaker collection with sneakers, brands and sales", ("sneakers", "sales"), ("brands",)),
    (
        "Photography portfolio with shoots, clients, cameras & lenses",
        ("shoots", "clients", "cameras", "lenses"),
        (),
    ),
    (
        "Astrophotography: targets, exposures, filters plus processing notes",
        ("targets", "exposures", "filters", "processing notes"),
        (),
    ),
    # Nature and animals.
    (
        "Birdwatching log: species, sightings, locations and field trips",
        ("species", "sightings", "field trips"),
        ("locations",),
    ),
    (
        "Vineyard management: vines, blocks, harvests and wine batches",
        ("vines", "blocks", "harvests", "wine batches"),
        (),
    ),
    (
        "Garden planner with beds, seeds, plantings and harvests",
        ("beds", "seeds", "plantings", "harvests"),
        (),
    ),
    (
        "Orchid care log: orchids, repottings, bloom cycles and fertilizer",
        ("orchids", "repottings", "bloom cycles", "fertilizer"),
        (),
    ),
    (
        "An app to manage pastures and vaccinations for my goats",
        ("pastures", "vaccinations", "goats"),
        (),
    ),
    (
        "Dog training planner with dogs, commands and training sessions",
        ("dogs", "commands", "training sessions"),
        (),
    ),
    (
        "Cat rescue app: cats, adopters, fosters and vet visits",
        ("cats", "adopters", "fosters", "vet visits"),
        (),
    ),
    ("Chicken keeping app with hens, coops and egg counts", ("hens", "coops", "egg counts"), ()),
    (
        "Fishing log: catches, spots, lures and weather",
        ("catches", "spots", "lures", "weather"),
        (),
    ),
    ("Track plants and pests in my greenhouse", ("plants", "pests"), ()),
    # Music, games and media.
    (
        "Choir manager with singers, pieces, rehearsals and concerts",
        ("singers", "pieces", "rehearsals", "concerts"),
        (),
    ),
    (
        "Music teacher app: students, lessons, pieces and recitals",
        ("students", "lessons", "pieces", "recitals"),
        (),
    ),
    (
        "Podcast planner: episodes, guests, topics and sponsors",
        ("episodes", "guests", "topics", "sponsors"),
        (),
    ),
    (
        "Tabletop RPG campaign manager with characters, sessions, quests and loot",
        ("characters", "sessions", "quests", "loot"),
        (),
    ),
    (
        "Chess club organizer: members, tournaments, games and ratings",
        ("members", "tournaments", "games"),
        ("ratings",),
    ),
    (
        "Book club organizer with members, books, meetings and votes",
        ("members", "books", "meetings", "votes"),
        (),
    ),
    (
        "Theatre production manager: shows, cast members, props and rehearsals",
        ("shows", "cast members", "props", "rehearsals"),
        (),
    ),
    # Science, work and volunteering.
    (
        "Lab sample tracker for samples, freezers, experiments and results",
        ("samples", "freezers", "experiments", "results"),
        (),
    ),
    (
        "Volunteer coordination app: volunteers, shifts, events and hours",
        ("volunteers", "shifts", "events"),
        ("hours",),
    ),
    (
        "Conference organizer: talks, speakers, rooms and attendees",
        ("talks", "speakers", "rooms", "attendees"),
        (),
    ),
    (
        "Hackathon organizer for teams, projects, judges and prizes",
        ("teams", "projects", "judges", "prizes"),
        (),
    ),
    (
        "Makerspace app to track members, machines, trainings and reservations",
        ("members", "machines", "trainings", "reservations"),
        (),
    ),
    (
        "Solar installer app: sites, panels, inverters and inspections",
        ("sites", "panels", "inverters", "inspections"),
        (),
    ),
    (
        "Freelance app for clients, projects, invoices and time entries",
        ("clients", "projects", "invoices", "time entries"),
        (),
    ),
    (
        "Escape room business: rooms, bookings, puzzles and staff",
        ("rooms", "bookings", "puzzles", "staff"),
        (),
    ),
    (
        "Scout troop organizer: scouts, badges, campouts and dues",
        ("scouts", "badges", "campouts", "dues"),
        (),
    ),
    # Vehicles, home and health.
    (
        "Car maintenance log with cars, oil changes, tire rotations and mechanics",
        ("cars", "oil changes", "tire rotations", "mechanics"),
        (),
    ),
    (
        "Drone log with drones, batteries, flights and locations",
        ("drones", "batteries", "flights"),
        ("locations",),
    ),
    ("Cycling app to log rides, bikes and routes", ("rides", "bikes", "routes"), ()),
    (
        "Manage my rental properties, tenants, leases and repairs",
        ("rental properties", "tenants", "leases", "repairs"),
        (),
    ),
    ("Moving checklist app: boxes, rooms and movers", ("boxes", "rooms", "movers"), ()),
    (
        "Track blood pressure readings, medications and doctor visits",
        ("blood pressure readings", "medications", "doctor visits"),
        (),
    ),
    (
        "Track my kid's vaccinations, doctor appointments and growth measurements",
        ("vaccinations", "doctor appointments", "growth measurements"),
        (),
    ),
    ("Marathon training plan with runs, shoes and races", ("runs", "shoes", "races"), ()),
    (
        "Rock climbing journal with climbs, gyms, partners and projects",
        ("climbs", "gyms", "partners", "projects"),
        (),
    ),
    (
        "Keep a log of my hikes, trails, summits and gear",
        ("hikes", "trails", "summits", "gear"),
        (),
    ),
    ("Log my runs and injuries", ("runs", "injuries"), ()),
    (
        "I need an app where I can log dives, dive sites and buddies",
        ("dives", "dive sites", "buddies"),
        (),
    ),
    # Learning and food.
    (
        "Language learning app: words, phrases, lessons and quizzes",
        ("words", "phrases", "lessons", "quizzes"),
        (),
    ),
    (
        "A study planner for courses, assignments, exams and grades",
        ("courses", "assignments", "exams", "grades"),
        (),
    ),
    (
        "Tutoring app for students, lessons, invoices and homework",
        ("students", "lessons", "invoices", "homework"),
        (),
    ),
    (
        "Home bar app for cocktails, spirits and garnishes",
        ("cocktails", "spirits", "garnishes"),
        (),
    ),
    (
        "keep track of sourdough starters, feedings and loaves",
        ("sourdough starters", "feedings", "loaves"),
        (),
    ),
    (
        "I want to track my coffee beans, brews and grinders",
        ("coffee beans", "brews", "grinders"),
        (),
    ),
    (
        "Tea tasting journal: teas, vendors, steeping sessions and ratings",
        ("teas", "vendors", "steeping sessions"),
        ("ratings",),
    ),
    (
        "A wine cellar app with bottles, wineries, vintages and tasting notes",
        ("bottles", "wineries", "vintages", "tasting notes"),
        (),
    ),
    (
        "An app to manage recipes for my bakery with orders, customers and ingredients",
        ("recipes", "orders", "customers", "ingredients"),
        (),
    ),
    # Other phrasings.
    ("Fossils, dig sites & finds", ("fossils", "dig sites", "finds"), ()),
    (
        "An app to manage chores for my kids plus allowances and rewards",
        ("chores", "kids", "allowances", "rewards"),
        (),
    ),
    (
        "Wedding planner with vendors, guests, tables and budget items",
        ("vendors", "guests", "tables", "budget items"),
        (),
    ),
    (
        "Ski trip tracker with resorts, runs and lift tickets",
        ("resorts", "runs", "lift tickets"),
        (),
    ),
    ("Keep a list of the movies I watch and the cinemas I go to", ("movies", "cinemas"), ()),
]
# Written after the rules, to check they hold on prompts they were not shaped on; kept as
# cases so they cannot regress.
LATER: list[Case] = [
    (
        "Pool maintenance app: pools, chemical readings, filters and service visits",
        ("pools", "chemical readings", "filters", "service visits"),
        (),
    ),
    ("Track my bonsai trees, wirings and repots", ("bonsai trees", "wirings", "repots"), ()),
    (
        "Genealogy app with ancestors, families, records and sources",
        ("ancestors", "families", "records", "sources"),
        (),
    ),
    (
        "Horse stable manager: horses, riders, lessons and farrier visits",
        ("horses", "riders", "lessons", "farrier visits"),
        (),
    ),
    (
        "Meal prep planner with containers, meals and grocery runs",
        ("containers", "meals", "grocery runs"),
        (),
    ),
    ("Brewery taproom: beers, kegs, taps and events", ("beers", "kegs", "taps", "events"), ()),
    ("an app to log my sleep, naps and dreams", ("sleep", "naps", "dreams"), ()),
    (
        "Church volunteer scheduler for services, roles and volunteers",
        ("services", "roles", "volunteers"),
        (),
    ),
    ("Track blood sugar, insulin doses and meals", ("blood sugar", "insulin doses", "meals"), ()),
    (
        "Magic: The Gathering collection with cards, decks, sets and trades",
        ("cards", "decks", "sets", "trades"),
        (),
    ),
    (
        "Carpool organizer with drivers, riders, routes and schedules",
        ("drivers", "riders", "routes", "schedules"),
        (),
    ),
    (
        "Kayaking log: paddles, launches, rivers and gear",
        ("paddles", "launches", "rivers", "gear"),
        (),
    ),
    (
        "A tool library to lend tools to neighbors with loans and returns",
        ("neighbors", "loans", "returns"),
        (),
    ),
    (
        "Manage my Airbnb listings, guests, cleanings and payouts",
        ("listings", "guests", "cleanings", "payouts"),
        (),
    ),
    (
        "Perfume collection: fragrances, notes, houses & samples",
        ("fragrances", "notes", "houses", "samples"),
        (),
    ),
    (
        "A running log with shoes, runs, races and personal bests",
        ("shoes", "runs", "races", "personal bests"),
        (),
    ),
    (
        "Keep track of plant cuttings, propagations and trades with friends",
        ("plant cuttings", "propagations", "trades", "friends"),
        (),
    ),
    (
        "Band merch store with shirts, posters, orders and shipments",
        ("shirts", "posters", "orders", "shipments"),
        (),
    ),
    (
        "DnD dungeon master helper: monsters, encounters, NPCs and maps",
        ("monsters", "encounters", "npcs", "maps"),
        (),
    ),
    (
        "Home renovation planner with rooms, tasks, contractors and receipts",
        ("rooms", "tasks", "contractors", "receipts"),
        (),
    ),
    (
        "Robotics team app: robots, parts, competitions and members",
        ("robots", "parts", "competitions", "members"),
        (),
    ),
    (
        "Track my reading: books, authors, quotes and reading sessions",
        ("books", "authors", "quotes", "reading sessions"),
        (),
    ),
    ("Puppy training tracker with puppies, tricks and treats", ("puppies", "tricks", "treats"), ()),
    (
        "Laboratory inventory: reagents, instruments, protocols plus orders",
        ("reagents", "instruments", "protocols", "orders"),
        (),
    ),
    (
        "Surf journal with sessions, spots, boards and swells",
        ("sessions", "spots", "boards", "swells"),
        (),
    ),
    (
        "A chore chart for my roommates with chores, rotations and fines",
        ("roommates", "chores", "rotations", "fines"),
        (),
    ),
    (
        "Coin collecting: coins, mints, grades and purchases",
        ("coins", "mints", "grades", "purchases"),
        (),
    ),
    (
        "Yoga studio app for classes, instructors, students and memberships",
        ("classes", "instructors", "students", "memberships"),
        (),
    ),
    ("Track my car's fuel ups, services and trips", ("fuel ups", "services", "trips"), ()),
    (
        "Mushroom foraging log: finds, species, locations and recipes",
        ("finds", "species", "locations", "recipes"),
        (),
    ),
    (
        "Debate club organizer with debaters, motions, rounds and judges",
        ("debaters", "motions", "rounds", "judges"),
        (),
    ),
    (
        "Keep a record of my vaccines, allergies and prescriptions",
        ("vaccines", "allergies", "prescriptions"),
        (),
    ),
    (
        "Kids' sports team app: players, games, practices & snacks",
        ("players", "games", "practices", "snacks"),
        (),
    ),
    (
        "Model train layout planner with locomotives, cars, tracks and scenery",
        ("locomotives", "cars", "tracks", "scenery"),
        (),
    ),
    (
        "Small farm app to track fields, crops, tractors and harvests",
        ("fields", "crops", "tractors", "harvests"),
        (),
    ),
    (
        "Amateur radio logbook for contacts, frequencies and antennas",
        ("contacts", "frequencies", "antennas"),
        (),
    ),
    (
        "An app to manage tenants and rent payments for my apartments",
        ("tenants", "rent payments", "apartments"),
        (),
    ),
    (
        "Bird feeder tracker: feeders, seed refills and visitors",
        ("feeders", "seed refills", "visitors"),
        (),
    ),
    (
        "Craft fair seller app with products, fairs, sales and expenses",
        ("products", "fairs", "sales", "expenses"),
        (),
    ),
    (
        "Gaming backlog with games, platforms, play sessions and achievements",
        ("games", "platforms", "play sessions", "achievements"),
        (),
    ),
    (
        "I'd like an app for my pottery class to keep tabs on students, projects and kiln schedules",
        ("students", "projects", "kiln schedules"),
        (),
    ),
    (
        "need something to organize my spice jars, blends and suppliers",
        ("spice jars", "blends", "suppliers"),
        (),
    ),
    (
        "Wine tasting club: members, wines, tastings & scores",
        ("members", "wines", "tastings"),
        ("scores",),
    ),
    ("app where I log climbs and the gear I bring", ("climbs", "gear"), ()),
    (
        "Track houseplants, repotting dates and pests",
        ("houseplants", "repotting dates", "pests"),
        (),
    ),
    (
        "A vet clinic app with patients, owners, appointments and invoices",
        ("patients", "owners", "appointments", "invoices"),
        (),
    ),
    (
        "Manage inventory for my bike shop: bikes, parts, repairs and customers",
        ("bikes", "parts", "repairs", "customers"),
        (),
    ),
    (
        "Record my piano practice sessions, pieces and teachers",
        ("piano practice sessions", "pieces", "teachers"),
        (),
    ),
    (
        "Hiking club with hikes, members, carpools and trail reports",
        ("hikes", "members", "carpools", "trail reports"),
        (),
    ),
    (
        "Family chore tracker: chores, kids, points and rewards",
        ("chores", "kids", "rewards"),
        ("points",),
    ),
    (
        "Tattoo studio manager with artists, clients, designs and appointments",
        ("artists", "clients", "designs", "appointments"),
        (),
    ),
    (
        "keep a catalogue of my vinyl records, artists and labels",
        ("vinyl records", "artists", "labels"),
        (),
    ),
    (
        "Sewing projects with patterns, fabrics, notions and measurements",
        ("projects", "patterns", "fabrics", "notions", "measurements"),
        (),
    ),
    (
        "I coach a youth soccer team and want to track players, games, goals and practices",
        ("players", "games", "goals", "practices"),
        (),
    ),
    (
        "Bakery orders app: orders, customers, cakes and deliveries",
        ("orders", "customers", "cakes", "deliveries"),
        (),
    ),
    ("Log my migraines, triggers and medications", ("migraines", "triggers", "medications"), ()),
    (
        "Museum collection database with artifacts, exhibits, donors and loans",
        ("artifacts", "exhibits", "donors", "loans"),
        (),
    ),
    (
        "Plan camping trips with campsites, gear lists and meals",
        ("camping trips", "campsites", "gear lists", "meals"),
        (),
    ),
    (
        "Aquaponics system: fish tanks, grow beds, water readings and harvests",
        ("fish tanks", "grow beds", "water readings", "harvests"),
        (),
    ),
    ("Track my investments, dividends and brokers", ("investments", "dividends", "brokers"), ()),
    (
        "Pet sitting business with pets, owners, visits plus payments",
        ("pets", "owners", "visits", "payments"),
        (),
    ),
    (
        "Bouldering log: problems, gyms, grades and attempts",
        ("problems", "gyms", "grades", "attempts"),
        (),
    ),
    (
        "a journal for my dreams, symbols and lucid nights",
        ("dreams", "symbols", "lucid nights"),
        (),
    ),
    (
        "Co-op grocery app for members, shifts, products and orders",
        ("members", "shifts", "products", "orders"),
        (),
    ),
    (
        "Keep track of board games I own, plays and friends I play with",
        ("board games", "plays", "friends"),
        (),
    ),
    (
        "Theater tickets: shows, venues, seats and companions",
        ("shows", "venues", "seats", "companions"),
        (),
    ),
    (
        "Fermentation tracker with ferments, jars, brines and tastings",
        ("ferments", "jars", "brines", "tastings"),
        (),
    ),
    (
        "Dojo manager: students, belts, classes and tests",
        ("students", "belts", "classes", "tests"),
        (),
    ),
    (
        "Warehouse app to manage pallets, shipments, trucks and drivers",
        ("pallets", "shipments", "trucks", "drivers"),
        (),
    ),
    (
        "A golf app with rounds, courses, clubs and scores",
        ("rounds", "courses", "clubs"),
        ("scores",),
    ),
    (
        "Babysitting log for families, kids, sessions and payments",
        ("families", "kids", "sessions", "payments"),
        (),
    ),
    ("manage my podcast: episodes, guests and sponsors", ("episodes", "guests", "sponsors"), ()),
    (
        "Snowboarding diary - resorts, runs, tricks and injuries",
        ("resorts", "runs", "tricks", "injuries"),
        (),
    ),
    (
        "Collect recipes, ingredients and meal plans for the week",
        ("recipes", "ingredients", "meal plans"),
        (),
    ),
    (
        "App for my cleaning business with clients, houses, cleaners and invoices",
        ("clients", "houses", "cleaners", "invoices"),
        (),
    ),
    (
        "Volunteer fire department: firefighters, trucks, calls and trainings",
        ("firefighters", "trucks", "calls", "trainings"),
        (),
    ),
    ("Track crypto wallets, coins and trades", ("crypto wallets", "coins", "trades"), ()),
    (
        "Garden journal: plants, beds, sowings, and pests",
        ("plants", "beds", "sowings", "pests"),
        (),
    ),
    ("Swim team: swimmers, meets, events and times", ("swimmers", "meets", "events"), ("times",)),
    ("Escape the clutter: rooms, items and donations", ("rooms", "items", "donations"), ()),
]
ISSUE = CASES[:7]
ALL = CASES + LATER
GENERIC = {"app", "tracker", "manager", "log", "planner", "organizer", "system", "tool", "list"}


def words_of(text: str) -> tuple[str, ...]:
    """A name or label as singular lower-case words, so 'Honey harvests' is ('honey', 'harvest')."""
    return tuple(singular(w) for w in re.findall(r"[a-z]+", fold(text)))


def names_in(spec: AppSpec) -> set[tuple[str, ...]]:
    """Every entity, field and screen name and label in the spec (not its prompt)."""
    names: list[str] = []
    for entity in spec.entities:
        names += [entity.name, entity.label, entity.plural]
        for field in entity.fields:
            names += [field.name, field.label]
    for screen in spec.screens:
        names += [screen.route, screen.title]
    return {words_of(n) for n in names}


def misses(cases: list[Case]) -> tuple[int, list[str]]:
    """How many nouns the cases expect, and each one the spec lacks."""
    total, missed = 0, []
    for prompt, entities, fields in cases:
        present = names_in(analyze(prompt))
        for noun in (*entities, *fields):
            total += 1
            if words_of(noun) not in present:
                missed.append(f"{prompt!r}: {noun!r}")
    return total, missed


def test_the_set_is_large_and_varied() -> None:
    assert len(CASES) >= 60
    assert len({p for p, _, _ in ALL}) == len(ALL)


def test_at_least_95_percent_of_the_users_nouns_are_in_the_spec() -> None:
    report = []
    for name, cases in (("issue", ISSUE), ("set", CASES), ("later", LATER), ("all", ALL)):
        total, missed = misses(cases)
        report.append(f"{name}: {1 - len(missed) / total:.1%} of {total} nouns")
    total, missed = misses(ALL)
    rate = 1 - len(missed) / total
    print("\nprompt fidelity: " + "; ".join(report) + "\nmissed:\n" + "\n".join(missed))
    assert rate >= TARGET, f"{rate:.1%} < {TARGET:.0%}; missed:\n" + "\n".join(missed)


def test_the_issues_own_examples_keep_every_noun() -> None:
    assert misses(ISSUE)[1] == []


@pytest.mark.parametrize("prompt", [p for p, _, _ in ALL])
def test_every_entity_has_a_text_title_and_none_is_a_generic_word(prompt: str) -> None:
    spec = analyze(prompt)
    for entity in spec.entities:
        assert entity.field(entity.title_field).type is FieldType.text, entity.name
        assert entity.name not in GENERIC, entity.name
