"""The web process never imports the operator tools (kb.tools: the benchmark, the demo data).

Run in a fresh interpreter: in this one, other tests have imported kb.tools already.
"""

import json
import subprocess
import sys

WEB_PROCESS = r"""
import json, re, sys, tempfile

from kb import create_app
from kb.database import upgrade_schema
from kb.extensions import db
from kb.models import Experience, PayrollSystem, User

base = tempfile.mkdtemp(prefix="kb-web-imports-")
app = create_app({
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{base}/kb.sqlite3",
    "INDEX_DIR": f"{base}/index",
    "RATELIMIT_ENABLED": False,
    "BACKGROUND_JOBS": False,  # as in the suite: the index is built at the first request
})
with app.app_context():
    upgrade_schema()
    author = User(email="anna@kommun.example.se", display_name="Anna",
                  professional_role="lonechef")
    author.set_password("ett-långt-lösenord")
    heroma = PayrollSystem(slug="heroma", name="Heroma", vendor="CGI")
    primula = PayrollSystem(slug="primula", name="Primula", vendor="Tietoevry")
    db.session.add_all([author, heroma, primula])
    db.session.flush()
    db.session.add(Experience(
        author_id=author.id, system_id=heroma.id, sector="kommun", size_band="1000-4999",
        reviewer_role="lonechef", usage_status="current", satisfaction=4,
        title="Stabil lönekörning", pros="Lönekörningen fungerar.",
        cons="Semesterberäkningen kräver handpåläggning.",
    ))
    db.session.commit()

client = app.test_client()
statuses = {}
for url in ("/healthz", "/", "/search?q=lön", "/systems", "/systems/heroma", "/compare",
            "/compare?s=heroma&s=primula", "/api/v1/systems"):
    response = client.get(url)
    statuses[url] = response.status_code
    response.close()
print(json.dumps({
    "statuses": statuses,
    "search_finds_the_experience": "Stabil lönekörning" in re.sub(
        r"<[^>]+>", "", client.get("/search?q=lön").text),  # without the highlights' <mark>
    "kb_modules": sorted(name for name in sys.modules if name == "kb" or name.startswith("kb.")),
}))
"""


def test_serving_requests_imports_nothing_from_kb_tools():
    child = subprocess.run([sys.executable, "-c", WEB_PROCESS], capture_output=True,
                           text=True, timeout=120, check=False)
    assert child.returncode == 0, child.stderr[-3000:]
    report = json.loads(child.stdout.strip().splitlines()[-1])
    assert report["statuses"] == dict.fromkeys(report["statuses"], 200)
    assert report["search_finds_the_experience"]
    modules = report["kb_modules"]
    # The app and its command registration were loaded, views and search with them ...
    assert {"kb.cli", "kb.web", "kb.search"} <= set(modules)
    # ... and nothing of the tools.
    assert [m for m in modules if m == "kb.tools" or m.startswith("kb.tools.")] == []
