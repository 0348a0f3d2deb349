"""``python3 course.py classroom`` (``python -m benchmarks.classroom``): the load test.

``python3 course.py classroom term``: the scripted graded term on the hub (term.py).
"""

import sys

if sys.argv[1:2] == ["term"]:
    from benchmarks.classroom.term import main

    sys.exit(main(sys.argv[2:]))

from benchmarks.classroom.cli import main

sys.exit(main())
