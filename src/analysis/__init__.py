"""Helper code for the Smart City public-value compendium (Frucquet 2024).

Notebooks hold the narrative and call into these small modules; every path comes from
:mod:`analysis.paths`, every data file from :mod:`analysis.datapackage`.
"""

__version__ = "0.1.0"
