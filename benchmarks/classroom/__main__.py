"""``python3 course.py classroom`` (``python -m benchmarks.classroom``): the load test."""

import sys

from benchmarks.classroom.cli import main

sys.exit(main())
