"""Command line: `python -m matching solve problem.json` and `... assign --orlib FILE`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from matching.assign import assign
from matching.errors import Infeasible, InvalidInput
from matching.jsonio import load_json, problem_from_json, read_orlib, solution_to_json
from matching.solve import solve

#: Exit codes: bad input, and a valid problem that has no full matching.
EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 1
#: An error is one line, however large the input that caused it.
MESSAGE_MAX = 240


def _one_line(message: str) -> str:
    text = " ".join(message.split())
    return text if len(text) <= MESSAGE_MAX else text[: MESSAGE_MAX - 1] + "…"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m matching", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    solve_cmd = commands.add_parser("solve", help="solve a problem JSON file ('-' for stdin)")
    solve_cmd.add_argument("problem")
    assign_cmd = commands.add_parser("assign", help="solve a plain assignment matrix")
    assign_cmd.add_argument("--orlib", required=True, help="OR-Library assignment file")
    args = parser.parse_args(argv)
    try:
        if args.command == "solve":
            text = sys.stdin.read() if args.problem == "-" else _read(args.problem)
            solution = solve(problem_from_json(load_json(text)))
            json.dump(solution_to_json(solution), sys.stdout, indent=1)
        else:
            costs = read_orlib(_read(args.orlib))
            result = assign(costs)
            objective: float | int = result.objective
            if np.issubdtype(costs.dtype, np.integer):
                objective = round(result.objective)
            json.dump({"objective": objective, "pairs": result.pairs}, sys.stdout)
        sys.stdout.write("\n")
    except InvalidInput as exc:
        print(f"error: {_one_line(str(exc))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (RecursionError, OverflowError) as exc:
        # Input shaped to exhaust the stack or a machine integer: still bad input.
        print(f"error: input too deep or too large ({type(exc).__name__})", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Infeasible as exc:
        print(f"infeasible: {_one_line(str(exc))}", file=sys.stderr)
        return EXIT_INFEASIBLE
    return 0


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise InvalidInput(f"cannot read {_one_line(path)}: {reason}") from None
