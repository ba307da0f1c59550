"""``python -m bench [--full]``: measure Insikt on this machine and print each figure beside its target."""

import argparse
import json
import sys
from dataclasses import replace

from bench import results
from bench.profiles import PROFILES
from bench.run import run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--full", action="store_true", help="the full profile (the issue's sizes; long)")
    parser.add_argument("--profile", choices=sorted(PROFILES), help="a profile by name (overrides --full)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database (logs are always kept)")
    parser.add_argument("--skip-reports", action="store_true", help="intake, freshness and memory only")
    parser.add_argument(
        "--py-spy",
        action="store_true",
        help="sample survey-api (throughput phase) and reporting (warm reports) with py-spy",
    )
    parser.add_argument(
        "--survey-workers",
        type=int,
        default=2,
        help="worker processes for survey-api (default 2, one per core here; memory and CPU are summed)",
    )
    parser.add_argument(
        "--survey-server",
        choices=("serve", "uvicorn"),
        default="serve",
        help="how survey-api's workers start: survey-api-serve (forked, the default) or uvicorn --workers",
    )
    parser.add_argument(
        "--background",
        action="store_true",
        help="the report round also asks kön and åldersgrupp: reports with breakdowns (not the issue's round)",
    )
    args = parser.parse_args(argv)
    profile = PROFILES[args.profile or ("full" if args.full else "quick")]
    if args.background:
        profile = replace(profile, name=f"{profile.name}+background", report_background=True)
    result = run(
        profile,
        keep=args.keep,
        skip_reports=args.skip_reports,
        py_spy=args.py_spy,
        survey_workers=args.survey_workers,
        survey_server=args.survey_server,
    )
    path = results.write(result)
    print(
        f"\nInsikt benchmarks, {profile.name} profile ({result['machine']['nproc']} CPUs, "
        f"{result['machine']['cpu_model']}, load at start {result['machine']['load_average_at_start']})\n"
    )
    print(results.table(result["figures"]))
    print(f"\nresults: {path}\nservice logs: {result['logs']}")
    if "--json" in sys.argv:
        print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
