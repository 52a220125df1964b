"""Scale benchmark: the program's plan time against the Pulumi SDK floor, memory, and deployment depth.

    venv/bin/python bench/scale.py --sizes 10,100,500,1000 --seed 7 --output bench/results.md [--target T]

For each target (both by default) and each size N it generates a topology of N colors (the same for
every target; bench/topologies.py), then, each in a fresh Python process so timings and peak
memory are not skewed by an earlier run:

- load: `load_topology` on the YAML file (read, parse, model, semantic checks), best of a few runs;
- program: the real program (`mesh_components.program.main`) under the shared offline runner;
- floor: the Pulumi SDK alone registering the very resources the program registered (same types,
  names, parents, input payloads and dependency edges) with no topology, graph or Output logic.

See bench/README.md for what each column means and what was found.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from graphlib import TopologicalSorter
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Iterable

if __package__ in (None, ""):  # run as `python bench/scale.py`: make the repo importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.topologies import generate_topology, write_topology  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
STACK = "bench"
REGION = "us-east-1"
STACK_TYPE = "pulumi:pulumi:Stack"
LOAD_REPEATS = 5
DEFAULT_SIZES = (10, 100, 500, 1000)
TARGETS = ("app-mesh", "service-connect")  # both by default, on the very same topologies


# --- measurements in this process ----------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One run under the mock engine: what it registered, how long it took, how much memory it grew."""

    resources: int
    wall_seconds: float
    cpu_seconds: float  # all threads of this process: less disturbed than wall time by other load
    peak_mib: float  # peak resident set growth during the run (see rss_mib)


