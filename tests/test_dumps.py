"""The dumps streamed from the build's N-Quads: the N-Triples union holds each triple once."""

from __future__ import annotations

from pyoxigraph import RdfFormat, parse

from planlod.dumps import write_union

NQ = """\
<https://x/def> <https://x/p> "a literal with <angle> brackets and \\" <https://x/g> ." <https://x/def> .
<https://x/id/1> <https://x/p> "municipality" <https://x/id/1/5th/graph/plan> .
<https://x/id/1/5th/a> <https://x/p> "1" <https://x/id/1/5th/graph/plan> .
<https://x/id/1/5th/a> <https://x/p> "1" <https://x/id/1/5th/graph/sdg-suggestions> .
<https://x/id/1/5th#period> <https://x/p> "1" <https://x/id/1/5th/graph/plan> .
<https://x/id/1> <https://x/p> "municipality" <https://x/id/1/6th/graph/plan> .
<https://x/id/1/6th/a> <https://x/p> "1" <https://x/id/1/6th/graph/plan> .
"""


def test_union_keeps_each_triple_once(tmp_path):
    (tmp_path / "in.nq").write_text(NQ, encoding="utf-8")
    written = write_union(tmp_path / "in.nq", tmp_path / "out.nt")
    triples = [q.triple for q in parse(path=tmp_path / "out.nt", format=RdfFormat.N_TRIPLES)]
    expected = {q.triple for q in parse(NQ.encode(), format=RdfFormat.N_QUADS)}
    assert written == len(triples) == len(expected) == 5
    assert set(triples) == expected


def test_union_of_the_release_is_the_set_of_its_triples(release):
    quads = {q.triple for q in parse(path=release / "dataset.nq", format=RdfFormat.N_QUADS)}
    lines = (release / "dataset.nt").read_bytes().splitlines()
    assert len(lines) == len(set(lines)) == len(quads)
    assert {q.triple for q in parse(path=release / "dataset.nt", format=RdfFormat.N_TRIPLES)} == quads
