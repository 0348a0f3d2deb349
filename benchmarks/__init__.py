"""The course's benchmarks: explorer and Run All timings (run.py), the classroom load test."""
