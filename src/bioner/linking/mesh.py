"""Fetching NLM's MeSH XML (descriptors and supplementary concept records) for the knowledge base.

`bioner data --corpus mesh` puts `descYYYY.xml` and `suppYYYY.xml` under `data/raw/mesh`, from NLM
for users with a network, or copied from a local folder (`MESH_DIR`, like `BC5CDR_DIR`). Each
file is parsed before it is put in place: a file that is not MeSH XML, or holds no record of a
Chemical or Disease concept, is an error and leaves nothing half-written.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..download import download as _download
from ..errors import BionerError
from .kb import mesh_files, read_mesh_xml

MESH_ENV = "MESH_DIR"
MESH_YEAR = 2025
MESH_URL = "https://nlmpubs.nlm.nih.gov/projects/mesh/MESH_FILES/xmlmesh/"
KINDS = ("desc", "supp")


@dataclass
class MeshInfo:
    folder: Path
    entries: dict[str, int] = field(default_factory=dict)
    """File name -> Chemical/Disease entry terms it holds."""
    sources: dict[str, str] = field(default_factory=dict)


def _count(path: Path) -> int:
    count = sum(1 for _ in read_mesh_xml(path))
    if count == 0:
        raise BionerError(f"{path}: holds no MeSH descriptor or supplementary record of a Chemical or Disease concept")
    return count


def fetch_mesh(
    destination: str | Path,
    *,
    local_dir: str | Path | None = None,
    base_url: str = MESH_URL,
    year: int = MESH_YEAR,
    progress: bool = False,
    timeout: float = 120.0,
) -> MeshInfo:
    """Put verified MeSH descriptor and supplementary XML files in `destination`.

    With `local_dir` (default: the `MESH_DIR` environment variable) the newest desc/supp files
    there are copied and nothing is downloaded; otherwise `descYEAR.xml` and `suppYEAR.xml` are
    downloaded from `base_url`. Files already in place are kept.
    """
    destination = Path(destination)
    if local_dir is None and os.environ.get(MESH_ENV, "").strip():
        local_dir = Path(os.environ[MESH_ENV].strip()).expanduser()
    info = MeshInfo(destination)
    destination.mkdir(parents=True, exist_ok=True)
    sources: dict[str, Path | None]
    if local_dir is not None:
        sources = {path.name: path for path in mesh_files(local_dir)}
    else:
        sources = {f"{kind}{year}.xml": None for kind in KINDS}
    for name, source in sources.items():
        target = destination / name
        if target.is_file():
            info.entries[name] = _count(target)
            info.sources[name] = "already in place"
            continue
        partial = target.with_name(target.name + ".partial")
        try:
            if source is not None:
                shutil.copyfile(source, partial)
                info.sources[name] = f"copied from {source}"
            else:
                url = base_url.rstrip("/") + "/" + name
                _download(url, partial, progress=progress, timeout=timeout)
                info.sources[name] = f"downloaded from {url}"
            info.entries[name] = _count(partial)
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
    return info
