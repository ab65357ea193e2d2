"""Benchmarks (`make bench`): each submodule's ``run() -> dict`` is one section of build/bench.json.

Speed and memory targets live here, never in timed unit tests: the machine is shared and noisy,
so each section reports medians over repeats and ratios measured within one run.
"""
