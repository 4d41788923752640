"""Namespaces used across the package, bound under their usual prefixes."""

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD

JCP = Namespace("https://w3id.org/jp-cityplan/def#")
SDG = Namespace("http://metadata.un.org/sdg/")
SDGO = Namespace("http://metadata.un.org/sdg/ontology#")
CPOV = Namespace("http://data.europa.eu/m8g/")
DQV = Namespace("http://www.w3.org/ns/dqv#")
SH = Namespace("http://www.w3.org/ns/shacl#")

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
}

__all__ = [
    "CPOV",
    "DCAT",
    "DCTERMS",
    "DQV",
    "FOAF",
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
    "XSD",
    "ONTOLOGY_IRI",
    "SDG_GOALS_GRAPH",
]
