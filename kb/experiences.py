"""Recording, changing and removing experiences."""

from sqlalchemy import select

from kb.extensions import db
from kb.forms import ExperienceForm
from kb.models import Experience, PayrollSystem, User, utcnow

FORM_FIELDS = tuple(name for _legend, names in ExperienceForm.FIELDSETS for name in names)
TEXT_FIELDS = ("title", "pros", "cons", "tips", "body", "switch_reason")


def selectable_systems() -> list[PayrollSystem]:
    """Systems a member can choose in the form: all but proposals not yet approved."""
    return db.session.scalars(
        select(PayrollSystem).where(PayrollSystem.status != "pending").order_by(PayrollSystem.name)
    ).all()


def new_form(formdata=None, *, user: User | None = None, experience: Experience | None = None):
    """The experience form, pre-filled from the member's profile for a new experience."""
    form = ExperienceForm(formdata=formdata, obj=experience, systems=selectable_systems())
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
    experience = Experience(author=author, moderation_state="published")
    _apply(form, experience)
    db.session.add(experience)
    db.session.commit()
    return experience


def update(experience: Experience, form: ExperienceForm) -> Experience:
    _apply(form, experience)
    experience.updated_at = utcnow()
    experience.confirmed_at = experience.updated_at
    db.session.commit()
    return experience


def remove(experience: Experience) -> None:
    db.session.delete(experience)
    db.session.commit()
