"""Word lists and catalogs the demo generator draws from. Fictional, and never patient-level.

Kept apart from the generator so names and texts can grow without touching the logic.
"""

from __future__ import annotations

from typing import NamedTuple

# fmt: off

PLACES = (
    "Riverside", "Cedar Valley", "Lakeshore", "Summit", "Harborview", "Maple Grove",
    "Pine Ridge", "Brookfield", "Fairview", "Oak Hill", "Westfield", "Northgate",
    "Clearwater", "Silver Lake", "Redwood", "Bayview", "Highland", "Greenfield",
    "Stonebridge", "Willow Creek", "Eastport", "Sunset", "Granite Falls", "Meadowbrook",
    "Hillcrest", "Crescent", "Evergreen", "Prairie", "Canyon", "Bluewater", "Aspen",
    "Juniper", "Magnolia", "Sycamore", "Elm Street", "Foxborough", "Kingsbridge",
    "Millbrook", "Rosewood", "Ashford", "Premier", "Unity", "Compass", "Beacon",
    "Heritage", "Pinnacle", "Trinity", "Harmony", "Keystone", "Liberty", "Cornerstone",
    "Lighthouse", "Northstar", "Bridgewater", "Sterling", "Valley View",
)

SPECIALTIES = (
    "Family Medicine", "Internal Medicine", "Pediatrics", "Cardiology", "Orthopedics",
    "Dermatology", "Gastroenterology", "Neurology", "Oncology", "Pulmonology",
    "Endocrinology", "Rheumatology", "Urology", "Ophthalmology", "Obstetrics & Gynecology",
    "Behavioral Health", "Physical Medicine", "Allergy & Immunology",
)

ORG_FORMS = ("", "Associates", "Group", "Partners", "Clinic", "Physicians", "Specialists",
             "Medical Group")

REGIONS = ("Northeast", "Southeast", "Midwest", "Southwest", "Mountain", "West Coast")

ACME_NAME = "Acme Family Medicine"
ACME_ALIASES = ("Acme", "AFM", "Acme FM")
ACME_SPECIALTY = "Family Medicine"


class Person(NamedTuple):
    slack_id: str
    name: str
    team: str


CSMS = (
    Person("U0CSM0001", "Dana Whitfield", "Team East"),
    Person("U0CSM0002", "Marcus Okafor", "Team East"),
    Person("U0CSM0003", "Priya Raman", "Team Central"),
    Person("U0CSM0004", "Elena Sokolova", "Team Central"),
    Person("U0CSM0005", "Tom Brennan", "Team West"),
    Person("U0CSM0006", "Aiko Tanaka", "Team West"),
)
TEAM_CHANNELS = {"Team East": "C0ALERTS01", "Team Central": "C0ALERTS02", "Team West": "C0ALERTS03"}
SUPPORT_ENGINEERS = (
    Person("U0SUP0001", "Rafael Ortiz", "Support"),
    Person("U0SUP0002", "Hannah Lindqvist", "Support"),
    Person("U0SUP0003", "Kwame Mensah", "Support"),
    Person("U0SUP0004", "Sofia Marchetti", "Support"),
)
ACCOUNT_EXECUTIVES = (
    Person("U0AE00001", "Grace Holloway", "Sales"),
    Person("U0AE00002", "Victor Ng", "Sales"),
    Person("U0AE00003", "Nadia Petrova", "Sales"),
)
INTERNAL_DOMAIN = "csbot-demo.example.com"

FIRST_NAMES = (
    "Alex", "Jordan", "Morgan", "Taylor", "Casey", "Riley", "Jamie", "Avery", "Quinn",
    "Maria", "James", "Linda", "Robert", "Patricia", "Michael", "Jennifer", "David",
    "Susan", "Daniel", "Karen", "Angela", "Kevin", "Rosa", "Samuel", "Mei", "Omar",
    "Fatima", "Luis", "Ingrid", "Tariq", "Chloe", "Ethan", "Naomi", "Gabriel",
)
LAST_NAMES = (
    "Alvarez", "Bennett", "Chen", "Dawson", "Ellison", "Fischer", "Garcia", "Hughes",
    "Iverson", "Jensen", "Kowalski", "Lambert", "Moreno", "Nakamura", "Owens", "Patel",
    "Quintero", "Reyes", "Schmidt", "Turner", "Underwood", "Vasquez", "Wallace", "Young",
    "Zimmerman", "Abbott", "Castillo", "Donovan", "Farrell", "Gupta",
)
GROUP_ROLES = ("Practice Manager", "Medical Director", "Billing Lead", "Office Manager",
               "IT Contact", "Physician Champion")
AREA_CODES = ("212", "312", "415", "503", "617", "702", "713", "720", "404", "305", "614")

