"""The production entry point: ``gunicorn -c server/gunicorn.conf.py server.wsgi:app``.

Settings come from the site's ``planlod.toml`` (``PLANLOD_SITE_DIR``, else the current folder
upward) and ``PLANLOD_*`` environment variables (``PLANLOD_BUILD_DIR``,
``PLANLOD_BASE_IRI``, ``PLANLOD_QUERY_TIMEOUT``…), as everywhere else.
"""

from server import create_app

app = create_app()
