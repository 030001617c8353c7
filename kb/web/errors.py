"""Error pages in Swedish (templates/error.html), and JSON errors under /api/: every kind of
error kb answers with is mapped here, once."""

import math
import time

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from kb.core.errors import Conflict, Forbidden, Invalid, KbError, NotFound
from kb.core.swedish import plural
from kb.extensions import db, limiter

# kb's own errors, raised by domain code, answer with these statuses and their message.
STATUS = {NotFound: 404, Forbidden: 403, Conflict: 409, Invalid: 422}

MESSAGES = {
    400: ("Felaktig begäran", "Begäran kunde inte tolkas. Kontrollera adressen och försök igen."),
    403: ("Åtkomst nekad", "Du har inte behörighet att göra det här."),
    404: ("Sidan finns inte", "Sidan du söker finns inte eller har tagits bort."),
    405: ("Metoden stöds inte", "Sidan kan inte användas på det här sättet."),
    409: ("Det gick inte just nu",
          "Något har ändrats sedan sidan visades. Ladda om sidan och försök igen."),
    413: ("För stor begäran", "Det du skickade är för stort. Korta texten och försök igen."),
    422: ("Uppgifterna kunde inte sparas", "Kontrollera uppgifterna och försök igen."),
    429: ("För många försök", "Du har gjort för många försök. Vänta en stund och försök igen."),
    500: ("Något gick fel", "Ett oväntat fel uppstod. Försök igen om en stund."),
}


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if request.path.startswith("/api/"):
        return {"error": {"status": code, "message": detail or message}}, code
    return render_template("error.html", code=code, title=title, message=detail or message), code


def _retry_after() -> int | None:
    """Seconds until the breached limit's window ends (Flask-Limiter's own figure)."""
    try:
        breached = limiter.current_limit
        reset_at = breached.reset_at if breached is not None else None
    except Exception:  # the counters' storage failed: no figure to give
        return None
    if not reset_at:
        return None
    return max(1, math.ceil(reset_at - time.time()))


def _wait_in_swedish(seconds: int) -> str:
    if seconds < 120:
        return plural(seconds, "sekund", "sekunder")
    return plural(math.ceil(seconds / 60), "minut", "minuter")


def too_many_attempts():
    """429 with Retry-After and, in Swedish, how long to wait."""
    seconds = _retry_after()
    detail = None
    if seconds is not None:
        detail = (f"Du har gjort för många försök. Vänta {_wait_in_swedish(seconds)} "
                  "och försök igen.")
    response = render_error(429, detail)
    if seconds is not None:
        body, code = response
        response = (body, code, {"Retry-After": str(seconds)})
    return response


# Flask-WTF's reasons are English ("The CSRF session token is missing."): one Swedish one.
CSRF_MESSAGE = ("Formuläret hade gått ut eller kom inte från den här sidan. Gå tillbaka, "
                "ladda om sidan och skicka igen.")


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError):
        return render_error(400, CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if code == 429:
            return too_many_attempts()
        detail = error.description if code in (400, 403, 404) and _is_own_message(error) else None
        body, status = render_error(code if code in MESSAGES else 400, detail)
        # 405 names the methods that do work (RFC 9110), as Werkzeug's own answer does.
        allow = [(name, value) for name, value in error.get_headers() if name == "Allow"]
        return body, status, allow

    @app.errorhandler(KbError)
    def kb_error(error: KbError):
        db.session.rollback()  # nothing of a refused change is kept
        status = next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)
        return render_error(status, error.message)

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        app.logger.exception("Unhandled error", exc_info=error)
        db.session.rollback()
        return render_error(500)


def _is_own_message(error: HTTPException) -> bool:
    # Werkzeug's default descriptions are English; only kb's own (Swedish) ones are shown.
    return type(error).description != error.description
