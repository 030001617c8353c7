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
(default 1), KB_WARMUP (default on; "0" serves at once and warms nothing).
"""

import gc
import os

wsgi_app = "kb:create_app()"
bind = os.environ.get("KB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("KB_WORKERS", "2"))
threads = int(os.environ.get("KB_THREADS", "1"))
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
    if os.environ.get("KB_WARMUP", "1") == "0":
        return
    from kb.warmup import warm

    timings = warm(server.app.wsgi())
    # What the warm-up made is kept out of the garbage collector's passes, which
    # would otherwise write to every object's header in each worker and so copy
    # the pages they share with the master.
    gc.collect()
    gc.freeze()
    server.log.info("kb warmed up in %.1f s: %s", sum(timings.values()),
                    ", ".join(f"{step} {seconds:.2f} s" for step, seconds in timings.items()))
