"""The benchmarks' bodies, which use the models: each bench/*.py script imports
its workload here only once Django is set up against the benchmark's database."""
