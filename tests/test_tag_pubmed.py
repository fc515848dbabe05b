"""`bioner tag-pubmed` (`bioner.pubmed_tagging`): shards, manifest, resume and faults on a real
Dask `LocalCluster` (worker processes) that the tests start.

The model is a blank pipeline with an entity ruler (Chemical: aspirin, cocaine; Disease: headache):
honest for the plumbing, not a measure of tagging. Faults come from pipeline components that
workers import at start (Dask's `preload`): one kills its worker process in the middle of a
shard, once; one slows tagging down so that a run can be interrupted half-way.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import spacy
from typer.testing import CliRunner

from bioner.formats.jsonl import read_jsonl
from bioner.formats.pubtator import read_pubtator
from bioner.pubmed_tagging import MANIFEST, read_manifest, tag_pubmed, tag_shard

distributed = pytest.importorskip("distributed")

FAULTS = '''
"""Pipeline components for tests/test_tag_pubmed.py, imported by each Dask worker at start."""
import os
import signal
import time

from spacy.language import Language


@Language.factory("bioner_test_kill_once", default_config={"marker": "", "trigger": "KILL"})
def make_kill_once(nlp, name, marker, trigger):
    def kill_once(doc):
        if trigger in doc.text and not os.path.exists(marker):
            open(marker, "w").close()
            os.kill(os.getpid(), signal.SIGKILL)  # the worker process dies in the middle of its shard
        return doc
    return kill_once


@Language.factory("bioner_test_slow", default_config={"seconds": 0.01})
def make_slow(nlp, name, seconds):
    def slow(doc):
        time.sleep(seconds)
        return doc
    return slow
'''


def article(pmid: int, title: str, abstract: str) -> str:
    body = f"<Abstract><AbstractText>{abstract}</AbstractText></Abstract>" if abstract else ""
    return (
        f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{pmid}</PMID>'
        f"<Article><ArticleTitle>{title}</ArticleTitle>{body}</Article></MedlineCitation></PubmedArticle>\n"
    )


def pubmed_file(path: Path, pmids: range, *, special: dict[int, str] | None = None) -> Path:
    """A gzipped PubMed file; every citation mentions aspirin and headache, some have no abstract."""
    special = special or {}
    parts = [
        article(
            pmid,
            f"Aspirin and headache {pmid}.",
            "" if pmid % 7 == 0 else special.get(pmid, "Cocaine caused headache in rats."),
        )
        for pmid in pmids
    ]
    xml = '<?xml version="1.0"?>\n<PubmedArticleSet>\n' + "".join(parts) + "</PubmedArticleSet>\n"
    path.write_bytes(gzip.compress(xml.encode("utf-8")))
    return path


def folder_of_files(folder: Path, files: int = 3, per_file: int = 40, **kwargs) -> dict[str, set[str]]:
    """`files` PubMed files in `folder`; returns the PMIDs of each by shard stem."""
    folder.mkdir(parents=True, exist_ok=True)
    expected = {}
    for number in range(files):
        pmids = range(1000 * (number + 1), 1000 * (number + 1) + per_file)
        pubmed_file(folder / f"pubmed26n{number + 1:04d}.xml.gz", pmids, **kwargs)
        expected[f"pubmed26n{number + 1:04d}"] = {str(p) for p in pmids}
    return expected


def build_model(path: Path, *extra: tuple[str, dict]) -> Path:
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "bioner.BiomedicalTokenizer.v1"}}})
    for factory, config in extra:
        nlp.add_pipe(factory, config=config)
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(
        [{"label": "Chemical", "pattern": p} for p in ("aspirin", "cocaine")]
        + [{"label": "Disease", "pattern": "headache"}]
    )
    nlp.to_disk(path)
    return path


def shard_ids(path: Path) -> list[str]:
    documents = read_pubtator(path) if path.suffix == ".pubtator" else read_jsonl(path)
    return [d.id for d in documents]


@pytest.fixture(scope="module")
def faults(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("faults") / "bioner_test_faults.py"
    path.write_text(FAULTS, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("bioner_test_faults", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # registers the components here too, to build the models
    return path


@pytest.fixture(scope="module")
def cluster(faults):
    """Two worker processes, one thread each, each importing the fault components at start."""
    import logging

    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
        preload=[str(faults)],
    ) as running:
        yield running


@pytest.fixture
def client(cluster):
    with distributed.Client(cluster) as connected:
        yield connected


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    return build_model(tmp_path_factory.mktemp("model") / "ruler")


def test_every_pmid_once_with_mentions_at_their_offsets_and_a_manifest(client, model, tmp_path):
    expected = folder_of_files(tmp_path / "in")
    summary = tag_pubmed([tmp_path / "in"], tmp_path / "out", model=str(model), client=client)
    assert (len(summary.done), summary.failed, summary.skipped) == (3, [], [])
    for stem, pmids in expected.items():
        ids = shard_ids(tmp_path / "out" / f"{stem}.pubtator")
        assert sorted(ids) == sorted(pmids)
    document = next(d for d in read_pubtator(tmp_path / "out" / "pubmed26n0001.pubtator") if d.id == "1002")
    assert document.text == "Aspirin and headache 1002. Cocaine caused headache in rats."
    assert [(m.start, m.end, m.label) for m in document.mentions] == [
        (0, 7, "Chemical"),
        (12, 20, "Disease"),
        (27, 34, "Chemical"),
        (42, 50, "Disease"),
    ]
    records = [json.loads(line) for line in (tmp_path / "out" / MANIFEST).read_text().splitlines()]
    assert sorted(Path(r["input"]).name for r in records) == sorted(f"{s}.xml.gz" for s in expected)
    for record in records:
        assert {"input", "output", "documents", "mentions", "seconds", "model", "version"} <= set(record)
        assert record["documents"] == 40 and record["error"] is None and record["model"] == str(model.resolve())
        titles_only = sum(1 for p in range(40) if (int(Path(record["input"]).name[9:13]) * 1000 + p) % 7 == 0)
        assert record["mentions"] == 2 * 40 + 2 * (40 - titles_only)
    assert not list((tmp_path / "out").glob(".*partial"))


def test_each_worker_loads_the_model_once_across_tasks_and_runs(client, tmp_path):
    from bioner.pubmed_tagging import PLUGIN_PREFIX

    model = build_model(tmp_path / "own-model")  # a model no other test used on this cluster
    folder_of_files(tmp_path / "in", files=6, per_file=5)
    tag_pubmed([tmp_path / "in"], tmp_path / "out", model=str(model), client=client)
    tag_pubmed([tmp_path / "in"], tmp_path / "out-again", model=str(model), client=client)
    name = PLUGIN_PREFIX + str(model.resolve())
    loads = client.run(lambda dask_worker: dask_worker.plugins[name].loads if name in dask_worker.plugins else 0)
    tasks = [
        json.loads(line)["worker"]
        for out in ("out", "out-again")
        for line in (tmp_path / out / MANIFEST).read_text().splitlines()
    ]
    assert len(tasks) == 12
    assert {address: loads[address] for address in set(tasks)} == {address: 1 for address in set(tasks)}


def test_jsonl_shards_score_perfectly_with_bioner_evaluate(client, model, tmp_path):
    from bioner.cli import _register, app
    from bioner.document import Document, Mention
    from bioner.formats.pubtator import write_pubtator

    folder_of_files(tmp_path / "in", files=1, per_file=10)
    tag_pubmed([tmp_path / "in"], tmp_path / "out", model=str(model), client=client, output_format="jsonl")
    shard = tmp_path / "out" / "pubmed26n0001.jsonl"
    gold = []
    for document in read_jsonl(shard):  # gold built from the text alone: every name the ruler knows
        text, mentions = document.text, []
        for name, label in (("Aspirin", "Chemical"), ("Cocaine", "Chemical"), ("headache", "Disease")):
            start = text.find(name)
            while start != -1:
                mentions.append(Mention(start, start + len(name), name, label))
                start = text.find(name, start + 1)
        gold.append(Document(document.id, document.passages, mentions))
    assert sum(len(d.mentions) for d in gold) > 20
    write_pubtator(gold, tmp_path / "gold.pubtator")
    _register()
    result = CliRunner().invoke(
        app,
        [
            "evaluate",
            "--gold",
            str(tmp_path / "gold.pubtator"),
            "--predictions",
            str(shard),
            "--json",
            str(tmp_path / "scores.json"),
        ],
    )
    assert result.exit_code == 0, result.output
    scores = json.loads((tmp_path / "scores.json").read_text())
    assert scores["documents"] == 10 and scores["strict"]["micro"]["f1"] == pytest.approx(1.0)


def test_rerun_skips_complete_shards_and_redoes_a_missing_one(client, model, tmp_path):
    folder_of_files(tmp_path / "in")
    tag_pubmed([tmp_path / "in"], tmp_path / "out", model=str(model), client=client)
    kept = tmp_path / "out" / "pubmed26n0001.pubtator"
    stamp = kept.stat().st_mtime_ns
    (tmp_path / "out" / "pubmed26n0002.pubtator").unlink()
    summary = tag_pubmed([tmp_path / "in"], tmp_path / "out", model=str(model), client=client)
    assert [Path(r.input).name for r in summary.done] == ["pubmed26n0002.xml.gz"]
    assert len(summary.skipped) == 2 and kept.stat().st_mtime_ns == stamp
    again = tag_pubmed([tmp_path / "in"], tmp_path / "out", model=str(model), client=client)
    assert (again.done, len(again.skipped)) == ([], 3)


def test_truncated_gzip_fails_alone_and_a_rerun_after_the_fix_does_only_it(client, model, tmp_path):
    expected = folder_of_files(tmp_path / "in", per_file=300)
    broken = tmp_path / "in" / "pubmed26n0002.xml.gz"
    good = broken.read_bytes()
    broken.write_bytes(good[: len(good) // 2])
    summary = tag_pubmed([tmp_path / "in"], tmp_path / "out", model=str(model), client=client)
    (failure,) = summary.failed
    assert failure.input == str(broken) and "truncated or corrupt" in failure.error and str(broken) in failure.error
    assert sorted(Path(r.input).name for r in summary.done) == ["pubmed26n0001.xml.gz", "pubmed26n0003.xml.gz"]
    assert not (tmp_path / "out" / "pubmed26n0002.pubtator").exists()
    assert read_manifest(tmp_path / "out")["pubmed26n0002.pubtator"]["error"] == failure.error
    assert not list((tmp_path / "out").glob(".*partial"))

    broken.write_bytes(good)
    rerun = tag_pubmed([tmp_path / "in"], tmp_path / "out", model=str(model), client=client)
    assert [Path(r.input).name for r in rerun.done] == ["pubmed26n0002.xml.gz"] and len(rerun.skipped) == 2
    assert sorted(shard_ids(tmp_path / "out" / "pubmed26n0002.pubtator")) == sorted(expected["pubmed26n0002"])


def test_worker_killed_in_the_middle_of_a_shard_loses_and_doubles_nothing(client, tmp_path, faults):
    marker = tmp_path / "killed-once"
    model = build_model(tmp_path / "model", ("bioner_test_kill_once", {"marker": str(marker), "trigger": "KILL"}))
    # the 151st of 200 citations of the second file kills its worker: nine batches of 16 are written by then
    expected = folder_of_files(tmp_path / "in", per_file=200, special={2150: "KILL cocaine."})
    summary = tag_pubmed([tmp_path / "in"], tmp_path / "out", model=str(model), client=client, batch_size=16)
    assert marker.exists()  # a worker did die
    assert summary.failed == [] and len(summary.done) == 3
    for stem, pmids in expected.items():
        ids = shard_ids(tmp_path / "out" / f"{stem}.pubtator")
        assert len(ids) == len(set(ids)) and set(ids) == pmids
    assert not list((tmp_path / "out").glob(".*partial"))
    client.wait_for_workers(2, timeout=60)  # the nanny restarted it, for the next tests


def test_scheduler_address_runs_the_cli_on_an_existing_cluster(cluster, model, tmp_path):
    from bioner.cli import _register, app

    expected = folder_of_files(tmp_path / "in", files=2, per_file=20)
    _register()
    result = CliRunner().invoke(
        app,
        [
            "tag-pubmed",
            str(tmp_path / "in"),
            "--output",
            str(tmp_path / "out"),
            "--model",
            str(model),
            "--scheduler",
            cluster.scheduler_address,
            "--output-format",
            "jsonl",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "2 of 2 shards tagged" in result.output and "on 2 workers" in result.output
    for stem, pmids in expected.items():
        assert sorted(shard_ids(tmp_path / "out" / f"{stem}.jsonl")) == sorted(pmids)


def test_cli_exits_nonzero_naming_the_bad_file_and_the_others_complete(cluster, model, tmp_path):
    from bioner.cli import _register, app

    folder_of_files(tmp_path / "in", files=2, per_file=5)
    (tmp_path / "in" / "pubmed26n0009.xml").write_text("<PubmedArticleSet><PubmedArticle>", encoding="utf-8")
    _register()
    result = CliRunner().invoke(
        app,
        [
            "tag-pubmed",
            str(tmp_path / "in"),
            "-o",
            str(tmp_path / "out"),
            "-m",
            str(model),
            "--scheduler",
            cluster.scheduler_address,
        ],
    )
    assert result.exit_code == 1
    assert "pubmed26n0009.xml" in result.output and "not well-formed XML" in result.output
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pubtator")) == [
        "pubmed26n0001.pubtator",
        "pubmed26n0002.pubtator",
    ]


def test_tag_shard_outside_dask_writes_the_same_shard(model, tmp_path):
    pubmed_file(tmp_path / "a.xml.gz", range(1, 30))
    result = tag_shard(tmp_path / "a.xml.gz", tmp_path / "a.pubtator", str(model))
    assert (
        result.error is None
        and result.documents == 29
        and shard_ids(tmp_path / "a.pubtator") == [str(i) for i in range(1, 30)]
    )


@pytest.mark.slow
def test_ctrl_c_leaves_no_partial_shard_under_its_final_name(faults, tmp_path):
    """The CLI on its own local cluster, interrupted (SIGINT) once the first shard is done."""
    model = build_model(tmp_path / "model", ("bioner_test_slow", {"seconds": 0.01}))
    expected = folder_of_files(tmp_path / "in", files=8, per_file=60)  # 0.6 s of sleeping a shard
    env = dict(os.environ, DASK_DISTRIBUTED__WORKER__PRELOAD=json.dumps([str(faults)]))
    command = [
        sys.executable,
        "-m",
        "bioner.cli",
        "tag-pubmed",
        str(tmp_path / "in"),
        "-o",
        str(tmp_path / "out"),
        "-m",
        str(model),
        "--workers",
        "1",
        "--batch-size",
        "8",
    ]
    # SIGINT as a terminal's Ctrl-C delivers it, even where the test runs with SIGINT ignored (`make test &`)
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    manifest = tmp_path / "out" / MANIFEST
    patience = 60  # seconds for the first shard to be finished
    deadline = time.monotonic() + patience
    while not (manifest.exists() and manifest.read_text().strip()):
        stopped = process.poll() is not None
        if stopped or time.monotonic() > deadline:
            if not stopped:
                process.send_signal(signal.SIGINT)  # no orphaned cluster: let it stop its workers
            try:
                _, stderr = process.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                _, stderr = process.communicate()
            when = f"the command exited ({process.returncode})" if stopped else f"{patience} s passed"
            pytest.fail(f"no shard was finished (nothing in {manifest}) before {when}; its stderr:\n{stderr}")
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr
    finished = sorted(tmp_path.joinpath("out").glob("*.pubtator"))
    assert 1 <= len(finished) < 8
    for shard in finished:  # whatever is under a final name is whole
        assert sorted(shard_ids(shard)) == sorted(expected[shard.stem])
    assert not list((tmp_path / "out").glob(".*partial"))


def test_a_shard_leaves_the_model_vocabulary_as_it_found_it(model, tmp_path):
    """spaCy keeps every new string; a worker tagging millions of abstracts must not grow with them."""
    from bioner.tagging import load_pipeline

    nlp = load_pipeline(model)
    words = " ".join(f"unseenword{n}" for n in range(50))
    pubmed_file(tmp_path / "a.xml.gz", range(1, 2500), special={n: f"Aspirin {words} {n}." for n in range(1, 2500)})
    before = len(nlp.vocab.strings)
    result = tag_shard(tmp_path / "a.xml.gz", tmp_path / "a.pubtator", str(model), nlp=nlp)
    assert result.documents == 2499 and result.mentions > 2499
    assert len(nlp.vocab.strings) == before


# --- relations ---------------------------------------------------------------------------------


def relation_pipeline():
    import fake_relations

    return fake_relations.ruler_with_relations(["aspirin", "cocaine"], ["headache"])


def test_a_shard_carries_the_relations_of_a_model_with_the_relation_component(tmp_path):
    pubmed_file(tmp_path / "a.xml.gz", range(1, 4))
    result = tag_shard(tmp_path / "a.xml.gz", tmp_path / "a.pubtator", "relations-model", nlp=relation_pipeline())
    assert result.error is None and result.relations_predicted
    documents = read_pubtator(tmp_path / "a.pubtator")
    assert [(r.type, r.arguments) for r in documents[0].relations] == [
        ("CID", ["D001241", "headache"]),
        ("CID", ["cocaine", "headache"]),
    ]
    assert result.relations == sum(len(d.relations) for d in documents) == 6


def test_a_jsonl_shard_carries_relations_with_their_supporting_mentions(tmp_path):
    pubmed_file(tmp_path / "a.xml.gz", range(1, 2))
    tag_shard(tmp_path / "a.xml.gz", tmp_path / "a.jsonl", "relations-model", "jsonl", nlp=relation_pipeline())
    (document,) = read_jsonl(tmp_path / "a.jsonl")
    assert all(r.support for r in document.relations)


def test_no_relations_writes_a_shard_without_them(tmp_path):
    pubmed_file(tmp_path / "a.xml.gz", range(1, 4))
    result = tag_shard(tmp_path / "a.xml.gz", tmp_path / "a.pubtator", "m", nlp=relation_pipeline(), relations=False)
    assert not result.relations_predicted and result.relations == 0
    assert all(not d.relations for d in read_pubtator(tmp_path / "a.pubtator"))


def test_relations_with_a_model_without_the_component_fails_the_shard_naming_why(model, tmp_path):
    pubmed_file(tmp_path / "a.xml.gz", range(1, 4))
    result = tag_shard(tmp_path / "a.xml.gz", tmp_path / "a.pubtator", str(model), relations=True)
    assert "has no bioner_relations component" in result.error and not (tmp_path / "a.pubtator").exists()


def test_a_shard_tagged_without_relations_is_not_complete_when_relations_are_wanted(model, tmp_path):
    from bioner.pubmed_tagging import Shard, is_complete

    pubmed_file(tmp_path / "a.xml.gz", range(1, 4))
    result = tag_shard(tmp_path / "a.xml.gz", tmp_path / "a.pubtator", str(model))
    record = result.to_dict()
    shard = Shard(tmp_path / "a.xml.gz", tmp_path / "a.pubtator")
    assert is_complete(shard, record, str(model), False) and is_complete(shard, record, str(model))
    assert not is_complete(shard, record, str(model), True)


def test_cli_relations_with_a_model_without_the_component_stops_before_any_work(model, tmp_path):
    from bioner.cli import _register, app

    folder_of_files(tmp_path / "in", files=1, per_file=2)
    _register()
    result = CliRunner().invoke(
        app, ["tag-pubmed", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-m", str(model), "--relations"]
    )
    assert result.exit_code != 0
    assert "has no bioner_relations component" in str(result.exception)
    assert not (tmp_path / "out").exists()
