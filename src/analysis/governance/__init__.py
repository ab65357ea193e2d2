"""Governance reading grid, schematic trajectories of cases A and B, and researcher coding.

Submodules: :mod:`.evidence` (interview excerpts, verbatim checks), :mod:`.trajectories`
(grid, steps, coverage), :mod:`.coding` (a researcher's own coding file, cross-table and
test), :mod:`.plots` (figures), :mod:`.labels` (vocabularies and their labels, translated
through the catalogue), :mod:`.report` (what notebook 03 selects, shows and saves).
"""
