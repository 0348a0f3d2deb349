"""The maintainers' tools, run as `python3 course.py <command>` (see `course.py --help`)."""
