"""planlod: a municipality's comprehensive plan as a knowledge graph, published as Linked Open Data."""

__version__ = "0.1.0"
