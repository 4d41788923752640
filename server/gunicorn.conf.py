"""gunicorn settings for serving planlod in production.

Each worker process opens the published store read-only; user SPARQL goes to one query
broker that the master starts (:mod:`planlod.querybroker`), so the fair shares and the
memory bound of the query workers hold across all of them. Threads let one worker answer
pages while a query runs.
"""

import multiprocessing
import os
from contextlib import ExitStack

bind = os.environ.get("PLANLOD_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("PLANLOD_HTTP_WORKERS", max(2, multiprocessing.cpu_count())))
threads = int(os.environ.get("PLANLOD_HTTP_THREADS", 8))
worker_class = "gthread"
# Longer than the SPARQL time limit, so a query is stopped by its own limit and answered 503,
# never cut off mid-response by gunicorn.
timeout = int(float(os.environ.get("PLANLOD_QUERY_TIMEOUT", 10)) * 3) + 10
graceful_timeout = 30
keepalive = 5
accesslog = "-"
# Bound request lines and headers: hostile clients get 400 before the app sees them.
limit_request_line = 8190
limit_request_fields = 100

_broker = ExitStack()


def on_starting(server):
    """Start the query broker before the workers, which find it in PLANLOD_QUERY_BROKER."""
    from planlod.config import Settings
    from planlod.querybroker import brokered

    _broker.enter_context(brokered(Settings.from_env()))


def on_exit(server):
    _broker.close()
