"""ketamine-kg: a cited, reasoned knowledge graph of ketamine and esketamine in depression.

Heavy libraries are imported lazily so that ``ketamine-kg --help`` stays fast.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
