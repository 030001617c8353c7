"""Recording, changing and removing experiences."""

from sqlalchemy import or_, select

from kb import freshness, notifications
from kb.extensions import db
from kb.forms import ExperienceForm
from kb.models import Experience, PayrollSystem, User, utcnow
from kb.moderation import initial_state

FORM_FIELDS = tuple(name for _legend, names in ExperienceForm.FIELDSETS for name in names)
TEXT_FIELDS = ("title", "pros", "cons", "tips", "body", "switch_reason")


def selectable_systems(user: User | None = None) -> list[PayrollSystem]:
    """Systems a member can choose: the catalogue, and systems they proposed themselves."""
    shown = PayrollSystem.status != "pending"
    if user is not None:
        shown = or_(shown, PayrollSystem.proposed_by_id == user.id)
    return db.session.scalars(select(PayrollSystem).where(shown).order_by(PayrollSystem.name)).all()


def propose_system(form, user: User) -> PayrollSystem:
    """A missing system, proposed by a member; a moderator approves or merges it."""
    name = form.name.data.strip()
    system = PayrollSystem(
        slug=_free_slug(name), name=name, vendor=(form.vendor.data or "").strip(),
        website=(form.website.data or "").strip(), status="pending", proposed_by_id=user.id,
    )
    db.session.add(system)
    db.session.commit()
    return system


def _free_slug(name: str) -> str:
    base = slugify(name) or "system"
    slug, n = base, 1
    while db.session.scalar(select(PayrollSystem.id).where(PayrollSystem.slug == slug)):
        n += 1
        slug = f"{base}-{n}"
    return slug


def slugify(name: str) -> str:
    table = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})
    text = name.lower().translate(table)
    return "-".join("".join(c if c.isalnum() and c.isascii() else " " for c in text).split())


def new_form(formdata=None, *, user: User | None = None, experience: Experience | None = None):
    """The experience form, pre-filled from the member's profile for a new experience."""
    owner = user or (experience.author if experience else None)
    form = ExperienceForm(formdata=formdata, obj=experience, systems=selectable_systems(owner))
    if experience is None and formdata is None and user is not None:
        if user.organisation is not None:
            form.sector.data = user.organisation.sector
            form.size_band.data = user.organisation.size_band
        form.reviewer_role.data = user.professional_role
    return form


def _apply(form: ExperienceForm, experience: Experience) -> None:
    for name in FORM_FIELDS:
        value = form[name].data
        if name in TEXT_FIELDS:
            value = (value or "").strip()
        setattr(experience, name, value)
    if experience.deployment == "":
        experience.deployment = None


def record(form: ExperienceForm, author: User) -> Experience:
    experience = Experience(author=author, moderation_state=initial_state(author))
    _apply(form, experience)
    db.session.add(experience)
    db.session.flush()
    # Followers of the system hear of it in the same transaction (published ones only).
    notifications.notify_followers(experience, commit=False)
    db.session.commit()
    return experience


def update(experience: Experience, form: ExperienceForm) -> Experience:
    previous_satisfaction, previous_confirmed_at = experience.satisfaction, experience.confirmed_at
    _apply(form, experience)
    experience.updated_at = utcnow()
    # An update is also a confirmation; the earlier satisfaction is kept in the history.
    freshness.record_update(experience, previous_satisfaction, previous_confirmed_at,
                            now=experience.updated_at)
    db.session.commit()
    return experience


def remove(experience: Experience) -> None:
    db.session.delete(experience)
    db.session.commit()
