"""Print build/solve/proof times, peak memory and optimality for the matching engine.

Run from the repository root:  .venv/bin/python bench/matching.py [--only NAME ...]
Each instance runs in a fresh child process so the peak memory figure is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from matching import assign, solve  # noqa: E402
from matching.jsonio import read_orlib  # noqa: E402
from matching.synthetic import Shape, random_problem  # noqa: E402

ORLIB = REPO.parent / "shared" / "benchmarks" / "orlib-assign"
#: One region: about Southern Denmark (Funen and South Jutland), 120 x 170 km.
REGION = ((54.85, 55.90), (8.40, 10.95))
INSTANCES = {
    "regional": Shape(
        2_000, 5_000, capacity=2, radius_km=40.0, box=REGION, seed=11, school_holidays=True
    ),
    "national": Shape(20_000, 50_000, capacity=2, radius_km=40.0, seed=12, school_holidays=True),
    "scarce": Shape(20_000, 8_000, capacity=2, radius_km=40.0, seed=13, school_holidays=True),
}


def run_instance(name: str) -> dict[str, object]:
    tick = time.perf_counter()
    problem = random_problem(INSTANCES[name])
    generated = time.perf_counter() - tick
    cpu = time.process_time()
    solution = solve(problem)
    cpu = time.process_time() - cpu
    stats, cert = solution.stats, solution.certificate
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "instance": name,
        "requests": len(problem.requests),
        "volunteers": len(problem.volunteers),
        "generate_s": round(generated, 2),
        "build_s": round(stats.build_seconds, 2),
        "solve_s": round(stats.solve_seconds, 2),
        "proof_s": round(stats.proof_seconds, 2),
        "total_s": round(stats.total_seconds, 2),
        # CPU seconds of the solve (all threads): steadier than wall time on a busy machine.
        "cpu_s": round(cpu, 2),
        "peak_rss_mb": round(peak_mb),
        "matched_share": round(len(solution.assignments) / len(problem.requests), 4),
        "unmatched": len(solution.unmatched),
        "objective": round(solution.objective, 4),
        "optimal": cert.optimal,
        "rounds": cert.rounds,
        "dual_rounds": cert.dual_rounds,
        "candidate_pairs": cert.candidate_pairs,
        "slot_edges": stats.slot_edges,
        "rows_bounded": cert.rows_bounded,
        "rows_enumerated": cert.rows_enumerated,
        "pairs_checked": cert.pairs_checked,
        "pairs_added": cert.pairs_added,
        "max_violation": cert.max_violation,
        "relaxed_only": cert.relaxed_only,
        "overlap_moves": cert.overlap_moves,
        "overlap_repairs": cert.overlap_repairs,
        "closed_windows": sum(
            1 for r in problem.requests for w in r.windows if w.day in r.closed_days
        ),
    }


def orlib_rows() -> list[dict[str, object]]:
    from scipy.optimize import linear_sum_assignment

    if not ORLIB.is_dir():
        print(f"note: {ORLIB} not found, OR-Library rows skipped")
        return []
    table = (ORLIB / "README.md").read_text(encoding="utf-8")
    rows = []
    for n in range(100, 900, 100):
        costs = read_orlib((ORLIB / f"assign{n}.txt").read_text())
        known = int(table.split(f"| assign{n}.txt | {n} | ")[1].split(" ")[0])
        tick = time.perf_counter()
        result = assign(costs)
        ours = time.perf_counter() - tick
        tick = time.perf_counter()
        r, c = linear_sum_assignment(costs)
        plain = time.perf_counter() - tick
        rows.append(
            {
                "instance": f"assign{n}",
                "objective": round(result.objective),
                "known": known,
                "ok": round(result.objective) == known == int(costs[r, c].sum()),
                "assign_ms": round(ours * 1000, 1),
                "plain_scipy_ms": round(plain * 1000, 1),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", choices=[*INSTANCES, "orlib"])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_instance(args.child)))
        return
    chosen = args.only or [*INSTANCES, "orlib"]
    for name in chosen:
        if name == "orlib":
            for row in orlib_rows():
                print(json.dumps(row))
            continue
        child = subprocess.run(
            [sys.executable, __file__, "--child", name],
            capture_output=True,
            text=True,
            check=False,
        )
        if child.returncode:
            print(f"{name}: failed\n{child.stderr}")
        else:
            print(child.stdout.strip())


if __name__ == "__main__":
    main()
