"""The production entry point: ``gunicorn -c server/gunicorn.conf.py server.wsgi:app``.

Settings come from ``PLANLOD_*`` environment variables (``PLANLOD_BUILD_DIR``,
``PLANLOD_BASE_IRI``, ``PLANLOD_QUERY_TIMEOUT``…), as everywhere else.
"""

from server import create_app

app = create_app()
