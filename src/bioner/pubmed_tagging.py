"""Tagging all of PubMed: MEDLINE/PubMed XML files in, one output shard per file, on Dask.

The unit of work is one input file (a baseline file holds ~30,000 citations): one Dask task reads
it with `bioner.formats.pubmed`, tags it with `bioner.tagging.tag_documents` (in spaCy memory
zones, so a worker does not grow) and writes the shard
with `bioner.formats.write_documents` to a temporary name beside the final one, renamed when the
whole shard is written. A task that dies half-way (worker killed, Ctrl-C) leaves no file under the
final name, and a retried task rewrites its whole shard: every PMID of a file appears exactly once
in its shard, however often the task ran.

`DIR/manifest.jsonl` gets one line per finished shard, written by the client as results arrive
(input, output, documents, mentions, seconds, model, version, ...; `error` for a file that failed).
A shard is complete when its last manifest line has no error, the output file exists with the
recorded size and the model is the same: a re-run skips complete shards and does the rest.

Workers load the model once each, through a Dask worker plugin (`ModelPlugin`), not per task.
Paths (inputs, output folder, model) must be visible to every worker under the same names: on
several machines, a shared file system, or a model installed as a package (`bioner package`).
"""

from __future__ import annotations

import inspect
import json
import logging
import os
import resource
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from tqdm import tqdm

from . import __version__
from .document import Document
from .errors import BionerError
from .formats import SHARD_FORMATS, shard_suffix, write_documents
from .formats.pubmed import iter_pubmed
from .names import RELATIONS
from .tagging.core import DEFAULT_BATCH_SIZE, check_relations, load_pipeline, relations_missing, tag_documents
from .tagging.models import model_pipe_names, resolve_model

if TYPE_CHECKING:
    from spacy.language import Language

try:  # Dask is the `pubmed` extra; without it the module still imports, and the run says what to install
    from distributed.diagnostics.plugin import WorkerPlugin as _WorkerPlugin
except ImportError:  # pragma: no cover
    _WorkerPlugin = object  # type: ignore[misc,assignment]

