"""The one shape of every command-line tool in the compendium, and the list of them.

A tool is a module whose docstring is its ``--help`` text, ending with::

    def _arguments(parser: argparse.ArgumentParser) -> None:   # optional
        parser.add_argument(...)

    @cli.command(_arguments)
    def main(args: argparse.Namespace, paths: Paths) -> int:
        ...

    if __name__ == "__main__":
        raise SystemExit(main())

``main(argv)`` then parses ``argv`` (default: the command line), reads the paths from the
environment once (``analysis.paths.from_env``; a test may pass its own, ``main(argv, paths)``),
reports a ``CompendiumError`` as one
``error: ...`` line with exit status 1 (``analysis.errors.reports_errors``) and ends quietly
when a reader closes the pipe (``... | head -1``).

``python -m analysis.cli`` lists the tools, reading their sources only: ``make help`` runs it
before the environment exists.
"""

from __future__ import annotations

import argparse
import ast
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from analysis.errors import reports_errors

if TYPE_CHECKING:
    from analysis.paths import Paths

Handler = Callable[[argparse.Namespace, "Paths"], int]
EPILOG = ("Paths come from ANALYSIS_ROOT, ANALYSIS_BUILD_DIR, ANALYSIS_DATA_DIR, ANALYSIS_CONFIG "
          "and ANALYSIS_SHARED_DIR when set. Bad input is reported in one line naming the file, "
          "row and column; exit status 1.")


def parser_for(module: str, arguments: Callable[[argparse.ArgumentParser], None] | None = None
               ) -> argparse.ArgumentParser:
    """The argument parser of tool ``module``: its docstring as help, the shared epilog."""
    doc = sys.modules[module].__doc__
    if module == "__main__":  # run as ``python -m analysis.x``: its real name is in its spec
        module = getattr(sys.modules["__main__"].__spec__, "name", module)
    prog = "python -m " + module.removesuffix(".__main__")
    parser = argparse.ArgumentParser(prog=prog, description=doc,
                                     epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    if arguments is not None:
        arguments(parser)
    return parser


def command(arguments: Callable[[argparse.ArgumentParser], None] | None = None
            ) -> Callable[[Handler], Callable[..., int]]:
    """Turn ``handler(args, paths) -> int`` into the tool's ``main(argv=None) -> int``."""
    def decorate(handler: Handler) -> Callable[..., int]:
        @functools.wraps(handler)
        def main(argv: list[str] | None = None, paths: Paths | None = None) -> int:
            from analysis.paths import from_env

            args = parser_for(handler.__module__, arguments).parse_args(argv)
            return _quiet_on_closed_pipe(reports_errors(handler), args, paths or from_env())
        main.is_command = True  # type: ignore[attr-defined]
        return main
    return decorate


def _quiet_on_closed_pipe(handler: Handler, args: argparse.Namespace, paths: Paths) -> int:
    try:
        code = handler(args, paths)
        sys.stdout.flush()
    except BrokenPipeError:
        # As the Python docs advise: point stdout at devnull so the interpreter's final flush
        # raises nothing either, and exit 1 (what Python itself does on EPIPE).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return code


class Tool(NamedTuple):
    command: str  # what follows ``python -m``
    module: str  # the module defining ``main`` (``….__main__`` for a package)
    summary: str  # the first line of its docstring


def tools(package: Path = Path(__file__).parent) -> list[Tool]:
    """Every tool of the package, found by reading the sources (nothing is imported)."""
    found = []
    for source in sorted(package.rglob("*.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        if any(_is_command(node) for node in tree.body):
            module = ".".join(source.relative_to(package.parent).with_suffix("").parts)
            summary = (ast.get_docstring(tree) or "").strip().splitlines()
            found.append(Tool(module.removesuffix(".__main__"), module,
                              summary[0] if summary else ""))
    return found


def _is_command(node: ast.stmt) -> bool:
    if not isinstance(node, ast.FunctionDef):
        return False
    for decorator in node.decorator_list:
        call = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(call, ast.Attribute) and call.attr == "command":
            return True
    return False


if __name__ == "__main__":
    width = max((len(tool.command) for tool in tools()), default=0)
    print("Command-line tools (python -m TOOL --help for each):")
    for tool in tools():
        print(f"  {tool.command:<{width}}  {tool.summary}")