def rss_mib() -> tuple[float, float]:
    """(current, peak) resident set size of this process in MiB, as the kernel counts it."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    try:
        with open("/proc/self/statm") as statm:
            current = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        current = peak
    return current, peak


def timed_run(run: Callable[[], Any]) -> tuple[Any, float, float, float]:
    """(result, wall s, cpu s, peak RSS growth MiB) of `run()`; meaningful once per fresh process."""
    before, _ = rss_mib()
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    _, peak = rss_mib()
    return result, wall, cpu, max(0.0, peak - before)


def measure_load(path: Path, target: str, repeats: int = LOAD_REPEATS) -> float:
    """Best wall seconds of `load_for_target(path, target)`: read, parse, validate the model, run every
    check of the topology and of the target."""
    from mesh_components.targets import load_for_target

    load_for_target(path, target)  # first use builds pydantic's validators; a real run pays that once, before the clock
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        load_for_target(path, target)
        best = min(best, time.perf_counter() - started)
    return best


def program_config(topology: Path, target: str) -> dict[str, str]:
    return {"aws:region": REGION, "color-mesh:topology": str(topology), "color-mesh:target": target}


def run_real_program(topology: Path, target: str):
    """The program exactly as `pulumi up` runs it, under the offline runner: a Recording."""
    from mesh_components.offline.runner import load_program_entry, read_project_name, run_program

    return run_program(load_program_entry(), stack=STACK, project=read_project_name(REPO),
                       config=program_config(topology, target))


def measure_program(topology: Path, target: str) -> tuple[Run, list[dict], int, list[str]]:
    """(run, floor plan, deployment depth, critical path) of the real program on `topology` for `target`.

    A run on a tiny topology first imports the provider modules the program uses and fills
    first-use caches, so the timed run measures the program, not Python's imports.
    """
    with tempfile.TemporaryDirectory(prefix="color-mesh-warm-up-") as workdir:
        run_real_program(write_topology(generate_topology(3, 0), Path(workdir) / "warm-up.yaml"), target)
    recording, wall, cpu, peak = timed_run(lambda: run_real_program(topology, target))
    depth, chain = deployment_depth(recording.resources)
    return Run(len(recording.resources), wall, cpu, peak), floor_plan(recording.resources), depth, chain


def measure_floor(plan: list[dict]) -> Run:
    from mesh_components.offline.runner import read_project_name, run_program

    project = read_project_name(REPO)
    one_of_each_type = {entry["type"]: {**entry, "parent": "", "dependencies": []} for entry in plan}
    run_program(floor_program(list(one_of_each_type.values())), stack=STACK, project=project,
                config={"aws:region": REGION})  # warm-up, as for the program
    program = floor_program(plan)
    recording, wall, cpu, peak = timed_run(lambda: run_program(program, stack=STACK, project=project,
                                                               config={"aws:region": REGION}))
    return Run(len(recording.resources), wall, cpu, peak)


# --- the floor -----------------------------------------------------------------------------------


def floor_plan(resources: Iterable) -> list[dict]:
    """What the floor registers: every recorded resource but the stack, creation order kept valid.

    Order: a resource comes after its parent and after every resource it depends on, as in the
    program. Inputs are the wire-form inputs the program sent, so payload sizes match.
    """
    records = {record.urn: record for record in resources if record.type != STACK_TYPE}
    ordered: list[dict] = []
    placed: set[str] = set()

    def place(urn: str) -> None:
        stack = [(urn, False)]
        while stack:
            current, ready = stack.pop()
            if current in placed or current not in records:
                continue
            record = records[current]
            if ready:
                placed.add(current)
                ordered.append({
                    "urn": record.urn, "type": record.type, "name": record.name, "custom": record.custom,
                    "parent": record.parent if record.parent in records else "",
                    "dependencies": [dep for dep in record.dependencies if dep in records],
                    "inputs": record.inputs, "outputs": {} if record.custom else record.outputs,
                })
                continue
            stack.append((current, True))
            stack.extend((dep, False) for dep in (record.parent, *record.dependencies) if dep not in placed)

    for urn in sorted(records):
        place(urn)
    return ordered


def floor_program(plan: list[dict]) -> Callable[[], None]:
    """A Pulumi program that registers `plan` with the bare SDK: no model, graph or Output work.

    Resources are made through a subclass, as every provider's resource classes are: the SDK then
    records each registration's source position, a per-resource cost any real program pays.
    """
    import pulumi

    class FloorResource(pulumi.CustomResource):
        def __init__(self, type_token: str, name: str, inputs: dict, opts: pulumi.ResourceOptions) -> None:
            super().__init__(type_token, name, inputs, opts)

    class FloorComponent(pulumi.ComponentResource):
        def __init__(self, type_token: str, name: str, opts: pulumi.ResourceOptions) -> None:
            super().__init__(type_token, name, None, opts)

    def program() -> None:
        made: dict[str, pulumi.Resource] = {}
        for entry in plan:
            opts = pulumi.ResourceOptions(parent=made.get(entry["parent"]),
                                          depends_on=[made[dep] for dep in entry["dependencies"]])
            if entry["custom"]:
                made[entry["urn"]] = FloorResource(entry["type"], entry["name"], dict(entry["inputs"]), opts)
            else:
                component = FloorComponent(entry["type"], entry["name"], opts)
                component.register_outputs(dict(entry["outputs"]))
                made[entry["urn"]] = component

    return program


# --- deployment depth ----------------------------------------------------------------------------


def deployment_depth(resources: Iterable) -> tuple[int, list[str]]:
    """Longest chain of custom resources each waiting on the one before: (length, names along it).

    Edges are the recorded dependencies (explicit `depends_on` and property dependencies), with a
    dependency on a component standing for all custom resources under it. Parent -> child edges are
    not counted: a component is no cloud resource, and a child never waits for its parent's creation.
    """
    records = {record.urn: record for record in resources if record.type != STACK_TYPE}
    children: dict[str, list[str]] = {}
    for record in records.values():
        children.setdefault(record.parent, []).append(record.urn)

    def custom_under(urn: str) -> list[str]:
        found, pending = [], [urn]
        while pending:
            current = pending.pop()
            if records[current].custom:
                found.append(current)
            pending.extend(children.get(current, ()))
        return found

    waits_on = {
        urn: {dep for direct in record.dependencies if direct in records for dep in custom_under(direct)}
        for urn, record in records.items() if record.custom
    }
    longest: dict[str, tuple[int, str | None]] = {}  # urn -> (chain length ending here, previous urn)
    for urn in TopologicalSorter(waits_on).static_order():
        before = max(((longest[dep][0], dep) for dep in waits_on[urn]), default=(0, None))
        longest[urn] = (before[0] + 1, before[1])
    if not longest:
        return 0, []
    end = max(longest, key=lambda urn: (longest[urn][0], urn))
    chain: list[str] = []
    current: str | None = end
    while current is not None:
        chain.append(records[current].name)
        current = longest[current][1]
    return longest[end][0], chain[::-1]


# --- one size, each measurement in a fresh process -----------------------------------------------


@dataclass(frozen=True)
class SizeResult:
    target: str
    size: int
    resources: int
    wall_seconds: float
    cpu_seconds: float
    peak_mib: float
    floor_resources: int
    floor_wall_seconds: float
    floor_cpu_seconds: float
    floor_peak_mib: float
    load_seconds: float
    depth: int
    critical_path: tuple[str, ...]

    @property
    def seconds_per_resource(self) -> float:
        return self.wall_seconds / self.resources

    @property
    def ratio(self) -> float:
        return self.wall_seconds / self.floor_wall_seconds

    @property
    def cpu_ratio(self) -> float:
        return self.cpu_seconds / self.floor_cpu_seconds


def _child(kind: str, *args: str) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, *args]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    if done.returncode != 0:
        raise RuntimeError(f"{kind} run failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _best(runs: list[dict]) -> dict:
    """The fastest run's times; memory is the smallest peak seen (it only grows with interference)."""
    best = dict(min(runs, key=lambda run: run["wall_seconds"]))
    best["peak_mib"] = min(run["peak_mib"] for run in runs)
    return best


