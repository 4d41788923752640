"""Namespaces used across the package, bound under their usual prefixes."""

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD

JCP = Namespace("https://w3id.org/jp-cityplan/def#")
SDG = Namespace("http://metadata.un.org/sdg/")
SDGO = Namespace("http://metadata.un.org/sdg/ontology#")
CPOV = Namespace("http://data.europa.eu/m8g/")
DQV = Namespace("http://www.w3.org/ns/dqv#")
SH = Namespace("http://www.w3.org/ns/shacl#")
# IMI core vocabulary (Japan's common vocabulary for public data) and e-Stat's standard area codes.
IC = Namespace("http://imi.go.jp/ns/core/rdf#")
ESTAT_SAC = Namespace("http://data.e-stat.go.jp/lod/sac/")
WIKIDATA = Namespace("http://www.wikidata.org/entity/")

ONTOLOGY_IRI = "https://w3id.org/jp-cityplan/def"
SDG_GOALS_GRAPH = "https://w3id.org/jp-cityplan/def/sdg-goals"

PREFIXES = {
    "jcp": JCP,
    "sdg": SDG,
    "sdgo": SDGO,
    "cpov": CPOV,
    "dcat": DCAT,
    "dcterms": DCTERMS,
    "dqv": DQV,
    "foaf": FOAF,
    "org": ORG,
    "owl": OWL,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "skos": SKOS,
    "void": VOID,
    "xsd": XSD,
    "sh": SH,
    "ic": IC,
}

__all__ = [
    "CPOV",
    "DCAT",
    "DCTERMS",
    "DQV",
    "ESTAT_SAC",
    "FOAF",
    "IC",
    "JCP",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SDG",
    "SDGO",
    "SH",
    "SKOS",
    "VOID",
    "WIKIDATA",
    "XSD",
    "ONTOLOGY_IRI",
    "SDG_GOALS_GRAPH",
]
