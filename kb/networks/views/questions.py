"""Asking a network: the questions (searchable), asking, answering, the answer that helped."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kb.access import networks as access
from kb.networks import memberships as networks
from kb.networks import questions as network_questions
from kb.networks.forms import NetworkAnswerForm, NetworkQuestionForm
from kb.web.common import audience, page_number

bp = Blueprint("network_questions", __name__, url_prefix="/networks/<slug>/questions")


@bp.get("")
@login_required
def index(slug: str):
    """The network's questions, newest first, or those matching `q` (Swedish search)."""
    network = networks.by_slug(slug)
    access.require_reader(audience(), network)
    q = " ".join((request.args.get("q") or "").split())[:200]
    found = network_questions.search(network, audience(), q, page_number()) if q else None
    return render_template(
        "network_questions/index.html", network=network, q=q, found=found,
        page=None if q else network_questions.newest(network, page_number()),
        may=access.network_view(audience(), network),
        author_label=network_questions.author_label)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new(slug: str):
    network = networks.by_slug(slug)
    access.require_member(audience(), network)
    form = NetworkQuestionForm()
    if form.validate_on_submit():
        question = network_questions.ask(network, audience(), current_user, form.title.data,
                                         form.body.data)
        flash("Din fråga är ställd till nätverket.", "success")
        return redirect(url_for("network_questions.detail", slug=slug, question_id=question.id))
    return render_template("network_questions/new.html", network=network, form=form), (
        422 if form.errors else 200)


@bp.get("/<int:question_id>")
@login_required
def detail(slug: str, question_id: int):
    network = networks.by_slug(slug)
    access.require_reader(audience(), network)
    question = network_questions.question_in(network, question_id)
    return _page(network, question, NetworkAnswerForm())


@bp.post("/<int:question_id>/answers")
@login_required
def add_answer(slug: str, question_id: int):
    network = networks.by_slug(slug)
    access.require_member(audience(), network)
    question = network_questions.question_in(network, question_id)
    form = NetworkAnswerForm()
    if not form.validate_on_submit():
        return _page(network, question, form, status=422)
    reply = network_questions.answer(question, audience(), current_user, form.body.data)
    flash("Ditt svar är publicerat.", "success")
    return redirect(url_for("network_questions.detail", slug=slug, question_id=question_id)
                    + f"#svar-{reply.id}")


@bp.post("/<int:question_id>/answers/<int:answer_id>/helped")
@login_required
def helped(slug: str, question_id: int, answer_id: int):
    """The asker marks (or unmarks) the answer that helped."""
    network = networks.by_slug(slug)
    question = network_questions.question_in(network, question_id)
    marked = network_questions.mark_helped(question, audience(), answer_id)
    flash("Svaret är markerat som det som hjälpte." if marked
          else "Markeringen är borttagen.", "success")
    return redirect(url_for("network_questions.detail", slug=slug, question_id=question_id)
                    + f"#svar-{answer_id}")


def _page(network, question, form, status: int = 200):
    return render_template(
        "network_questions/detail.html", network=network, question=question, form=form,
        may=access.network_view(audience(), network),
        may_mark_helped=access.may_mark_helped(audience(), question),
        author_label=network_questions.author_label), status
