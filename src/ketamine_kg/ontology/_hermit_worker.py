"""Child process that runs HermiT through owlready2, so the parent can enforce a timeout and clean up.

Usage: python -m ketamine_kg.ontology._hermit_worker IN.nt OUT.nt
Exit codes: 0 consistent (entailed property values and types written to OUT.nt as N-Triples),
3 inconsistent, 4 Java/HermiT error.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
from pathlib import Path

INCONSISTENT = 3
JAVA_FAILED = 4
PROPERTY_LINE = re.compile(r"^<([^>]+)> \(known instances:(.*?)\|\s*possible instances:", re.MULTILINE)
PAIR = re.compile(r"\(<([^>]+)>, <([^>]+)>\)")


def main(argv: list[str]) -> int:
    """Load the N-Triples into a fresh World, reason, write every entailment HermiT reports."""
    import owlready2

    in_path, out_path = Path(argv[0]), Path(argv[1])
    owlready2.JAVA_EXE = os.environ.get("KETAMINE_KG_JAVA", "java")
    world = owlready2.World()
    world.get_ontology(in_path.resolve().as_uri()).load(format="ntriples")
    log = io.StringIO()
    try:
        with contextlib.redirect_stderr(log):
            owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=2)
    except owlready2.OwlReadyInconsistentOntologyError:
        return INCONSISTENT
    except owlready2.OwlReadyJavaError as exc:
        sys.stderr.write(str(exc)[-2000:])
        return JAVA_FAILED
    lines: set[str] = set()
    for prop, known in PROPERTY_LINE.findall(log.getvalue()):
        for subject, obj in PAIR.findall(known):
            lines.add(f"<{subject}> <{prop}> <{obj}> .")
    buffer = io.BytesIO()
    world.get_ontology("http://inferrences/").save(file=buffer, format="ntriples")
    lines.update(line for line in buffer.getvalue().decode("utf-8").splitlines() if line.strip())
    out_path.write_text("\n".join(sorted(lines)) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
