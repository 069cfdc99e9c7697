"""Hand-run benchmarks of famhp-uat (see bench/README.md). Importable so that `-p bench.sleep_probe` works."""
