"""Start-up costs we refuse to pay: the one place that knows about them."""

from __future__ import annotations

import sys


def skip_unused_imports() -> None:
    """Keep jsonschema from importing ``rfc3987_syntax`` (jsonschema issue #1428).

    jsonschema imports it eagerly for the ``iri`` format, and it builds a grammar at import:
    about 1.5 s in every process that validates (runner, data check, site). We never validate
    IRIs, so a ``None`` entry in ``sys.modules`` makes jsonschema treat it as not installed.
    Call it before anything imports jsonschema, nbformat, papermill or frictionless.
    """
    sys.modules.setdefault("rfc3987_syntax", None)
