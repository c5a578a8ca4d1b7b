"""The stills of a project (Qt-free; the window, the command line and the tests call
the same functions):

- `importing`: images brought in as stills, named and registered;
- `references`: figures, where stills are used, references renamed or removed;
- `catalogue`: the stills' files and details: captions, episodes, rename, removal.

Functions that change recap texts never write them: they return the new texts and the
caller writes them (the window through its session).
"""

from recapdesk.core.images import ImageError
from recapdesk.core.stills.catalogue import (
    MAX_NAME_CHARS,
    StillError,
    caption_for,
    check_new_name,
    listed_names,
    remove_still,
    rename_still,
    still_episode,
    update_still,
)
from recapdesk.core.stills.importing import import_image, name_prefix, next_name
from recapdesk.core.stills.references import (
    Usage,
    cover_key_line,
    encode_name,
    episode_usages,
    figure_markdown,
    remove_references,
    sort_usages,
    still_src,
    usages,
)

__all__ = [
    "MAX_NAME_CHARS", "ImageError", "StillError", "Usage", "caption_for", "check_new_name",
    "cover_key_line", "encode_name", "episode_usages", "figure_markdown", "import_image",
    "listed_names", "name_prefix", "next_name", "remove_references", "remove_still",
    "rename_still", "sort_usages", "still_episode", "still_src", "update_still", "usages",
]
