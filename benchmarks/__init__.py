"""Benchmarks: each module measures one thing and prints ratios against a reference or a floor."""
