"""The index on disk: generations, the write lock, the cursor, one searcher per process.

Layout of INDEX_DIR:

    CURRENT            the name of the generation in use (replaced atomically)
    gen-<time>-<pid>/  a Whoosh index plus `cursor.json`, how far into the
                       change log this index has applied, and `generation.json`,
                       what it was built from (written when its build completed)
    rebuild.lock       held by the process that builds a generation
    merge.lock         held by the one process that merges segments

A generation is only ever made by a complete build from the database
(kb.indexing.rebuild), beside the one in use; CURRENT is swapped when it is
complete and searchers notice the swap and reopen. Without any generation (a new
server, or its directory removed) searches answer from an empty index in memory,
and a process that still has a searcher open keeps answering from it.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import hashlib
import json
import os
import shutil
import threading
import time
import warnings

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import RamStorage
from whoosh.index import LockError
from whoosh.searching import Searcher

from kb.search import docsets, whoosh_internals
from kb.search.schema import build_schema

# Indexes written before UniqueCodec moved to whoosh_internals name it
# `kb.search.index.UniqueCodec` in their pickled segment list: keep the name here.
from kb.search.whoosh_internals import UniqueCodec, write_lock
from kb.search.writing import Changes

CURRENT = "CURRENT"
CURSOR = "cursor.json"
MANIFEST = "generation.json"
REBUILD_LOCK = "rebuild.lock"
MERGE_LOCK = "merge.lock"
# Raise when what kb puts into documents changes in a way the schema's fields and
# analysis (schema_fingerprint) do not show: every server then rebuilds its index.
INDEX_FORMAT = 2  # 2: wordfreq compound parts, irregular forms, hyphenated compounds
# Analysed with every field's analyzer for the fingerprint: a change of stemming,
# stop words or compound parts changes the tokens.
_PROBE_TEXT = ("Lönesystemet räknade semesterlönerna och tjänstepensionsrapporteringen "
               "fel, men AGI-filen och PAXml-importen fungerade i Personec P 2024.")
_fingerprint: str | None = None


def schema_fingerprint() -> str:
    """What an index built now is made of: the fields, their types and what their
    analyzers make of a probe text. A generation with another fingerprint was built
    by other code and is rebuilt."""
    global _fingerprint
    if _fingerprint is None:
        schema = build_schema()
        parts = [f"format={INDEX_FORMAT}"]
        for name in sorted(schema.names()):
            field = schema[name]
            parts.append(f"{name}:{type(field).__name__}:{type(field.format).__name__}:"
                         f"{field.stored}:{field.scorable}:{field.sortable_typecode or ''}")
            analyzer = getattr(field, "analyzer", None)
            if analyzer is not None and field.format is not None:
                tokens = [t.text for t in analyzer(_PROBE_TEXT, mode="index")]
                parts.append(" ".join(tokens))
        _fingerprint = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]
    return _fingerprint


class IndexStore:
    """One index directory and this process's long-lived searcher over it."""

    def __init__(self, root: str, cache_budget_bytes: int | None = None):
        """`cache_budget_bytes`: the byte budget of this process's search caches
        (kb.search.docsets, one for every index and segment of the process)."""
        self.root = os.path.abspath(root)
        if cache_budget_bytes is not None:
            docsets.set_budget(cache_budget_bytes)
        self._lock = threading.Lock()
        # One thread of the process searches at a time: Whoosh's readers read their
        # files by seek and read, and two threads at once read each other's bytes
        # (gunicorn with KB_THREADS above 1). Re-entrant: a search may nest.
        self._searching = threading.RLock()
        self._handle: _SearcherHandle | None = None
        self._generation: str | None = None
        self._ix = None
        # Searchers using each open segment reader (by id), for _SearcherHandle.
        self._leaf_users: dict[int, int] = {}

    # Generations -------------------------------------------------------

    def ensure(self) -> None:
        """The index directory exists (generations come from complete builds only)."""
        os.makedirs(self.root, exist_ok=True)

    def current_generation(self) -> str | None:
        try:
            with open(os.path.join(self.root, CURRENT), encoding="utf-8") as f:
                return f.read().strip() or None
        except FileNotFoundError:
            return None

    def current_path(self) -> str | None:
        """The generation in use, or None when there is none."""
        name = self.current_generation()
        return None if name is None else os.path.join(self.root, name)

    @contextlib.contextmanager
    def rebuild_lock(self, wait: bool = True):
        """Held while one process of this server builds a generation; yields False
        at once if `wait` is off and another process holds it. The lock goes with
        the process, however it ends."""
        self.ensure()
        with _file_lock(os.path.join(self.root, REBUILD_LOCK), wait) as held:
            yield held

    def new_generation(self, building: bool = False) -> str:
        """An empty index in a fresh directory (not yet in use). A generation being
        built is marked, so no other process takes it for debris meanwhile."""
        name = f"gen-{time.time_ns()}-{os.getpid()}"
        path = os.path.join(self.root, name)
        os.makedirs(path)
        whoosh_index.create_in(path, build_schema())
        if building:
            with open(os.path.join(path, BUILDING), "w", encoding="utf-8") as f:
                f.write(str(os.getpid()))
        return path

    @staticmethod
    def finish_generation(path: str) -> None:
        os.remove(os.path.join(path, BUILDING))

    @staticmethod
    def discard_generation(path: str) -> None:
        shutil.rmtree(path, ignore_errors=True)

    @staticmethod
    def open_generation(path: str):
        return whoosh_index.open_dir(path)

    @staticmethod
    def read_manifest(path: str) -> dict | None:
        """What a generation was built from, or None (never completed, or not readable)."""
        try:
            with open(os.path.join(path, MANIFEST), encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    @staticmethod
    def write_manifest(path: str, manifest: dict) -> None:
        _write_json(path, MANIFEST, manifest)

    @staticmethod
    def unreadable(path: str, segments: bool = True) -> str | None:
        """Why a generation cannot be searched (None when it can): its table of
        contents is read and, with `segments`, a searcher opens every segment's files.
        A file that went away as it was read is read again from the newest table of
        contents (READ_ATTEMPTS times in all): another process committed meanwhile and
        removed the table or the segments it had listed, which says nothing about the
        generation (and a wrong verdict rebuilds the whole index)."""
        for attempt in range(READ_ATTEMPTS):
            problem = None
            with _whoosh_leaks_quietly() as failed:
                try:
                    ix = whoosh_index.open_dir(path)
                    if segments:
                        ix.searcher().close()
                except whoosh_index.EmptyIndexError:
                    problem = "no Whoosh index in the directory"
                except Exception as error:  # any failure to read means "not readable"
                    problem = describe_error(error)
                    failed.append(problem)
                    if isinstance(error, FileNotFoundError) and attempt + 1 < READ_ATTEMPTS:
                        continue
            break
        return problem

    @staticmethod
    def unwritable(path: str) -> str | None:
        """Why new segments cannot be written into a generation (None when they can):
        a small file is created and removed through Whoosh's own storage."""
        name = f".probe-{os.getpid()}-{threading.get_ident()}"
        try:
            storage = whoosh_index.open_dir(path).storage
            storage.create_file(name).close()
            storage.delete_file(name)
        except Exception as error:  # any failure to write means "not writable"
            return describe_error(error)
        return None

    def swap_in(self, path: str) -> None:
        """Make a complete generation the one in use, then remove the old ones."""
        name = os.path.basename(path)
        tmp = os.path.join(self.root, f"{CURRENT}.{os.getpid()}.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(name)
        os.replace(tmp, os.path.join(self.root, CURRENT))
        with contextlib.suppress(OSError):  # what stays is removed at the next swap
            self.remove_old_generations()

    def remove_old_generations(self) -> None:
        """Delete generations not in use whose write lock is free (a drain may
        still be finishing in one; it goes at the next rebuild)."""
        current = self.current_generation()
        for entry in os.listdir(self.root):
            path = os.path.join(self.root, entry)
            if entry == current or not entry.startswith("gen-") or not os.path.isdir(path):
                continue
            if _building(path):
                continue
            with _whoosh_leaks_quietly() as failed:
                try:
                    ix = whoosh_index.open_dir(path)
                except Exception:  # unreadable debris: no process can be writing into it
                    ix = None
                    failed.append(path)
            if ix is None:
                shutil.rmtree(path, ignore_errors=True)
                continue
            lock = write_lock(ix)
            if not lock.acquire(blocking=False):
                continue
            try:
                shutil.rmtree(path, ignore_errors=True)
            finally:
                lock.release()

    # Writing -------------------------------------------------------------

    def open_index(self, path: str | None = None):
        path = path or self.current_path()
        if path is None:
            raise whoosh_index.EmptyIndexError(f"No index generation in {self.root}")
        return whoosh_index.open_dir(path)

    @contextlib.contextmanager
    def try_writer(self, wait: float = 0.0):
        """Changes to the generation in use (kb.search.writing.Changes) under its
        write lock, or None at once (or after `wait` seconds) if another process or
        thread holds the lock, or if there is no generation. Changes neither
        committed nor cancelled when the block ends are cancelled."""
        path = self.current_path()
        if path is None:
            yield None
            return
        ix = self.open_index(path)
        try:
            writer = whoosh_internals.open_writer(ix, timeout=wait, delay=0.05, compound=False,
                                                  codec=UniqueCodec())
        except LockError:
            yield None
            return
        changes = Changes(writer, path)
        try:
            yield changes
        finally:
            changes.cancel()

    @contextlib.contextmanager
    def merge_lock(self, wait: bool = False):
        """Held by the one process (and thread) of this server that merges segments;
        yields False at once if another holds it (and `wait` is off). A file lock:
        it goes with the process, however it ends."""
        self.ensure()
        with _file_lock(os.path.join(self.root, MERGE_LOCK), wait) as held:
            yield held

    def merge_segments(self, wait: float = 0.0) -> bool:
        """Merge small segments (Whoosh's default policy) if no other process or thread
        is merging and the write lock is free now (or within `wait` seconds). Never two
        merges at once: the merge lock is taken first, without waiting."""
        with self.merge_lock() as mine:
            if not mine:
                return False
            with self.try_writer(wait) as changes:
                if changes is None:
                    return False
                changes.commit(merge=True)
                return True

    def segment_count(self) -> int:
        return whoosh_internals.segment_count(self.open_index())

    def document_ids(self, path: str | None = None) -> tuple[set[int], int]:
        """The experience ids the index holds, and its number of live documents."""
        with _open_searcher(self.open_index(path)) as searcher:
            return ({int(fields["id"]) for fields in searcher.all_stored_fields()},
                    searcher.doc_count())

    def document_count(self) -> tuple[str | None, int]:
        """The generation this process's searcher answers from (None: the empty
        index) and its number of live documents, read from the same searcher."""
        with self.searcher() as searcher:
            return self.serving, searcher.doc_count()

    @staticmethod
    def read_cursor(path: str) -> dict:
        try:
            with open(os.path.join(path, CURSOR), encoding="utf-8") as f:
                return json.load(f)
        except (FileNotFoundError, ValueError):
            return {"txid": 0, "id": 0}

    @staticmethod
    def write_cursor(path: str, cursor: dict) -> None:
        _write_json(path, CURSOR, cursor)

    # Searching -----------------------------------------------------------

    @contextlib.contextmanager
    def searcher(self):
        """This process's searcher, reopened only when the index changed; one thread
        at a time."""
        with self._searching:
            with self._lock:
                handle = self._current_handle()
                handle.users += 1
            try:
                yield handle.searcher
            finally:
                with self._lock:
                    handle.users -= 1
                    if handle.retired and handle.users == 0:
                        handle.close()

    @property
    def serving(self) -> str | None:
        """The generation this process's searcher answers from (None: the empty one)."""
        return self._generation

    def _current_handle(self) -> _SearcherHandle:
        generation = self.current_generation()
        if self._handle is None or generation != self._generation:
            try:
                ix = self.open_index(os.path.join(self.root, generation)) if generation else None
                searcher = _open_searcher(ix) if ix is not None else None
            except Exception:  # missing or unreadable: health reports it, a rebuild mends it
                ix = searcher = None
            if searcher is None:
                if self._handle is not None:
                    return self._handle  # the last generation it could open answers
                ix, generation = _empty_index(), None
                searcher = ix.searcher()
            self._ix = ix
            self._generation = generation
            self._replace(searcher)
            return self._handle
        try:
            fresh = self._handle.searcher.up_to_date()
        except Exception:  # its files went away: keep answering from what is open
            fresh = True
        if not fresh:
            with contextlib.suppress(Exception):  # unreadable now: keep what is open
                self._replace(self._refreshed(self._handle.searcher))
        return self._handle

    def _refreshed(self, old):
        """A searcher of the latest commit that reuses the open segment readers of
        `old` whose segments did not change (whoosh_internals.reader_reusing): a write
        adds a small segment (and deletions in the one that held an edited document),
        and only those are opened. Not Searcher.refresh(): in Whoosh 2.7.4 it reuses
        nothing and closes only one of the old reader's segment readers, leaking the
        files of the others."""
        reader, _reused = whoosh_internals.reader_reusing(self._ix, old.reader())
        return Searcher(reader, fromindex=self._ix)

    def _replace(self, searcher) -> None:
        old = self._handle
        self._handle = _SearcherHandle(searcher, self._leaf_users)
        if old is not None and old.searcher is not searcher:
            old.retired = True
            if old.users == 0:
                old.close()

    def close(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._handle.retired = True
                if self._handle.users == 0:
                    self._handle.close()
                self._handle = None
                self._generation = None


def _open_searcher(ix) -> Searcher:
    """A searcher of the index's latest commit that holds every file of its segments
    (whoosh_internals.hold_files), so a merge in another process cannot take a
    column from under it."""
    return Searcher(whoosh_internals.reader_reusing(ix)[0], fromindex=ix)


# How often a generation is read before a file missing from it makes it unreadable.
READ_ATTEMPTS = 3


class _SearcherHandle:
    """A searcher, the threads using it, and its share of the segment readers: a
    reader reused by a newer searcher is closed only when the last searcher using
    it is (`leaf_users` counts them per reader, under the store's lock)."""

    def __init__(self, searcher, leaf_users: dict):
        self.searcher = searcher
        self.users = 0
        self.retired = False
        self._leaf_users = leaf_users
        self._leaves = whoosh_internals.leaf_readers(searcher.reader())
        for leaf in self._leaves:
            leaf_users[id(leaf)] = leaf_users.get(id(leaf), 0) + 1

    def close(self) -> None:
        if self._leaves is None:
            return
        for leaf in self._leaves:
            left = self._leaf_users.get(id(leaf), 1) - 1
            if left > 0:
                self._leaf_users[id(leaf)] = left
                continue
            self._leaf_users.pop(id(leaf), None)
            with contextlib.suppress(Exception):
                leaf.close()
        self._leaves = None
        self.searcher.is_closed = True


BUILDING = ".building"


@contextlib.contextmanager
def _whoosh_leaks_quietly():
    """Whoosh leaves a table of contents it failed to read open: it is closed when
    collected, without a warning about it (collected here once something failed)."""
    failed = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            yield failed
        finally:
            if failed:
                gc.collect()


def _empty_index():
    return RamStorage().create_index(build_schema())


def describe_error(error: Exception) -> str:
    """An error in a few words, without paths (health reports are public)."""
    detail = getattr(error, "strerror", None) or str(error).split(":")[0]
    return f"{type(error).__name__}: {detail}"[:200]


def _building(path: str) -> bool:
    """A rebuild in progress marks its directory; it is not old, it is new."""
    marker = os.path.join(path, BUILDING)
    try:
        with open(marker, encoding="utf-8") as f:
            pid = int(f.read().strip() or 0)
    except (FileNotFoundError, ValueError):
        return False
    try:
        os.kill(pid, 0)
    except OSError:
        return False  # the rebuilding process is gone: the directory is debris
    return True


def _write_json(path: str, name: str, data: dict) -> None:
    """Write through a temporary file and rename it: a reader (another process, or this
    one after a crash) sees the old file or the new one, never half of one."""
    tmp = os.path.join(path, f"{name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f)
    os.replace(tmp, os.path.join(path, name))


@contextlib.contextmanager
def _file_lock(path: str, wait: bool):
    """An exclusive lock on the file at `path` (made if missing): yields whether it was
    taken (False at once when another holds it and `wait` is off). It goes with the
    process, however it ends."""
    with open(path, "a", encoding="utf-8") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