MANIFEST = "manifest.jsonl"
INPUT_SUFFIXES = (".xml", ".xml.gz")
PLUGIN_PREFIX = "bioner-model:"
PARTIAL_SUFFIX = ".partial"
LOCAL_WORKER_CONFIG = {
    # Dask's default environment for worker processes less MALLOC_TRIM_THRESHOLD_: setting it turns
    # off glibc's adaptive mmap threshold, and spaCy's many short-lived arrays then cost 6-16% more
    # CPU in page faults (measured on 300 citations). One BLAS thread a worker, as Dask sets it.
    "distributed.nanny.pre-spawn-environ": {"OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1, "OPENBLAS_NUM_THREADS": 1},
    "distributed.worker.profile.enabled": False,  # no dashboard to show the profile
}


# --- planning: which shards, which are done ----------------------------------------------------


@dataclass(frozen=True)
class Shard:
    input: Path
    output: Path


def find_inputs(inputs: Sequence[str | Path]) -> list[Path]:
    """The files to tag: each INPUT is a file, or a folder whose `.xml`/`.xml.gz` files are taken
    (sorted by name, so `pubmed26n0001` comes first)."""
    if not inputs:
        raise BionerError("no input: give MEDLINE/PubMed XML files (.xml or .xml.gz) or folders of them")
    files: list[Path] = []
    for item in inputs:
        path = Path(item)
        if not path.exists():
            raise BionerError(f"{path}: no such file or folder")
        if path.is_dir():
            found = sorted(
                p
                for p in path.iterdir()
                if p.is_file() and not p.name.startswith(".") and p.name.lower().endswith(INPUT_SUFFIXES)
            )
            if not found:
                raise BionerError(f"{path}: the folder holds no .xml or .xml.gz files")
            files.extend(found)
        else:
            files.append(path)
    return files


def shard_name(path: Path, output_format: str) -> str:
    """`pubmed26n0001.xml.gz` -> `pubmed26n0001.pubtator` (or `.jsonl`)."""
    name = path.name
    for suffix in (".gz", ".xml"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name + shard_suffix(output_format)


def plan_shards(inputs: Sequence[str | Path], output_dir: str | Path, output_format: str) -> list[Shard]:
    """One shard per input file, under `output_dir`; two inputs with the same shard name are an error."""
    if output_format not in SHARD_FORMATS:
        raise BionerError(f"unknown output format {output_format!r}; choose one of {', '.join(SHARD_FORMATS)}")
    shards: list[Shard] = []
    by_name: dict[str, Path] = {}
    for path in find_inputs(inputs):
        name = shard_name(path, output_format)
        if name in by_name:
            if by_name[name].resolve() == path.resolve():
                continue  # the same file given twice
            raise BionerError(
                f"{by_name[name]} and {path} would both be written to {name}; tag them into different output folders"
            )
        by_name[name] = path
        shards.append(Shard(path.resolve(), Path(output_dir).resolve() / name))
    return shards


def read_manifest(output_dir: str | Path) -> dict[str, dict[str, Any]]:
    """The last manifest record of each output (by file name); a torn last line is ignored."""
    path = Path(output_dir) / MANIFEST
    records: dict[str, dict[str, Any]] = {}
    if not path.is_file():
        return records
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut short by a crash of the writer: that shard is redone
            if isinstance(record, dict) and isinstance(record.get("output"), str):
                records[Path(record["output"]).name] = record
    return records


def is_complete(shard: Shard, record: dict[str, Any] | None, model: str, relations: bool | None = None) -> bool:
    """Whether a shard is done: recorded without error, by this model, with relations predicted or
    not as asked (`relations`, when known; a record from before relations had none), and its file
    is in place whole."""
    if record is None or record.get("error") or record.get("model") != model:
        return False
    if relations is not None and bool(record.get("relations_predicted", False)) != relations:
        return False
    return shard.output.is_file() and shard.output.stat().st_size == record.get("bytes")


# --- the task, on a worker ---------------------------------------------------------------------


@dataclass
class ShardResult:
    """One manifest line."""

    input: str
    output: str
    """The shard's path; with `error` set, the shard that was not written."""
    documents: int = 0
    mentions: int = 0
    relations: int = 0
    relations_predicted: bool = False
    """Whether the model's relation component ran (`--relations`/`--no-relations`)."""
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    """CPU time of the thread that ran the task (reading, tagging, writing)."""
    model: str = ""
    version: str = ""
    """The model's version (its meta.json)."""
    bioner: str = ""
    words: int = 0
    deleted: list[str] = field(default_factory=list)
    """PMIDs the file's DeleteCitation entries delete (update files)."""
    bytes: int | None = None
    worker: str = ""
    peak_memory_mb: float = 0.0
    """Peak resident memory of the worker process so far (model included)."""
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class ModelPlugin(_WorkerPlugin):
    """A Dask worker plugin holding the pipeline: loaded on a worker's first task, then reused.

    Registered under `bioner-model:<model>`, so a cluster that serves several runs keeps one model
    per name and a new worker (one joining later, or a restarted one) gets the plugin too.
    """

    def __init__(self, model: str) -> None:
        self.model = model
        self.name = PLUGIN_PREFIX + model
        self._nlp: Language | None = None
        self._lock = threading.Lock()
        self.loads = 0
        """How many times this worker loaded the model: 1 after any number of tasks."""

    def __getstate__(self) -> dict[str, Any]:
        return {"model": self.model, "name": self.name}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["model"])  # type: ignore[misc]

    def setup(self, worker: Any) -> None:
        pass  # loading waits for the first task, so that a bad model is a shard error, not a hung worker

    def teardown(self, worker: Any) -> None:
        self._nlp = None

    def pipeline(self) -> Language:
        with self._lock:
            if self._nlp is None:
                self._nlp = load_pipeline(_model_argument(self.model))
                self.loads += 1
            return self._nlp


def _model_argument(model: str) -> str | Path:
    return Path(model) if os.sep in model or model.startswith(".") else model


def _worker_pipeline(model: str) -> Language:
    """The model's pipeline on this Dask worker (loaded once), or loaded here outside Dask."""
    try:
        from distributed import get_worker

        worker = get_worker()
    except (ImportError, ValueError):
        worker = None
    plugin = cast("ModelPlugin | None", worker.plugins.get(PLUGIN_PREFIX + model) if worker is not None else None)
    if plugin is None:
        plugin = ModelPlugin(model)
        if worker is not None:
            worker.plugins[plugin.name] = plugin
    return plugin.pipeline()


def tag_shard(
    input: str | Path,
    output: str | Path,
    model: str,
    output_format: str = "pubtator",
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    nlp: Language | None = None,
    relations: bool | None = None,
) -> ShardResult:
    """Tag one MEDLINE/PubMed XML file into one shard: a temporary file renamed when complete.

    Input errors (malformed XML, truncated gzip) are returned in `ShardResult.error`, not raised,
    so that one bad file does not stop the run; nothing is left under the output's name.
    Relations are predicted as `ner-predict` does (`relations`: None when the model has the
    component, False never, True required) and written in the shard.
    """
    output = Path(output)
    result = ShardResult(str(input), str(output), model=model, bioner=__version__, worker=_worker_name())
    started, cpu_started = time.perf_counter(), time.thread_time()
    try:
        if nlp is None:
            nlp = _worker_pipeline(model)
        result.version = str(nlp.meta.get("version", ""))
        result.relations_predicted = check_relations(nlp, relations, model)
        documents = iter_pubmed(input, deleted=result.deleted)
        tagged = _count(
            tag_documents(nlp, documents, batch_size=batch_size, relations=result.relations_predicted), result
        )
        # The writer is atomic (bioner.atomic): `.NAME.XXXX.partial` beside the shard, renamed when whole.
        write_documents(tagged, output, output_format)
        with output.open("rb") as handle:
            os.fsync(handle.fileno())
        result.bytes = output.stat().st_size
    except BionerError as error:
        result.error = str(error)  # the output is named, and not there: the manifest says why
    result.seconds = round(time.perf_counter() - started, 3)
    result.cpu_seconds = round(time.thread_time() - cpu_started, 3)
    result.peak_memory_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def _count(documents: Iterable[Document], result: ShardResult) -> Iterator[Document]:
    for document in documents:
        result.documents += 1
        result.mentions += len(document.mentions)
        result.relations += len(document.relations)
        result.words += len(document.text.split())
        yield document


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):
        return f"pid {os.getpid()}"