def measure_size(size: int, seed: int, workdir: Path, repeats: int = 1, target: str = "app-mesh") -> SizeResult:
    topology = write_topology(generate_topology(size, seed), workdir / f"topology-{target}-{size}.yaml")
    plan = workdir / f"floor-plan-{target}-{size}.json"
    load = _child("load", str(topology), target)
    programs, floors = [], []
    for _ in range(repeats):  # interleaved, so a burst of other load hits both alike
        programs.append(_child("program", str(topology), str(plan), target))
        floors.append(_child("floor", str(plan)))
    program, floor = _best(programs), _best(floors)
    return SizeResult(
        target=target, size=size, resources=program["resources"], wall_seconds=program["wall_seconds"],
        cpu_seconds=program["cpu_seconds"], peak_mib=program["peak_mib"], floor_resources=floor["resources"],
        floor_wall_seconds=floor["wall_seconds"], floor_cpu_seconds=floor["cpu_seconds"],
        floor_peak_mib=floor["peak_mib"], load_seconds=load["load_seconds"], depth=program["depth"],
        critical_path=tuple(program["critical_path"]))


def run_child(kind: str, args: list[str]) -> dict:
    """Body of a `--child` process: one measurement, answered as one JSON line on stdout."""
    import mesh_components.program  # noqa: F401 - same imports before the clock in every child

    if kind == "load":
        return {"load_seconds": measure_load(Path(args[0]), args[1])}
    if kind == "program":
        run, plan, depth, chain = measure_program(Path(args[0]), args[2])
        Path(args[1]).write_text(json.dumps(plan))
        return {**asdict(run), "depth": depth, "critical_path": chain}
    if kind == "floor":
        plan = json.loads(Path(args[0]).read_text())
        return asdict(measure_floor(plan))
    raise ValueError(f"unknown child kind {kind!r}")


# --- report --------------------------------------------------------------------------------------

COLUMNS = ("N", "resources", "wall s", "cpu s", "s/resource", "floor s", "ratio", "cpu ratio",
           "peak MiB", "floor MiB", "load+validate s", "depth")


def table_rows(results: Iterable[SizeResult]) -> list[tuple[str, ...]]:
    return [(str(r.size), str(r.resources), f"{r.wall_seconds:.2f}", f"{r.cpu_seconds:.2f}",
             f"{r.seconds_per_resource * 1000:.2f} ms", f"{r.floor_wall_seconds:.2f}", f"{r.ratio:.2f}",
             f"{r.cpu_ratio:.2f}", f"{r.peak_mib:.0f}", f"{r.floor_peak_mib:.0f}", f"{r.load_seconds:.3f}",
             str(r.depth)) for r in results]


