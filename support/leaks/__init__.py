"""Secrets that must not leave a run: the one list of encodings a secret can take, detectors for secrets by their
shape, the pictures that can carry one, and the scan that proves the artifacts carry none."""
