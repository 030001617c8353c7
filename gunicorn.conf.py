"""gunicorn settings for kb: `gunicorn -c gunicorn.conf.py` (README, "Running in
production").

The app is loaded and warmed in the master before it forks the workers
(kb.warmup): templates compiled, the figure snapshot read, the index's frequent
words decoded. Every worker starts with that memory, shared copy on write, so
the first visitor after a deploy or restart is served like any later one, and
the port is opened only once the warm-up is done. The master then holds no
database connection and no open index file (those must not be shared across a
fork); each worker opens its own, and starts its background jobs
(kb.background), at its first request.

Environment: KB_BIND (default 127.0.0.1:8000), KB_WORKERS (default 2: one per
core of a two-core machine; more do not help a CPU-bound app), KB_THREADS
(default 1; a worker's threads search one at a time, kb.search.IndexStore),
KB_WARMUP (default on; off – 0, false, nej, ... – serves at once and warms
nothing).
"""

import gc
import os

from kb.core import parsing


def _environment(name: str, default: str, read, wanted: str):
    """A KB_* variable read by kb.core.parsing, as create_app reads the app's settings;
    anything else stops the start naming the variable."""
    text = os.environ.get(name, default)
    value = read(text)
    if value is None:
        raise RuntimeError(f"{name} must be {wanted}, not {text!r}.")
    return value


wsgi_app = "kb:create_app()"
bind = os.environ.get("KB_BIND", "127.0.0.1:8000")
workers = _environment("KB_WORKERS", "2", lambda text: parsing.integer_in(text, 1, 256),
                       "a whole number from 1")
threads = _environment("KB_THREADS", "1", lambda text: parsing.integer_in(text, 1, 256),
                       "a whole number from 1")
warmup = _environment("KB_WARMUP", "1", parsing.boolean,
                      f"true or false ({parsing.BOOLEAN_SPELLINGS}, in any case)")
preload_app = True
# A slow SMTP server never holds a request (mail leaves from the outbox), so a
# request that takes this long is stuck.
timeout = 60
graceful_timeout = 20
keepalive = 5
# Restart a worker now and then, so memory that Python does not give back is.
max_requests = 20_000
max_requests_jitter = 2_000
# No control socket: kb needs none, and its default path is shared by every
# gunicorn of the user.
control_socket_disable = True


def on_starting(server):
    """After the app was loaded (preload_app), before the port is opened."""
    if not warmup:
        return
    from kb.web.warmup import warm

    timings = warm(server.app.wsgi())
    # What the warm-up made is kept out of the garbage collector's passes, which
    # would otherwise write to every object's header in each worker and so copy
    # the pages they share with the master.
    gc.collect()
    gc.freeze()
    server.log.info("kb warmed up in %.1f s: %s", sum(timings.values()),
                    ", ".join(f"{step} {seconds:.2f} s" for step, seconds in timings.items()))
