"""Members ask and answer questions, vote for helpful experiences and follow systems."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from kb.access.policy import VISITOR
from kb.community import reactions as community
from kb.community.notifications import notify_followers
from kb.experiences.listing import experiences_query
from kb.extensions import db
from kb.models import AuditLog, Comment, Experience, HelpfulVote, Notification, utcnow
from tests.support.pages import ask, comment_id, csrf_token, full_form, main_content


def post(client, url, data, page_url="/"):
    """POST a form with the CSRF token from a page, as the browser would."""
    page = client.get(page_url)
    return client.post(url, data={**data, "csrf_token": csrf_token(page)})


def unread_in_header(response) -> str | None:
    match = re.search(r">Aviseringar(?: \((\d+)\))?</a>", response.text)
    assert match, "the header has no link to the notifications"
    return match.group(1)


def test_a_question_is_answered_and_both_hear_of_it(client, auth, factory, app):
    karin = factory.user(email="karin@region.se", display_name="Karin Karlsson")
    factory.user(email="erik@kommun.se", display_name="Erik Eriksson")
    heroma = factory.system(slug="heroma", name="Heroma")
    experience = factory.experience(karin, heroma, anonymous=True,
                                    title="Heroma i en stor region")

    auth.login("erik@kommun.se")
    question = "Hur lång tid tog semesteromställningen?\nOch vem gjorde jobbet?"
    response = ask(client, experience, question)
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "Hur lång tid tog semesteromställningen?<br>Och vem gjorde jobbet?" in page.text
    assert "Erik Eriksson" in main_content(page)
    assert unread_in_header(page) is None  # nobody hears of their own question
    auth.logout()

    # Karin comes back: the header tells her something is new, the list says what.
    auth.login("karin@region.se")
    home = client.get("/")
    assert unread_in_header(home) == "1"
    listing = client.get("/notifications")
    assert "Ny fråga om din erfarenhet ”Heroma i en stor region”" in listing.text
    link = re.search(r'href="(/notifications/\d+)"', listing.text).group(1)
    opened = client.get(link)
    assert opened.status_code == 302
    question_id = comment_id(app, question)
    assert opened.headers["Location"].endswith(f"/experiences/{experience}#kommentar-{question_id}")
    assert unread_in_header(client.get("/")) is None

    # She answers; her experience is anonymous, so she stays anonymous here too.
    response = ask(client, experience, "Ungefär ett halvår, med konsultstöd.", question_id)
    assert response.status_code == 302
    page = client.get(f"/experiences/{experience}")
    assert "Ungefär ett halvår, med konsultstöd." in page.text
    assert "Skribenten" in main_content(page)
    assert "Karin Karlsson" not in main_content(page)
    auth.logout()

    auth.login("erik@kommun.se")
    assert unread_in_header(client.get("/")) == "1"
    listing = client.get("/notifications")
    assert "Nytt svar på din fråga om ”Heroma i en stor region”" in listing.text
    assert "Ungefär ett halvår" in listing.text
    # "Markera alla som lästa" empties the count.
    response = post(client, "/notifications/read", {}, page_url="/notifications")
    assert response.status_code == 302
    assert unread_in_header(client.get("/")) is None
    assert "Inget nytt sedan du var här senast." in client.get("/notifications").text


def test_an_answer_to_an_answer_stays_one_level_deep(client, auth, factory, app):
    author = factory.user(email="a@kommun.se")
    factory.user(email="b@kommun.se")
    experience = factory.experience(author, factory.system())
    auth.login("b@kommun.se")
    ask(client, experience, "Första frågan")
    question = comment_id(app, "Första frågan")
    ask(client, experience, "Ett svar", question)
    answer = comment_id(app, "Ett svar")
    ask(client, experience, "Svar på svaret", answer)
    with app.app_context():
        reply = db.session.scalar(select(Comment).where(Comment.body == "Svar på svaret"))
        assert reply.parent_id == question


def test_a_named_author_is_marked_as_the_writer(client, auth, factory):
    author = factory.user(email="anna@kommun.se", display_name="Anna Andersson")
    experience = factory.experience(author, factory.system(), anonymous=False)
    auth.login("anna@kommun.se")
    ask(client, experience, "En fråga till mig själv")
    page = client.get(f"/experiences/{experience}")
    assert "Anna Andersson (skribenten)" in main_content(page)


def test_comment_text_is_escaped_checked_and_kept_on_error(client, auth, factory, app):
    author = factory.user()
    factory.user(email="erik@kommun.se")
    experience = factory.experience(author, factory.system())
    auth.login("erik@kommun.se")

    ask(client, experience, "<script>alert('x')</script> Fungerar AGI?")
    page = client.get(f"/experiences/{experience}")
    assert "&lt;script&gt;alert(" in page.text
    assert "<script>alert(" not in page.text

    empty = ask(client, experience, "   ")
    assert empty.status_code == 422
    assert "Skriv din fråga eller ditt svar innan du skickar." in empty.text

    too_long = "Lång fråga om kollektivavtal. " * 120
    refused = ask(client, experience, too_long)
    assert refused.status_code == 422
    assert "Högst 3 000 tecken." in refused.text
    assert too_long.strip()[:200] in refused.text  # what was typed is still there
    assert 'aria-invalid="true"' in refused.text

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Comment)) == 1


def test_visitors_cannot_post_and_every_post_needs_csrf(client, auth, factory, app):
    author = factory.user()
    factory.user(email="erik@kommun.se")
    experience = factory.experience(author, factory.system())

    response = post(client, f"/experiences/{experience}/comments", {"body": "Hej"},
                    page_url="/auth/login")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    page = client.get(f"/experiences/{experience}")
    assert "för att ställa en fråga" in page.text

    auth.login("erik@kommun.se")
    response = client.post(f"/experiences/{experience}/comments", data={"body": "Utan token"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Comment)) == 0


def test_authors_edit_and_delete_their_own_comments_only(client, auth, factory, app):
    author = factory.user(email="a@kommun.se")
    factory.user(email="b@kommun.se")
    factory.user(email="c@kommun.se")
    experience = factory.experience(author, factory.system())

    auth.login("b@kommun.se")
    ask(client, experience, "Hur fungerar PAXml-importen?")
    question = comment_id(app, "Hur fungerar PAXml-importen?")
    edit_page = client.get(f"/comments/{question}/edit")
    assert edit_page.status_code == 200
    assert "Hur fungerar PAXml-importen?" in edit_page.text
    response = client.post(f"/comments/{question}/edit", data={
        "body": "Hur fungerar PAXml-importen från tidssystemet?",
        "csrf_token": csrf_token(edit_page),
    })
    assert response.status_code == 302
    assert "från tidssystemet?" in client.get(f"/experiences/{experience}").text
    empty = client.post(f"/comments/{question}/edit",
                        data={"body": "", "csrf_token": csrf_token(edit_page)})
    assert empty.status_code == 422
    assert "Skriv din fråga eller ditt svar innan du skickar." in empty.text
    auth.logout()

    auth.login("c@kommun.se")
    assert client.get(f"/comments/{question}/edit").status_code == 403
    page = client.get(f"/experiences/{experience}")
    assert f"/comments/{question}/edit" not in page.text
    response = post(client, f"/comments/{question}/delete", {})
    assert response.status_code == 403
    ask(client, experience, "Ett svar från C", question)
    auth.logout()

    # A question with answers leaves a placeholder, so the answers keep their context.
    auth.login("b@kommun.se")
    response = post(client, f"/comments/{question}/delete", {})
    assert response.status_code == 302
    page = client.get(f"/experiences/{experience}")
    assert "från tidssystemet?" not in page.text
    assert "Frågan är borttagen av den som skrev den." in page.text
    assert "Ett svar från C" in page.text

    ask(client, experience, "En fråga som försvinner helt")
    lonely = comment_id(app, "En fråga som försvinner helt")
    post(client, f"/comments/{lonely}/delete", {})
    with app.app_context():
        assert db.session.get(Comment, lonely) is None


def test_moderators_hide_comments_with_a_reason_in_the_audit_log(client, auth, factory, app):
    author = factory.user(email="a@kommun.se")
    factory.user(email="b@kommun.se")
    factory.user(email="mod@kb.se", site_role="moderator")
    experience = factory.experience(author, factory.system())

    auth.login("b@kommun.se")
    ask(client, experience, "Leverantören är värdelös, ring Nisse på 070-123")
    rude = comment_id(app, "Leverantören är värdelös, ring Nisse på 070-123")
    assert post(client, f"/comments/{rude}/hide", {"reason": "Jag vill"}).status_code == 403
    auth.logout()

    auth.login("mod@kb.se")
    refused = post(client, f"/comments/{rude}/hide", {"reason": ""},
                   page_url=f"/experiences/{experience}")
    assert refused.status_code == 422
    assert "Skriv varför kommentaren döljs." in refused.text
    response = post(client, f"/comments/{rude}/hide",
                    {"reason": "Personuppgifter om en enskild person"})
    assert response.status_code == 302
    page = client.get(f"/experiences/{experience}")
    assert "ring Nisse" in page.text  # moderators still read it, marked as hidden
    assert "Dold av moderator" in page.text
    with app.app_context():
        entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "comment.hide"))
        assert entry.object_type == "comment" and entry.object_id == rude
        assert entry.reason == "Personuppgifter om en enskild person"
    auth.logout()

    page = client.get(f"/experiences/{experience}")
    assert "ring Nisse" not in page.text
    assert "Dold av moderator" not in page.text  # a hidden question without answers is left out
    auth.login("a@kommun.se")  # the experience's author was notified, but the text is gone
    assert unread_in_header(client.get("/")) is None
    assert "ring Nisse" not in client.get("/notifications").text
    auth.logout()

    auth.login("mod@kb.se")
    post(client, f"/comments/{rude}/restore", {})
    auth.logout()
    assert "ring Nisse" in client.get(f"/experiences/{experience}").text


def test_a_hidden_question_with_answers_shows_as_hidden(client, auth, factory, app):
    author = factory.user(email="a@kommun.se")
    factory.user(email="b@kommun.se")
    factory.user(email="mod@kb.se", site_role="moderator")
    experience = factory.experience(author, factory.system())
    auth.login("b@kommun.se")
    ask(client, experience, "Olämplig fråga")
    question = comment_id(app, "Olämplig fråga")
    auth.logout()
    auth.login("a@kommun.se")
    ask(client, experience, "Ett sakligt svar", question)
    auth.logout()
    auth.login("mod@kb.se")
    post(client, f"/comments/{question}/hide", {"reason": "Olämpligt"})
    auth.logout()

    page = client.get(f"/experiences/{experience}")
    assert "Olämplig fråga" not in page.text
    assert "Dold av moderator" in page.text
    assert "Ett sakligt svar" in page.text


def test_comments_have_the_visibility_of_their_experience(client, auth, factory, app):
    author = factory.user(email="a@kommun.se")
    factory.user(email="b@kommun.se")
    system = factory.system()
    members_only = factory.experience(author, system, visibility="members")
    pending = factory.experience(author, system, moderation_state="pending")

    auth.login("b@kommun.se")
    ask(client, members_only, "Fråga bara för medlemmar")
    question = comment_id(app, "Fråga bara för medlemmar")
    assert "Fråga bara för medlemmar" in client.get(f"/experiences/{members_only}").text
    # Nobody but the author and moderators may see, or comment on, a pending experience.
    assert ask(client, pending, "Syns inte").status_code == 404
    auth.logout()

    assert client.get(f"/experiences/{members_only}").status_code == 404
    assert client.get(f"/comments/{question}/edit").status_code == 302  # login first
    auth.login("a@kommun.se")
    # The author sees the pending one, but questions wait until it is published.
    assert "Ställ en fråga" not in client.get(f"/experiences/{pending}").text
    assert ask(client, pending, "Fråga på väntande").status_code == 403


def test_helpful_votes_one_per_member_never_ones_own(client, auth, factory, app):
    author = factory.user(email="a@kommun.se")
    factory.user(email="b@kommun.se")
    factory.user(email="c@kommun.se")
    experience = factory.experience(author, factory.system())
    url = f"/experiences/{experience}/helpful"
    with app.app_context():
        updated_before = db.session.get(Experience, experience).updated_at

    page = client.get(f"/experiences/{experience}")
    assert "Ingen har markerat erfarenheten som hjälpsam ännu." in page.text
    assert "för att markera erfarenheten som hjälpsam" in page.text

    auth.login("a@kommun.se")
    page = client.get(f"/experiences/{experience}")
    assert url not in page.text  # no button on one's own experience
    refused = post(client, url, {"helpful": "1"})
    assert refused.status_code == 403
    assert "Du kan inte markera din egen erfarenhet som hjälpsam." in refused.text
    auth.logout()

    auth.login("b@kommun.se")
    assert post(client, url, {"helpful": "1"}).status_code == 302
    assert post(client, url, {"helpful": "1"}).status_code == 302  # sent twice, counted once
    page = client.get(f"/experiences/{experience}")
    assert "1 medlem tycker att erfarenheten är hjälpsam." in page.text
    assert "Ta tillbaka min röst" in page.text
    auth.logout()

    auth.login("c@kommun.se")
    post(client, url, {})  # a plain toggle adds
    assert "2 medlemmar tycker att erfarenheten är hjälpsam." in client.get(
        f"/experiences/{experience}").text
    post(client, url, {})  # and takes back
    assert "1 medlem tycker" in client.get(f"/experiences/{experience}").text

    with app.app_context():
        votes = db.session.scalar(select(func.count()).select_from(HelpfulVote))
        stored = db.session.get(Experience, experience)
        assert votes == stored.helpful_count == 1
        # A vote is not a change of the experience: "ändrad" does not move.
        assert stored.updated_at == updated_before


def test_most_helpful_first(app, factory):
    author = factory.user()
    voters = [factory.user() for _ in range(3)]
    system = factory.system()
    least = factory.experience(author, system, title="Minst hjälpsam")
    most = factory.experience(author, system, title="Mest hjälpsam")
    newest = factory.experience(author, system, title="Nyast")
    with app.test_request_context():
        for voter in voters:
            community.set_helpful(_user(voter), db.session.get(Experience, most))
        community.set_helpful(_user(voters[0]), db.session.get(Experience, least))
        query = community.order_and_filter(
            experiences_query(VISITOR).where(Experience.system_id == system), sort="helpful")
        assert [e.id for e in db.session.scalars(query)] == [most, least, newest]
        assert [e.id for e in db.session.scalars(experiences_query(VISITOR))][0] == newest


def _user(user_id):
    from kb.models import User

    return db.session.get(User, user_id)


def test_following_a_system_brings_news_of_new_experiences(client, auth, factory, app):
    factory.user(email="follower@kommun.se")
    writer = factory.user(email="writer@kommun.se")
    other = factory.system()
    factory.experience(writer, other)  # has published before: no premoderation
    heroma = factory.system(slug="heroma", name="Heroma")

    auth.login("follower@kommun.se")
    response = post(client, "/systems/heroma/follow", {"follow": "1"}, page_url="/systems/heroma")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/systems/heroma")
    assert "Heroma" in client.get("/notifications").text  # listed under "System du följer"
    auth.logout()

    auth.login("writer@kommun.se")
    form = client.get(f"/experiences/new?system={heroma}")
    data = full_form(heroma, other, other)
    data.update(title="Heroma i en mellanstor kommun", visibility="members")
    response = client.post("/experiences/new", data={**data, "csrf_token": csrf_token(form)})
    assert response.status_code == 302
    assert unread_in_header(client.get("/")) is None  # the writer is not told of their own
    auth.logout()

    auth.login("follower@kommun.se")
    assert unread_in_header(client.get("/")) == "1"
    listing = client.get("/notifications")
    assert "Ny erfarenhet av Heroma: ”Heroma i en mellanstor kommun”" in listing.text

    post(client, "/systems/heroma/follow", {"follow": "0"}, page_url="/systems/heroma")
    assert "Du följer inga system." in client.get("/notifications").text
    later = factory.experience(writer, heroma, title="Efter att jag slutat följa")
    with app.app_context():
        assert notify_followers(db.session.get(Experience, later)) == 0


def test_pending_experiences_notify_followers_only_once_published(app, factory):
    follower = factory.user()
    writer = factory.user()
    system = factory.system()
    with app.test_request_context():
        community.set_following(_user(follower), _system(system))
    pending = factory.experience(writer, system, moderation_state="pending")
    with app.app_context():
        experience = db.session.get(Experience, pending)
        assert notify_followers(experience) == 0
        experience.moderation_state = "published"
        db.session.commit()
        assert notify_followers(experience) == 1
        assert notify_followers(experience) == 0  # never twice
        notes = db.session.scalars(select(Notification)).all()
        assert [(n.user_id, n.kind) for n in notes] == [(follower, "new_experience")]


def _system(system_id):
    from kb.models import PayrollSystem

    return db.session.get(PayrollSystem, system_id)


def test_follow_needs_a_login_and_an_existing_system(client, auth, factory):
    factory.user(email="m@kommun.se")
    factory.system(slug="heroma")
    response = post(client, "/systems/heroma/follow", {}, page_url="/auth/login")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    auth.login("m@kommun.se")
    assert post(client, "/systems/finns-inte/follow", {}).status_code == 404
    assert client.get("/notifications/999").status_code == 404


def test_the_system_page_follows_sorts_by_helpfulness_and_leaves_out_old(
        client, auth, factory, app):
    author = factory.user(email="a@kommun.se")
    factory.user(email="b@kommun.se")
    heroma = factory.system(slug="heroma", name="Heroma")
    long_ago = utcnow() - timedelta(days=365 * 3)
    factory.experience(author, heroma, title="Gammal och omtyckt", helpful_count=0,
                       created_at=long_ago, updated_at=long_ago, confirmed_at=long_ago)
    factory.experience(author, heroma, title="Ny och okänd")

    page = client.get("/systems/heroma")
    assert "för att följa Heroma" in page.text  # visitors are asked to log in
    text = main_content(page)
    assert text.index("Ny och okänd") < text.index("Gammal och omtyckt")

    auth.login("b@kommun.se")
    with app.app_context():
        old_id = db.session.scalar(select(Experience.id).where(Experience.title.like("Gammal%")))
    post(client, f"/experiences/{old_id}/helpful", {"helpful": "1"})
    helpful = main_content(client.get("/systems/heroma?sort=helpful"))
    assert "Erfarenheter, mest hjälpsamma först" in helpful
    assert helpful.index("Gammal och omtyckt") < helpful.index("Ny och okänd")

    fresh = main_content(client.get("/systems/heroma?fresh=1"))
    assert "Ny och okänd" in fresh
    assert "Gammal och omtyckt" not in fresh

    page = client.get("/systems/heroma")
    assert "Följ<span class=\"visually-hidden\"> Heroma</span>" in page.text
    post(client, "/systems/heroma/follow", {}, page_url="/systems/heroma")
    assert "Du följer Heroma." in client.get("/systems/heroma").text
