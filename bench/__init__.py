"""docfinder's benchmarks: `python -m bench` runs the suite (bench/suite.py); the modules
beside it measure one thing each and also run alone (`python -m bench.bench_search --help`)."""