# --- the run, on the client --------------------------------------------------------------------


@dataclass
class RunSummary:
    output_dir: Path
    model: str
    shards: int = 0
    skipped: list[str] = field(default_factory=list)
    """Inputs whose shards were already complete (resume)."""
    done: list[ShardResult] = field(default_factory=list)
    failed: list[ShardResult] = field(default_factory=list)
    seconds: float = 0.0
    workers: int = 0

    @property
    def documents(self) -> int:
        return sum(r.documents for r in self.done)

    @property
    def words(self) -> int:
        return sum(r.words for r in self.done)

    @property
    def mentions(self) -> int:
        return sum(r.mentions for r in self.done)

    @property
    def relations(self) -> int:
        return sum(r.relations for r in self.done)

    def format(self) -> str:
        if not self.done and not self.failed:
            return f"nothing to do: all {self.shards} shards in {self.output_dir} are complete"
        rate = self.documents / self.seconds if self.seconds > 0 else 0.0
        lines = [
            f"{len(self.done)} of {self.shards} shards tagged now, {len(self.skipped)} already complete, "
            f"{len(self.failed)} failed",
            f"{self.documents:,} abstracts, {self.words:,} words, {self.mentions:,} mentions in "
            f"{self.seconds:.1f}s on {self.workers} worker{'s' if self.workers != 1 else ''} "
            f"({rate:,.0f} abstracts/s, {self.words / self.seconds if self.seconds else 0:,.0f} words/s)",
        ]
        if any(r.relations_predicted for r in self.done):
            lines.append(f"{self.relations:,} relations")
        deleted = sum(len(r.deleted) for r in self.done)
        if deleted:
            lines.append(f"{deleted:,} PMIDs deleted by DeleteCitation entries (listed in {MANIFEST})")
        for failure in self.failed:
            lines.append(f"failed: {failure.input}: {failure.error}")
        return "\n".join(lines)


