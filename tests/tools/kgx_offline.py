"""Run kgx 2.6 offline on a KGX TSV export: ``transform`` (in-memory graph, as ``kgx transform`` does)
and ``validate`` against the Biolink model copy the ``biolink-model`` package ships.

Run with the tools venv: ``.venv-tools/bin/python tests/tools/kgx_offline.py DIR [EXTRA_PREFIX ...]``.
Prints one JSON object: nodes and edges kept by the transform (with the edge ids), and the validator's
errors by level. ``kgx_offline.py cli ARGS...`` runs the ``kgx`` command line itself (``transform``,
``validate``, ...) with the same offline setup. kgx downloads its JSON-LD contexts and the Biolink model at run time; here they are
pointed at the copies installed with biolink-model and prefixcommons, so nothing is fetched.
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any


def offline() -> None:
    """Give kgx and bmt the bundled Biolink model and contexts."""
    import bmt.toolkit

    model = resources.files("biolink_model")
    schema = str(model.joinpath("schema").joinpath("biolink_model.yaml"))
    # kgx makes a Toolkit at import time. The predicate mapping (collapsed predicate -> qualifier form)
    # is not in the biolink-model package and validation does not use it: an empty one.
    no_mappings: dict[str, list[Any]] = {"predicate mappings": []}
    defaults = bmt.toolkit.Toolkit.__init__.__defaults__ or ()
    bmt.toolkit.Toolkit.__init__.__defaults__ = (schema, no_mappings, *defaults[2:])
    import kgx.config
    import kgx.utils.kgx_utils as kgx_utils

    prefixes = json.loads(
        model.joinpath("prefixmaps").joinpath("biolink-model-prefix-map.json").read_text("utf-8")
    )
    kgx.config.jsonld_context_map["biolink"] = prefixes
    registry = resources.files("prefixcommons").joinpath("registry")
    for name in ("monarch_context", "obo_context"):
        text = registry.joinpath(f"{name}.jsonld").read_text("utf-8")
        kgx.config.jsonld_context_map[name] = json.loads(text)["@context"]
    toolkit = bmt.toolkit.Toolkit(schema, no_mappings)
    kgx_utils._default_toolkit = toolkit
    kgx_utils._toolkit_versions[toolkit.get_model_version()] = toolkit


def _validate(files: list[str], extra_prefixes: list[str]) -> tuple[dict[str, Any], str]:
    """``kgx validate``'s errors (level -> kind -> message -> records) and the Biolink version used."""
    from kgx.transformer import Transformer
    from kgx.validator import Validator

    validator = Validator()
    validator.prefixes.update(extra_prefixes)
    Transformer(stream=True).transform(
        {"filename": files, "format": "tsv"}, output_args=None, inspector=validator
    )
    errors: dict[str, Any] = json.loads(json.dumps(validator.get_errors(), default=str))
    return errors, str(validator.get_validation_model_version())


def _count(errors: dict[str, Any]) -> dict[str, int]:
    return {level: sum(len(v) for v in kinds.values()) for level, kinds in errors.items()}


def main(directory: Path, extra_prefixes: list[str]) -> dict[str, Any]:
    """Transform (in-memory graph) and validate with and without the extra prefixes, in one process."""
    offline()
    from kgx.transformer import Transformer

    files = [str(directory / "nodes.tsv"), str(directory / "edges.tsv")]
    transformer = Transformer()  # not streaming: the in-memory graph that keys edges by s-p-o
    transformer.transform({"filename": files, "format": "tsv"})
    graph = transformer.store.graph
    edge_ids = sorted(str(d.get("id")) for _s, _o, _k, d in graph.edges(keys=True, data=True))
    errors, model = _validate(files, extra_prefixes)
    bare, _ = _validate(files, [])
    return {
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "edge_ids": edge_ids,
        "model": model,
        "errors": _count(errors),
        "sample": errors if any(_count(errors).values()) else {},
        "errors_without_extra_prefixes": bare,
    }


if __name__ == "__main__":
    if sys.argv[1] == "cli":
        offline()
        from kgx.cli import cli

        cli(sys.argv[2:])
    else:
        result = main(Path(sys.argv[1]), sys.argv[2:])
        sys.stdout.write(json.dumps(result, default=str) + "\n")
