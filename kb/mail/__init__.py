"""Mail from kb: queued in the database, sent after commit, never by a request.

- kb.mail.outbox: `queue(...)` renders a message and adds it to the session, in the
  same transaction as what caused it (a rolled-back registration sends nothing);
  after the commit the sender of this process is woken.
- kb.mail.sending: `send_due()` claims due messages one at a time with a
  conditional UPDATE (so of several processes exactly one sends each), sends them
  through Flask-Mailman and retries failures with growing pauses. It runs as the
  "mail" job of kb.background, off the request thread.
- kb.mail.composing: Swedish plain-text and HTML parts from templates/mail/, with
  absolute links built on BASE_URL (never on the request's Host header).
- kb.mail.files: without an SMTP server (`make run`), messages go to the console and
  to one .eml file each in instance/mail/.
"""

from kb.mail.composing import base_url, link, render
from kb.mail.outbox import queue, register_session_events, status
from kb.mail.sending import cleanup, send_due

__all__ = ["base_url", "cleanup", "link", "queue", "register_session_events", "render", "send_due",
           "status"]
