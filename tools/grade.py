"""`python3 course.py grade STEP`: a graded term's steps, the round trip and the scripted term.

The steps are tools/grading.py's, the round trip of every notebook (`grade check`)
tools/grade_check.py's and the scripted term (`grade term`) tools/graded_term.py's.
`python3 course.py grade --help` lists the steps.
"""

import sys

from tools import grade_check, graded_term, grading


def main(argv=None):
    """Run the chosen step; the exit status."""
    args = grading.command_line().parse_args(argv)
    if args.step == "check":
        return grade_check.main([*(["--out", args.out] if args.out else []), *args.notebooks])
    if args.step == "term":
        return graded_term.main([] if args.out is None else ["--out", args.out])
    return grading.run(args)


if __name__ == "__main__":
    sys.exit(main())
