"""The build machinery: how notebooks are run, recorded, and published (not the science).

- :mod:`~analysis.pipeline.run` executes one notebook run with papermill, atomically;
  :mod:`~analysis.pipeline.parameters` checks its parameters first, and
  :mod:`~analysis.pipeline.normalise` strips what varies between two executions;
- :mod:`~analysis.pipeline.makedeps` turns ``config/build.yml`` into make rules, and
  :mod:`~analysis.pipeline.makesyntax` spells file names safely into them;
- :mod:`~analysis.pipeline.runrecord`, :mod:`~analysis.pipeline.manifest`,
  :mod:`~analysis.pipeline.crate`, :mod:`~analysis.pipeline.dist` and
  :mod:`~analysis.pipeline.citation` record and package what the runs made;
- :mod:`~analysis.pipeline.origin` says which commit and date a tree is (a checkout, or an
  unzipped archive's ARCHIVE-INFO);
- :mod:`~analysis.pipeline.workspace` makes throw-away copies of the project for tests and
  benchmarks; ``schemas/`` holds the JSON schemas the deposit is checked against.

The science (``analysis.literature``, ``analysis.governance``, ``analysis.valuegrid`` and the
shared ``figures`` and ``tables``) reaches this package through one interface only:
:mod:`analysis.pipeline.trace`, which records what a notebook reads and writes.
"""
