"""Output safety: everything ctsim writes, and every results folder it reads back, goes through here.

- :mod:`~ctsim.storage.writing`: files written through a fresh temporary name and a rename, never through a
  symbolic link and never over anything but a regular file (:func:`atomic_write`, :func:`write_text`); folders
  ctsim makes inside an output folder are real folders (:func:`ensure_folder`); a file changed in place is opened
  without following a link (:func:`open_in_place`); a file a user names (``--out FILE``) is checked before any work
  (:func:`check_new_file`); whole result folders appear complete or not at all (:func:`staged_folder`).
- :mod:`~ctsim.storage.cleanup`: temporary folders removed when their block ends, on SIGTERM or SIGHUP, and at
  exit (:func:`temporary_folder`); SIGTERM unwinds like Ctrl-C (:func:`stop_cleanly`).
- :mod:`~ctsim.storage.blocks`: the generated blocks of a page (the docs, the ranking, discovery's examples), found,
  read and replaced the one way.
- :mod:`~ctsim.storage.results`: the one validated loader of results folders (compare, batch, sensitivity): a
  missing file, a key or column of the wrong type, a truncated file is one line naming the file.

Every refusal is a :class:`ctsim.inputs.InputError` (one line, exit status 2). This package sits on the lowest
floor: it imports only the standard library, numpy/pandas/pyarrow and :mod:`ctsim.inputs`.
"""

from ctsim.storage.cleanup import Terminated, stop_cleanly, temporary_folder
from ctsim.storage.results import (
    BatchResult,
    CompareResult,
    ResultsError,
    SensitivityResult,
    read_batch,
    read_compare,
    read_sensitivity,
    result_kind,
)
from ctsim.storage.writing import (
    OutputError,
    atomic_write,
    check_new_file,
    check_replaceable,
    ensure_folder,
    open_in_place,
    staged_folder,
    write_bytes,
    write_text,
)

__all__ = [
    "BatchResult", "CompareResult", "OutputError", "ResultsError", "SensitivityResult", "Terminated",
    "atomic_write", "check_new_file", "check_replaceable", "ensure_folder", "open_in_place",
    "read_batch", "read_compare", "read_sensitivity", "result_kind", "staged_folder", "stop_cleanly",
    "temporary_folder", "write_bytes", "write_text",
]
