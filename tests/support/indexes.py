"""Index directories in tests that fault a running server."""

import os
import shutil


def remove_under_a_running_server(path) -> None:
    """Remove an index directory while the server's own threads or processes may be
    merging in it: a file they delete meanwhile is already gone, which is fine."""
    def gone_already(_function, _path, error):
        if not issubclass(error[0], FileNotFoundError):
            raise error[1]

    shutil.rmtree(path, onerror=gone_already)
    assert not os.path.exists(path)
