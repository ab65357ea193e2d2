"""Benchmarks (`make bench`): each submodule exposes ``run() -> dict``; results go to build/bench.json.

Speed and memory targets live here, never in timed unit tests: the machine is shared and noisy,
so each section reports medians over repeats and ratios measured within one run.
"""