def tag_pubmed(
    inputs: Sequence[str | Path],
    output_dir: str | Path,
    *,
    model: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    output_format: str = "pubtator",
    batch_size: int = DEFAULT_BATCH_SIZE,
    cwd: str | Path | None = None,
    progress: bool = False,
    on_start: Callable[[str], None] | None = None,
    client: Any = None,
    relations: bool | None = None,
) -> RunSummary:
    """Tag every input file into its shard under `output_dir`, skipping shards already complete.

    The engine: `client` (a `distributed.Client` of the caller's), else `scheduler` (the address of
    a running Dask scheduler, `tcp://HOST:8786`), else a local cluster of `workers` processes
    (default: one per core), one thread each. Files that fail are in `RunSummary.failed` and the
    manifest; the others complete. `on_start(message)` is told where the work runs.
    `relations`: as `ner-predict --relations/--no-relations`; None predicts them when the model has
    the relation component. A shard tagged the other way is not complete: it is tagged again.
    """
    if workers is not None and scheduler is not None:
        raise BionerError(
            "give either --workers (a cluster on this machine) or --scheduler (an existing one), not both"
        )
    if workers is not None and workers < 1:
        raise BionerError(f"--workers must be at least 1, found {workers}")
    if batch_size < 1:
        raise BionerError(f"--batch-size must be at least 1, found {batch_size}")
    output_dir = Path(output_dir)
    shards = plan_shards(inputs, output_dir, output_format)
    resolved = resolve_model(model, cwd)
    model_name = str(Path(resolved).resolve()) if isinstance(resolved, Path) else resolved
    pipe_names = model_pipe_names(resolved)
    if relations and pipe_names is not None and RELATIONS not in pipe_names:
        raise BionerError(relations_missing(model_name, pipe_names))  # before any cluster starts
    wanted = relations if relations is not None or pipe_names is None else RELATIONS in pipe_names
    if output_dir.exists() and not output_dir.is_dir():
        raise BionerError(f"{output_dir}: exists and is not a folder")
    output_dir.mkdir(parents=True, exist_ok=True)

    summary = RunSummary(output_dir, model_name, shards=len(shards))
    records = read_manifest(output_dir)
    todo = []
    for shard in shards:
        if is_complete(shard, records.get(shard.output.name), model_name, wanted):
            summary.skipped.append(str(shard.input))
        else:
            todo.append(shard)
    if not todo:
        return summary
    _remove_partials(output_dir, todo)

    started = time.perf_counter()
    try:
        with _engine(client, scheduler, workers) as engine:
            _run(
                engine, todo, output_dir, summary, model_name, output_format, batch_size, progress, on_start, relations
            )
    finally:
        summary.seconds = time.perf_counter() - started
        _remove_partials(output_dir, todo)  # left by tasks that died: a killed worker, Ctrl-C
    return summary


def _run(
    engine: Any,
    todo: list[Shard],
    output_dir: Path,
    summary: RunSummary,
    model_name: str,
    output_format: str,
    batch_size: int,
    progress: bool,
    on_start: Callable[[str], None] | None,
    relations: bool | None = None,
) -> None:
    info = engine.scheduler_info(n_workers=-1) if _accepts_n_workers(engine) else engine.scheduler_info()
    summary.workers = len(info.get("workers", {}))
    if on_start is not None:
        on_start(
            f"{len(todo)} shard{'s' if len(todo) != 1 else ''} to tag ({len(summary.skipped)} already "
            f"complete) on {summary.workers} worker{'s' if summary.workers != 1 else ''} at "
            f"{engine.scheduler.address}; model {model_name}"
        )
    _ensure_plugin(engine, model_name)
    run_id = uuid.uuid4().hex[:8]
    futures = {
        engine.submit(
            tag_shard,
            str(shard.input),
            str(shard.output),
            model_name,
            output_format,
            batch_size=batch_size,
            relations=relations,
            key=f"bioner-tag-{shard.output.name}-{run_id}",
            pure=False,
        ): shard
        for shard in todo
    }
    try:
        _collect(engine, futures, output_dir, summary, model_name, progress)
    finally:
        engine.cancel(list(futures))