PLANS = ("starter", "growth", "enterprise")
PLAN_SEATS = {"starter": (4, 14), "growth": (15, 45), "enterprise": (46, 140)}
PLAN_SEAT_PRICE = {"starter": 4800.0, "growth": 6000.0, "enterprise": 7200.0}
EXPECTED_DOCS_PER_SEAT = {"starter": 6, "growth": 8, "enterprise": 10}
PLAN_REVENUE_MIX = {
    "starter": (("Professional billing", 0.7), ("Coding", 0.3)),
    "growth": (("Professional billing", 0.55), ("RCM services", 0.25), ("Coding", 0.2)),
    "enterprise": (
        ("Professional billing", 0.45), ("RCM services", 0.25), ("Coding", 0.15),
        ("Telehealth", 0.08), ("Analytics add-on", 0.07),
    ),
}

FEATURES = (
    ("Charge capture", "core"), ("Claims scrubber", "core"), ("Eligibility checks", "core"),
    ("Denial management", "core"), ("Reporting dashboard", "core"), ("Coding assistant", "core"),
    ("AI coding suggestions", "advanced"), ("Payer contract analytics", "advanced"),
    ("Telehealth billing", "advanced"), ("Prior authorization", "advanced"),
    ("Revenue forecasting", "advanced"), ("Custom report builder", "advanced"),
)

ONBOARDING_PHASES = ("Kickoff", "Data migration", "Configuration", "Training", "Go-live")
# phase -> (days it takes, ((item name, kind), ...))
ONBOARDING_PLAN: dict[str, tuple[int, tuple[tuple[str, str], ...]]] = {
    "Kickoff": (7, (("Kickoff call held", "task"), ("Success criteria agreed", "task"),
                    ("Project team named", "task"))),
    "Data migration": (14, (("Historical claims imported", "task"),
                            ("Fee schedules loaded", "task"), ("Payer list mapped", "task"))),
    "Configuration": (14, (("Provider NPIs configured", "task"),
                           ("Clearinghouse connected", "task"), ("SSO set up", "task"),
                           ("Charge rules reviewed", "task"))),
    "Training": (14, (("Charge capture basics", "module"), ("Claims and denials", "module"),
                      ("Reporting essentials", "module"), ("Admin and user management", "module"))),
    "Go-live": (10, (("Go-live readiness review", "task"), ("Cut-over to production", "task"),
                     ("Post go-live check", "task"))),
}

# (subject, category); subjects speak of systems and workflows, never of a patient
TICKET_SUBJECTS = (
    ("Claims rejected for missing modifier 25", "billing"),
    ("ERA files not importing from clearinghouse", "data"),
    ("Cannot log in after password reset", "technical"),
    ("Duplicate charges in nightly batch export", "billing"),
    ("Report totals differ from clearinghouse summary", "data"),
    ("Eligibility checks timing out", "technical"),
    ("Add new provider NPI to the account", "other"),
    ("Fee schedule update for the new year", "billing"),
    ("Denial reason codes unclear on dashboard", "billing"),
    ("Telehealth visit codes not mapping", "billing"),
    ("Dashboard slow to load in the morning", "technical"),
    ("SSO sign-in loops back to login page", "technical"),
    ("Need training for new front-desk staff", "training"),
    ("Refresher session on denial workflow", "training"),
    ("Data export for quarterly audit", "data"),
    ("Payer mapping missing for regional plan", "data"),
    ("Question about last month's invoice", "other"),
    ("Request to change account admin", "other"),
    ("Coding assistant suggests outdated codes", "technical"),
    ("How to set up custom reports", "training"),
)
PRIORITIES = ("low", "normal", "high", "urgent")

MEETING_KINDS = (
    ("check-in", "Monthly check-in", 30),
    ("qbr", "Quarterly business review", 60),
    ("training", "Workflow training session", 45),
    ("roadmap", "Roadmap preview", 45),
)
CALL_TITLES = ("Billing workflow call", "Follow-up on open tickets", "Renewal planning call",
               "Usage review call")
EMAIL_TITLES = ("Sent monthly usage summary", "Shared denial trend report",
                "Shared release notes", "Followed up on training invite")
NOTE_TITLES = ("Practice manager mentioned staffing changes", "Champion asked about new features",
               "Billing lead concerned about payer delays", "Discussed expansion to a new site")

GOAL_TEMPLATES = (
    # title, metric, unit, baseline, target
    ("Raise clean-claim rate", "clean_claim_rate", "%", 82.0, 95.0),
    ("Cut days in A/R", "days_in_ar", "days", 48.0, 35.0),
    ("Reduce denial rate", "denial_rate", "%", 12.0, 6.0),
    ("Grow weekly active users", "weekly_active_users", "%", 55.0, 85.0),
    ("Complete staff training", "training_completion", "%", 20.0, 100.0),
)
ACTION_TEXTS = (
    "Review top denial reasons with billing lead",
    "Schedule refresher training for new staff",
    "Turn on claims scrubber rules for top payers",
    "Share monthly A/R report with practice manager",
    "Agree on success metrics for next quarter",
    "Set up weekly usage digest for the champion",
)
# fmt: on
