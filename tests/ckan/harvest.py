"""Harvest a DCAT catalogue as CKAN does: ckanext-dcat's RDFParser with the DCAT-AP 3 profile.

Run by the Python of the separate environment .ci/run makes for CKAN and ckanext-dcat
(their dependencies pin versions planlod's own environment cannot share):

    python tests/ckan/harvest.py URL [LOCALE ...]

It fetches URL as CKAN's DCAT harvester does (a plain GET), parses it once per site
locale (``ckan.locale_default``: the language CKAN picks titles and names in) and
prints {locale: [CKAN dataset dicts]} as JSON.
"""

import json
import sys
import urllib.request

from ckanext.dcat.processors import RDFParser
from ckantoolkit import config


def harvest(url: str, locales: list[str]) -> dict:
    with urllib.request.urlopen(url, timeout=60) as response:
        body = response.read()
        content_type = response.headers.get("Content-Type", "")
    fmt = "turtle" if content_type.startswith("text/turtle") else None
    found = {}
    for locale in locales:
        config["ckan.locale_default"] = locale
        parser = RDFParser(profiles=["euro_dcat_ap_3"])
        parser.parse(body, _format=fmt)
        found[locale] = list(parser.datasets())
    return found


if __name__ == "__main__":
    print(json.dumps(harvest(sys.argv[1], sys.argv[2:] or ["en"]), ensure_ascii=False))
