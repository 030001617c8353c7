"""Error pages in Swedish (templates/error.html), and JSON errors under /api/: every kind of
error kb answers with is mapped here, once."""

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from kb.errors import Conflict, Forbidden, Invalid, KbError, NotFound
from kb.extensions import db

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
        detail = error.description if code in (400, 403, 404) and _is_own_message(error) else None
        return render_error(code if code in MESSAGES else 400, detail)

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
