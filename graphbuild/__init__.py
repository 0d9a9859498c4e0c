"""graphbuild: Vietnamese articles -> a knowledge graph of the Party and state documents they cite.

The packages are the stages, in the order the data goes through them: text, domain, read ->
extract -> resolve -> graph -> write, run over a corpus by pipeline (or engines, on Spark), asked
by ask, shown by web and cli.

The library is what ``__all__`` names, imported from here (``from graphbuild import extract, build,
cites``): each name is loaded when first asked for, so ``import graphbuild`` (every command's start,
for ``__version__``) loads nothing else.  ``graphbuild.extract`` is the function; the modules of the
package of the same name are imported by their full names (``from graphbuild.extract.find import …``).
"""

import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy and ruff read it the same)

__version__ = "0.1.0"

# Each public name, and the module that defines it.
_DEFINED_IN = {
    "extract": "graphbuild.extract.find",
    "read_articles": "graphbuild.read.articles",
    "build": "graphbuild.pipeline.build",
    "open_graph": "graphbuild.graph.namespaces",
    "open_store": "graphbuild.write.store",
    "cites": "graphbuild.ask.query",
    "refs": "graphbuild.ask.query",
    "show": "graphbuild.ask.query",
    "stats": "graphbuild.ask.query",
    "Article": "graphbuild.domain.model",
    "Mention": "graphbuild.domain.model",
    "DocumentKey": "graphbuild.domain.ids",
    "SkippedInput": "graphbuild.domain.skipped",
    "BuildResult": "graphbuild.pipeline.results",
}

__all__ = ["Article", "BuildResult", "DocumentKey", "Mention", "SkippedInput", "build", "cites", "extract",
           "open_graph", "open_store", "read_articles", "refs", "show", "stats"]

if TYPE_CHECKING:
    from types import ModuleType

    from graphbuild.ask.query import cites, refs, show, stats
    from graphbuild.domain.ids import DocumentKey
    from graphbuild.domain.model import Article, Mention
    from graphbuild.domain.skipped import SkippedInput
    from graphbuild.extract.find import extract
    from graphbuild.graph.namespaces import open_graph
    from graphbuild.pipeline.build import build
    from graphbuild.pipeline.results import BuildResult
    from graphbuild.read.articles import read_articles
    from graphbuild.write.store import open_store
else:
    ModuleType = type(sys)


def __getattr__(name: str) -> object:
    """A public name, imported from its module on first use (then held here)."""
    if name not in _DEFINED_IN:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(_DEFINED_IN[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(ModuleType):
    """This module's type: importing the package ``graphbuild.extract`` must not rebind the name ``extract``.

    Python sets a subpackage as an attribute of its parent once it is imported; without this, the
    first ``import graphbuild.extract.…`` anywhere would turn ``from graphbuild import extract`` into
    the package.  The package stays in ``sys.modules`` and imports by its full name as usual.
    """

    def __setattr__(self, name: str, value: object) -> None:
        if name == "extract" and value is sys.modules.get("graphbuild.extract"):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
