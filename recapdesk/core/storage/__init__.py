"""The one place that writes files: every write, link, rename and removal goes here.

- `files`: a writer's file written atomically and checked (`atomic_write`), or only
  when new (`write_new`); caches written atomically without the flushes; renames,
  links, removal and the system trash.
- `folders`: folder copies, and an export built in a staging folder and swapped in
  whole or merged.
- `together`: several files given new contents and names at once (renumbering), as one
  recoverable operation (`write_together`); what a killed process left is finished or
  undone when the project is opened again (`finish_writes`).

Errors are StorageError (an OSError with the original errno) with one clear sentence.
"""

from recapdesk.core.storage.files import (
    REPLACE_RETRY_DELAYS,
    TEMP_SUFFIX,
    StorageError,
    atomic_write,
    content_hash,
    copy_file,
    file_hash,
    fsync_dir,
    hard_link,
    make_dirs,
    move_aside,
    reason,
    remove,
    remove_stale_temp_files,
    rename,
    trash,
    write_new,
)
from recapdesk.core.storage.folders import (
    copy_tree,
    flush_file,
    flush_tree,
    make_stage,
    merge_folder,
    remove_tree,
    scratch_folder,
    swap_in_folder,
    write_staged,
)
from recapdesk.core.storage.together import Note, finish_writes, recover_strays, write_together

__all__ = [
    "REPLACE_RETRY_DELAYS", "TEMP_SUFFIX", "Note", "StorageError", "atomic_write",
    "content_hash", "copy_file", "copy_tree", "file_hash", "finish_writes", "flush_file",
    "flush_tree", "fsync_dir", "hard_link", "make_dirs", "make_stage", "merge_folder", "move_aside",
    "reason", "recover_strays", "remove", "remove_stale_temp_files", "remove_tree", "rename",
    "scratch_folder", "swap_in_folder", "trash", "write_new", "write_staged", "write_together",
]
