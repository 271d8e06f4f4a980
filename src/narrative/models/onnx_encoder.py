"""ONNX Runtime plumbing shared by the shipped models, and the int8 sentence embedder.

How the models use the cores: every session runs single-threaded (no intra-op pool, nothing
spins), and the batches of a call (sorted by length, padded only to the longest of their batch)
are spread over a small process-wide pool of worker threads, one per core. ``session.run`` releases
the GIL, so the workers run truly in parallel, next to spaCy in the calling thread. On a shared
2-core machine this beat intra-op threads: no per-operator barriers waiting for a descheduled
thread. ``submit`` starts the work and returns at once, so the annotator overlaps it with spaCy.

Only onnxruntime, tokenizers and numpy are needed at run time (no torch).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np

from .records import ModelInfo

DEFAULT_EMBED_ARTIFACT = Path(__file__).resolve().parent / "artifacts" / "embed"
META_FILE = "embed.json"
DEFAULT_BATCH = 16  # sentences per run: after length sorting, 16 took ~15% less CPU than 32 here (cache)


def cpu_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def worker_count() -> int:
    """Threads running model batches: ``NARRATIVE_THREADS`` or one per available core."""
    v = os.environ.get("NARRATIVE_THREADS")
    return max(1, int(v)) if v else cpu_count()


_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def ort_pool() -> ThreadPoolExecutor:
    """The process-wide pool that runs ONNX batches (created on first use; daemon-like, idle threads sleep)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=worker_count(), thread_name_prefix="narrative-onnx")
        return _POOL


def _forget_pool_in_child() -> None:  # a forked child has the pool object but none of its threads
    global _POOL, _POOL_LOCK
    _POOL = None
    _POOL_LOCK = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool_in_child)


class _Gate:
    """How many pool workers may run a model at once: all of them, less one per core a caller has
    reserved for its own work (see :func:`reserve_core`)."""

    def __init__(self):
        self._cond = threading.Condition()
        self._active = 0
        self._reserved = 0

    def __enter__(self):
        with self._cond:
            while self._active >= max(1, worker_count() - self._reserved):
                self._cond.wait()
            self._active += 1

    def __exit__(self, *exc):
        with self._cond:
            self._active -= 1
            self._cond.notify_all()

    @contextmanager
    def reserve(self):
        with self._cond:
            self._reserved += 1
        try:
            yield
        finally:
            with self._cond:
                self._reserved -= 1
                self._cond.notify_all()


_GATE = _Gate()


def reserve_core():
    """While inside, the model pool leaves one core to the caller (at least one worker still runs).

    The annotator parses with spaCy in its own thread while the pool runs the transformer on the
    sentences parsed so far; spaCy is the longer chain, so on 2 cores it gets one to itself rather
    than a third of two: measured, the stage went from ~22 s to ~18 s for 60 articles."""
    return _GATE.reserve()


