"""The index on disk: generations, the write lock, the cursor, one searcher per process.

Layout of INDEX_DIR:

    CURRENT            the name of the generation in use (replaced atomically)
    gen-<time>-<pid>/  a Whoosh index plus `cursor.json`, how far into the
                       change queue this index has applied

`kb reindex` builds a fresh generation beside the one in use and swaps
CURRENT when it is complete; searchers notice the swap and reopen.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import threading
import time

from whoosh import index as whoosh_index
from whoosh.index import LockError

from kb.search import whoosh_internals
from kb.search.schema import build_schema

# Indexes written before UniqueCodec moved to whoosh_internals name it
# `kb.search.index.UniqueCodec` in their pickled segment list: keep the name here.
from kb.search.whoosh_internals import UniqueCodec, write_lock

CURRENT = "CURRENT"
CURSOR = "cursor.json"


class IndexStore:
    """One index directory and this process's long-lived searcher over it."""

    def __init__(self, root: str):
        self.root = os.path.abspath(root)
        self._lock = threading.Lock()
        self._handle: _SearcherHandle | None = None
        self._generation: str | None = None
        self._ix = None
        self.last_catch_up = float("-inf")
        # Set when segments pile up; the web layer merges after its response.
        self.merge_wanted = False

    # Generations -------------------------------------------------------

    def ensure(self) -> None:
        """Create an empty index if there is none."""
        os.makedirs(self.root, exist_ok=True)
        name = self.current_generation()
        if name is None or not whoosh_index.exists_in(os.path.join(self.root, name)):
            path = self.new_generation()
            self.write_cursor(path, {"txid": 0, "id": 0})
            self.swap_in(path)

    def current_generation(self) -> str | None:
        try:
            with open(os.path.join(self.root, CURRENT), encoding="utf-8") as f:
                return f.read().strip() or None
        except FileNotFoundError:
            return None

    def current_path(self) -> str:
        name = self.current_generation()
        if name is None:
            self.ensure()
            name = self.current_generation()
        return os.path.join(self.root, name)

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

    def swap_in(self, path: str) -> None:
        """Make a complete generation the one in use, then remove the old ones."""
        name = os.path.basename(path)
        tmp = os.path.join(self.root, f"{CURRENT}.{os.getpid()}.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(name)
        os.replace(tmp, os.path.join(self.root, CURRENT))
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
            try:
                ix = whoosh_index.open_dir(path)
                lock = write_lock(ix)
                if not lock.acquire(blocking=False):
                    continue
                try:
                    shutil.rmtree(path, ignore_errors=True)
                finally:
                    lock.release()
            except (OSError, whoosh_index.EmptyIndexError):
                shutil.rmtree(path, ignore_errors=True)

    # Writing -------------------------------------------------------------

    def open_index(self, path: str | None = None):
        return whoosh_index.open_dir(path or self.current_path())

    @contextlib.contextmanager
    def try_writer(self, wait: float = 0.0):
        """A writer on the index in use, or None at once (or after `wait`
        seconds) if another process or thread holds the lock."""
        path = self.current_path()
        ix = self.open_index(path)
        try:
            writer = ix.writer(compound=False, timeout=wait, delay=0.05, codec=UniqueCodec())
        except LockError:
            yield None, path
            return
        try:
            yield writer, path
        except BaseException:
            writer.cancel()
            raise

    def segment_count(self) -> int:
        return whoosh_internals.segment_count(self.open_index())

    def document_ids(self, path: str | None = None) -> tuple[set[int], int]:
        """The experience ids the index holds, and its number of live documents."""
        with self.open_index(path).searcher() as searcher:
            return ({int(fields["id"]) for fields in searcher.all_stored_fields()},
                    searcher.doc_count())

    @staticmethod
    def read_cursor(path: str) -> dict:
        try:
            with open(os.path.join(path, CURSOR), encoding="utf-8") as f:
                return json.load(f)
        except (FileNotFoundError, ValueError):
            return {"txid": 0, "id": 0}

    @staticmethod
    def write_cursor(path: str, cursor: dict) -> None:
        tmp = os.path.join(path, f"{CURSOR}.{os.getpid()}.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(cursor, f)
        os.replace(tmp, os.path.join(path, CURSOR))

    # Searching -----------------------------------------------------------

    @contextlib.contextmanager
    def searcher(self):
        """This process's searcher, reopened only when the index changed."""
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

    def _current_handle(self) -> _SearcherHandle:
        generation = self.current_generation()
        if self._handle is None or generation != self._generation:
            self._ix = self.open_index()
            self._generation = self.current_generation()
            self._replace(self._ix.searcher())
        elif not self._handle.searcher.up_to_date():
            # Not Searcher.refresh(): in Whoosh 2.7.4 it reuses nothing (its
            # reuse table is keyed by generation but looked up by segment id)
            # and closes only one of the old reader's segment readers, leaking
            # the open files of all the others. A fresh searcher, with the old
            # one closed once no thread uses it, holds exactly one set of files.
            self._replace(self._ix.searcher())
        return self._handle

    def _replace(self, searcher) -> None:
        old = self._handle
        self._handle = _SearcherHandle(searcher)
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


class _SearcherHandle:
    def __init__(self, searcher):
        self.searcher = searcher
        self.users = 0
        self.retired = False

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.searcher.close()


BUILDING = ".building"


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
