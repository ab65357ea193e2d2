"""The reviewer-facing static site (build/html/): notebooks, gallery, data, build, bibliography.

``python -m analysis.site`` renders it in one process; ``analysis.site.check.check_site`` and
``analysis.site.browser.check_in_browser`` verify it. Importing this package is cheap: nbconvert
is loaded only by the renderer.
"""
