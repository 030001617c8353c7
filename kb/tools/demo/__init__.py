"""Demo catalogue of Swedish payroll systems and deterministic synthetic experiences.

The catalogue names real products; the experiences are synthetic (``is_demo``)
and written by demo accounts nobody can log in as. The same seed always gives
exactly the same rows, so demos, screenshots and benchmarks are reproducible.

The catalogue and every Swedish sentence are data files in data/ (data/README.md
says how to add sentences); the code here decides which one a row gets:
generator.py draws each row's values from profiles.py, writer.py its texts,
organisations.py the demo organisation it speaks for, seeding.py writes them
to the database.
"""

from kb.tools.demo.datafiles import catalogue
from kb.tools.demo.generator import generate_experiences
from kb.tools.demo.networks import NetworkSeedResult, network_data, seed_networks
from kb.tools.demo.seeding import (
    DEMO_ACCOUNTS,
    DEMO_EMAIL_DOMAIN,
    SeedResult,
    ensure_demo_accounts,
    load_catalogue,
    seed,
)

__all__ = [
    "DEMO_ACCOUNTS",
    "DEMO_EMAIL_DOMAIN",
    "NetworkSeedResult",
    "SeedResult",
    "catalogue",
    "ensure_demo_accounts",
    "generate_experiences",
    "load_catalogue",
    "network_data",
    "seed",
    "seed_networks",
]
