"""Coverage-guided fuzzing (atheris, libFuzzer) of the RDF-file and SPARQL entry points.

    python tests/fuzz_harness.py rdf|sparql [libFuzzer options, e.g. -max_total_time=20 SEED_DIR]

An input may only be accepted or refused with a ``KetamineKGError`` (a located message, exit 2 in the
CLI); any other exception is a crash, and libFuzzer saves the input as ``crash-*``. ``rdf``: the first
byte picks the syntax, the rest is the file, loaded into both a pyoxigraph store and an rdflib graph
through ``graph_build.rdf_files`` (the one loader every command uses). ``sparql``: the input is a query,
checked by ``queries.safety`` and run on a small store with a 2-second timeout by the Oxigraph engine.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["ketamine_kg"]):
    from ketamine_kg.errors import KetamineKGError
    from ketamine_kg.graph_build.rdf_files import load_rdf_files, load_store
    from ketamine_kg.limits import Limits
    from ketamine_kg.queries import open_engine, run_sparql

SUFFIXES = (".ttl", ".nt", ".nq", ".trig", ".rdf", ".jsonld")
LIMITS = Limits(max_input_bytes=1 << 20, max_nesting=200)
SMALL = (
    '<http://ex.org/s> <http://www.w3.org/2000/01/rdf-schema#label> "s" .\n'
    "<http://ex.org/s> <http://ex.org/p> <http://ex.org/o> .\n"
    '<http://ex.org/o> <http://ex.org/q> "2"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
)


def fuzz_rdf(data: bytes, folder: Path) -> None:
    """Load ``data`` as an RDF file of the syntax its first byte selects."""
    if not data:
        return
    path = folder / f"input{SUFFIXES[data[0] % len(SUFFIXES)]}"
    path.write_bytes(data[1:])
    for load in (load_store, load_rdf_files):
        with contextlib.suppress(KetamineKGError):
            load([path], LIMITS)


def fuzz_sparql(data: bytes, engine: object) -> None:
    """Check and run ``data`` as a SPARQL query."""
    text = data.decode("utf-8", "replace")
    with contextlib.suppress(KetamineKGError):
        run_sparql(engine, text, timeout=2.0)


def main() -> None:
    target = sys.argv.pop(1)
    folder = Path(tempfile.mkdtemp(prefix="kkg-fuzz-"))
    if target == "rdf":

        def one(data: bytes) -> None:
            fuzz_rdf(data, folder)

    elif target == "sparql":
        data_file = folder / "small.nt"
        data_file.write_text(SMALL, encoding="utf-8")
        engine = open_engine(load_store([data_file]), "oxigraph")

        def one(data: bytes) -> None:
            fuzz_sparql(data, engine)

    else:
        raise SystemExit(f"unknown target {target!r} (rdf or sparql)")
    atheris.Setup(sys.argv, one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
