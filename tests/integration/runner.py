"""Discovers tests/integration/test_*.py (or runs the modules, classes or tests named after the
directory: `runner.py DIR test_tasks test_auth.SigV4Test`), and prints `integration: N passed, N failed`."""
import sys
import unittest


def main():
    here = sys.argv[1]
    sys.path.insert(0, here)
    names = sys.argv[2:]
    if names:
        suite = unittest.defaultTestLoader.loadTestsFromNames(names)
    else:
        suite = unittest.defaultTestLoader.discover(here, pattern="test_*.py", top_level_dir=here)
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    passed = result.testsRun - failed - len(result.skipped)
    print("integration: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and result.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