def markdown_table(results: Iterable[SizeResult]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(row) + " |" for row in table_rows(results)]
    return "\n".join(lines)


def text_table(results: Iterable[SizeResult]) -> str:
    rows = [COLUMNS, *table_rows(results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    return "\n".join("  ".join(cell.rjust(width) for cell, width in zip(row, widths)) for row in rows)


def _first_line_with(path: str, prefix: str) -> str:
    try:
        with open(path) as source:
            return next((line.split(":", 1)[1].strip() for line in source if line.startswith(prefix)), "unknown")
    except OSError:
        return "unknown"


def machine() -> dict[str, str]:
    memory = _first_line_with("/proc/meminfo", "MemTotal")
    memory_gib = f"{int(memory.split()[0]) / 2**20:.1f} GiB" if memory != "unknown" else memory
    versions = {name: _version(name) for name in ("pulumi", "pulumi-aws", "pydantic", "PyYAML")}
    return {
        "CPU": _first_line_with("/proc/cpuinfo", "model name"),
        "cores": str(os.cpu_count()),
        "RAM": memory_gib,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        **versions,
    }


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def critical_path_note(result: SizeResult) -> str:
    return f"Longest dependency chain at N = {result.size} ({result.depth} resources): " + " → ".join(
        f"`{name}`" for name in result.critical_path)


def by_target(results: list[SizeResult]) -> dict[str, list[SizeResult]]:
    grouped: dict[str, list[SizeResult]] = {}
    for result in results:
        grouped.setdefault(result.target, []).append(result)
    return grouped


def results_markdown(results: list[SizeResult], *, seed: int, repeats: int, command: str) -> str:
    """One section per target (its table and its longest chain), then the machine."""
    facts = "\n".join(f"- {key}: {value}" for key, value in machine().items())
    sections = "".join(
        f"## {target}\n\n"
        f"{markdown_table(target_results)}\n\n"
        f"{critical_path_note(target_results[-1])}\n\n"
        for target, target_results in by_target(results).items())
    return (
        "# Scale benchmark results\n\n"
        f"Generated by `{command}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"seed {seed}, best of {repeats} run(s) per size, each in a fresh process. "
        "Columns are explained in bench/README.md.\n\n"
        f"{sections}"
        f"## Machine\n\n{facts}\n"
    )


def parse_sizes(text: str) -> list[int]:
    sizes = [int(part) for part in text.split(",") if part.strip()]
    if not sizes or any(size < 3 for size in sizes):
        raise argparse.ArgumentTypeError("comma-separated sizes of at least 3, e.g. 10,100,500,1000")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=parse_sizes, default=list(DEFAULT_SIZES), help="numbers of colors")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; the fastest counts")
    parser.add_argument("--output", type=Path, default=Path(__file__).resolve().parent / "results.md")
    parser.add_argument("--target", choices=TARGETS, action="append", dest="targets",
                        help="measure this target (repeatable; default: every target)")
    parser.add_argument("--child", nargs="+", metavar=("KIND", "ARG"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_child(args.child[0], args.child[1:])))
        return 0
    targets = args.targets or list(TARGETS)
    results = []
    with tempfile.TemporaryDirectory(prefix="color-mesh-scale-") as workdir:
        for target in targets:
            for size in args.sizes:
                print(f"{target}, N = {size} ...", file=sys.stderr, flush=True)
                results.append(measure_size(size, args.seed, Path(workdir), args.repeat, target))
    for target, target_results in by_target(results).items():
        print(f"{target}:\n{text_table(target_results)}")
    options = [("sizes", ",".join(map(str, args.sizes))), ("seed", args.seed), ("repeat", args.repeat)]
    options += [("target", target) for target in args.targets or ()]
    command = "python bench/scale.py " + " ".join(f"--{key} {value}" for key, value in options)
    args.output.write_text(results_markdown(results, seed=args.seed, repeats=args.repeat, command=command))
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
