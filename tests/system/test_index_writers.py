"""The index follows the database when two processes write at once (each its own
interpreter, committing experience after experience)."""

import subprocess
import sys
import textwrap

from kb import indexing
from kb.access import policy
from kb.experiences import searching as experience_search


def found(app, q):
    with app.app_context():
        audience = policy.audience_of(None)
        return sorted(h.id for h in experience_search.search({"q": q}, audience).hits)


def agrees(app) -> dict:
    with app.app_context():
        info = indexing.status()
    assert not info["drift"], info
    return info


WRITER = textwrap.dedent("""
    import sys
    from kb import create_app
    from kb.extensions import db
    from kb.models import Experience
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": sys.argv[1],
                      "INDEX_DIR": sys.argv[2]})
    with app.app_context():
        for n in range(int(sys.argv[5])):
            db.session.add(Experience(author_id=int(sys.argv[3]), system_id=int(sys.argv[4]),
                sector="kommun", size_band="50-249", reviewer_role="lonechef",
                usage_status="current", satisfaction=3, title=f"Samtidig {n}", pros="", cons=""))
            db.session.commit()
""")


def test_two_processes_writing_at_once(app, factory, runner):
    author, system = factory.user(), factory.system()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    index_dir = app.config["INDEX_DIR"]
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, url, index_dir, str(author),
                          str(system), "15"])
        for _ in range(2)
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    runner.invoke(args=["index-sync"])
    info = agrees(app)
    assert info["rows"] == info["documents"] == 30
    assert len(found(app, "samtidig")) == 20  # the first page of 30