def ort_session(model_path: str | os.PathLike, threads: int | None = 1):
    """An onnxruntime CPU session: all graph optimisations, ``threads`` intra-op threads (1: runs on
    the calling thread), and pools that sleep rather than spin when idle."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    if threads:
        opts.intra_op_num_threads = int(threads)
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    opts.add_session_config_entry("session.inter_op.allow_spinning", "0")
    return ort.InferenceSession(str(model_path), sess_options=opts, providers=["CPUExecutionProvider"])


def tokenizer_fingerprint(tokenizer) -> str:
    """Identifies what a `tokenizers.Tokenizer` produces, whatever its truncation and padding: two
    models with the same fingerprint can share one tokenisation (cut to each one's max length)."""
    import hashlib

    d = json.loads(tokenizer.to_str())
    d.pop("truncation", None)
    d.pop("padding", None)
    return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()


def truncate_ids(seqs: Sequence[Sequence[int]], max_length: int) -> list[Sequence[int]]:
    """Word-piece ids of single sentences ([CLS] … [SEP]) cut to ``max_length`` the way the
    tokenizer's own right truncation does: the first pieces, then the closing special token."""
    return [x if len(x) <= max_length else [*x[:max_length - 1], x[-1]] for x in seqs]


def length_batches(lengths: Sequence[int], batch_size: int) -> list[np.ndarray]:
    """Row indices grouped into batches of similar length, longest first (the pool starts on the
    slowest batches, so the last ones to finish are short)."""
    order = np.argsort(-np.asarray(lengths, dtype=np.int64), kind="stable")
    bs = max(1, int(batch_size))
    return [order[s:s + bs] for s in range(0, len(order), bs)]


def pad_batch(seqs: Sequence[Sequence[int]], pad_id: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(input_ids, attention_mask) int64 arrays padded to the longest sequence of the batch."""
    width = max((len(x) for x in seqs), default=0)
    ids = np.full((len(seqs), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(seqs), width), dtype=np.int64)
    for r, x in enumerate(seqs):
        ids[r, :len(x)] = x
        mask[r, :len(x)] = 1
    return ids, mask


class Pending:
    """Rows being computed batch by batch; ``result()`` waits and returns them (in input order)."""

    _NOTHING = object()

    def __init__(self, out: np.ndarray, futures: list[Future], finish: Callable[[np.ndarray], object] | None = None):
        self._out = out
        self._futures = futures
        self._finish = finish
        self._value = Pending._NOTHING

    def done(self) -> bool:
        return all(f.done() for f in self._futures)

    def result(self):
        """The finished rows (computed once; later calls return the same object)."""
        if self._value is Pending._NOTHING:
            for f in self._futures:
                f.result()  # re-raises a batch's exception
            self._value = self._finish(self._out) if self._finish else self._out
        return self._value


class Part:
    """Item ``i`` of a handle whose result is a tuple (one pass, several results)."""

    def __init__(self, handle, i: int):
        self._handle, self._i = handle, i

    def result(self):
        return self._handle.result()[self._i]


def run_batches(run: Callable[[np.ndarray, np.ndarray], np.ndarray], seqs: Sequence[Sequence[int]], width: int,
                batch_size: int, pad_id: int = 0, parallel: bool = True, dtype=np.float32,
                finish: Callable[[np.ndarray], object] | None = None) -> Pending:
    """Run ``run(input_ids, attention_mask) -> (b, width)`` over length-sorted padded batches of
    ``seqs``; on the shared pool if ``parallel``, else here and now."""
    out = np.zeros((len(seqs), width), dtype=dtype)

    def one(idx: np.ndarray) -> None:
        ids, mask = pad_batch([seqs[i] for i in idx], pad_id)
        out[idx] = run(ids, mask)

    def on_pool(idx: np.ndarray) -> None:
        with _GATE:  # pool workers yield to a caller that reserved a core; a caller's own runs do not wait
            one(idx)

    batches = length_batches([len(s) for s in seqs], batch_size)
    if parallel and len(batches) > 1:
        pool = ort_pool()
        return Pending(out, [pool.submit(on_pool, idx) for idx in batches], finish)
    for idx in batches:
        one(idx)
    return Pending(out, [], finish)


class OnnxSentenceEncoder:
    """L2-normalised sentence embeddings from the int8 ONNX MiniLM (pooling and normalisation are in
    the graph). Same interface as :class:`narrative.models.embed.SentenceEmbedder` (``info``,
    ``encode``), plus ``submit`` (start now, ``.result()`` later)."""

    def __init__(self, session, tokenizer, info: ModelInfo, dim: int, max_length: int = 256,
                 batch_size: int = DEFAULT_BATCH, output: str = "embeddings", parallel: bool = True):
        self._sess = session
        self._tok = tokenizer
        self.info = info
        self.dim = int(dim)
        self.max_length = int(max_length)
        self.batch_size = int(batch_size)
        self.parallel = parallel
        self._output = output
        self._pad_id = tokenizer.token_to_id("[PAD]") or 0
        tokenizer.no_padding()
        tokenizer.enable_truncation(self.max_length)
        self.tokenizer_fingerprint = tokenizer_fingerprint(tokenizer)
        self._types = "token_type_ids" in {i.name for i in session.get_inputs()}

    @classmethod
    def load(cls, path: str | os.PathLike | None = None, *, threads: int | None = None,
             batch_size: int = DEFAULT_BATCH) -> "OnnxSentenceEncoder":
        """``threads``: None (default) = single-threaded session, batches spread over the shared pool
        (see the module doc); 1 = one thread, in the caller; k > 1 = k intra-op threads, in the caller."""
        from tokenizers import Tokenizer

        p = Path(path) if path is not None else DEFAULT_EMBED_ARTIFACT
        if not (p / "model.onnx").exists():
            raise FileNotFoundError(f"no model.onnx in {p} (build it: python -m narrative.training.build_embed_onnx)")
        # embed.json (an embedding artefact) or labels.json (a sentiment artefact with an ``embeddings`` output)
        metas = [p / META_FILE, p / "labels.json"]
        meta = next((json.loads(m.read_text(encoding="utf-8")) for m in metas if m.exists()), {})
        sess = ort_session(p / "model.onnx", int(threads) if threads else 1)
        if meta.get("output", "embeddings") not in {o.name for o in sess.get_outputs()}:
            raise ValueError(f"{p / 'model.onnx'} has no {meta.get('output', 'embeddings')!r} output (not an embedding model)")
        tok = Tokenizer.from_file(str(p / "tokenizer.json"))
        info = ModelInfo(meta.get("name", p.name), str(meta.get("version", "0")))
        return cls(sess, tok, info, meta.get("dim", 384), meta.get("max_length", 256), batch_size,
                   meta.get("output", "embeddings"), parallel=threads is None)

    def get_sentence_embedding_dimension(self) -> int:
        return self.dim

    def tokenize(self, texts: Sequence[str]) -> list[list[int]]:
        return [e.ids for e in self._tok.encode_batch([t or " " for t in texts])]

    def _run(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        feed = {"input_ids": ids, "attention_mask": mask}
        if self._types:
            feed["token_type_ids"] = np.zeros_like(ids)
        return self._sess.run([self._output], feed)[0]

    def submit_ids(self, seqs: Sequence[Sequence[int]]) -> Pending:
        """Start on sentences tokenised by :meth:`tokenize` (or a tokenizer with the same fingerprint)."""
        seqs = truncate_ids(seqs, self.max_length)
        return run_batches(self._run, seqs, self.dim, self.batch_size, self._pad_id, self.parallel)

    def submit(self, texts: Sequence[str]) -> Pending:
        """Start embedding ``texts``; ``.result()`` is the (n, dim) float32 array, rows in input order."""
        return self.submit_ids(self.tokenize(list(texts)))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self.submit(texts).result()

    def __repr__(self) -> str:
        return f"OnnxSentenceEncoder({self.info.tag})"