def _ensure_plugin(engine: Any, model: str) -> None:
    """Register the model's plugin, unless every worker has it already (a cluster serving several
    runs keeps its loaded models: registering again would replace the plugin and reload)."""
    name = PLUGIN_PREFIX + model
    present = engine.run(_has_plugin, name)
    if not present or not all(present.values()):
        engine.register_plugin(ModelPlugin(model), name=name)


def _has_plugin(name: str, dask_worker: Any = None) -> bool:
    return dask_worker is not None and name in dask_worker.plugins


def warm_up(model: str) -> str:
    """Load the model on this worker now (`client.run(warm_up, model)`), e.g. before timing a run."""
    return str(_worker_pipeline(model).meta.get("name", ""))


def _collect(
    engine: Any, futures: dict[Any, Shard], output_dir: Path, summary: RunSummary, model: str, progress: bool
) -> None:
    """Write a manifest line for each shard as it finishes (done or failed)."""
    from distributed import as_completed

    with (
        (output_dir / MANIFEST).open("a", encoding="utf-8") as manifest,
        tqdm(total=len(futures), unit=" files", disable=not progress, dynamic_ncols=True) as bar,
    ):
        for future in as_completed(list(futures)):
            shard = futures[future]
            try:
                result = future.result()
            except Exception as error:  # noqa: BLE001  (a worker dying three times, a bug: this shard fails)
                what = type(error).__name__
                result = ShardResult(str(shard.input), str(shard.output), model=model, error=f"{what}: {error}")
            if result.error:
                summary.failed.append(result)
            else:
                summary.done.append(result)
            manifest.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
            manifest.flush()
            os.fsync(manifest.fileno())
            bar.update(1)


class _engine:
    """A Dask client for the run: the caller's, one on `scheduler`, or on a new local cluster."""

    def __init__(self, client: Any, scheduler: str | None, workers: int | None) -> None:
        self.given, self.scheduler, self.workers = client, scheduler, workers
        self.client: Any = None
        self.cluster: Any = None

    def __enter__(self) -> Any:
        if self.given is not None:
            return self.given
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise BionerError(
                "tag-pubmed needs Dask: pip install 'dask[distributed]' (or bioner's 'pubmed' extra)"
            ) from None
        if self.scheduler is not None:
            try:
                self.client = Client(self.scheduler, timeout="20s")
            except (OSError, TimeoutError) as error:
                raise BionerError(
                    f"cannot connect to the Dask scheduler at {self.scheduler}: {error}. Start one "
                    "with `dask scheduler` and workers with `dask worker ADDRESS`"
                ) from None
            try:
                self.client.wait_for_workers(1, timeout=60)
            except TimeoutError:
                self.client.close()
                raise BionerError(
                    f"the Dask scheduler at {self.scheduler} has no workers (waited 60 s): start "
                    f"some with `dask worker {self.scheduler} --nthreads 1`"
                ) from None
            return self.client

        import dask

        with dask.config.set(LOCAL_WORKER_CONFIG), warnings.catch_warnings():
            # no dashboard; Dask's HTTP server (health checks) takes another port if 8787 is taken
            warnings.filterwarnings("ignore", message="Port .* is already in use")
            self.cluster = LocalCluster(
                n_workers=self.workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
        self.client = Client(self.cluster)
        return self.client

    def __exit__(self, *exc_info: object) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _accepts_n_workers(client: Any) -> bool:
    return "n_workers" in inspect.signature(client.scheduler_info).parameters


def _remove_partials(output_dir: Path, shards: Iterable[Shard]) -> None:
    """Temporary files of these shards left by tasks that died (a killed worker, Ctrl-C)."""
    for shard in shards:
        for path in output_dir.glob(f".{shard.output.name}.*{PARTIAL_SUFFIX}"):  # bioner.atomic's temporaries
            path.unlink(missing_ok=True)
