"""Which pictures of a guide changed since an earlier guide: the share of pixels that differ, above a threshold, so
a writer knows which steps to read again."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageChops

DEFAULT_THRESHOLD = 0.05  # 5 % of the pixels: a run's own names and dates change ~2-3 % of an app screen
_NOISE = 24  # per-channel difference below which two pixels count as equal (rendering noise)


@dataclass(frozen=True)
class Change:
    step_id: str
    changed: float  # share of pixels that differ, 0..1; 1.0 for a picture that is new or gone
    note: str


def changed_share(old: bytes, new: bytes) -> float:
    before, after = (Image.open(BytesIO(data)).convert("RGB") for data in (old, new))
    if before.size != after.size:
        return 1.0
    difference = ImageChops.difference(before, after).convert("L").point(lambda value: 255 if value > _NOISE else 0)
    histogram = difference.histogram()
    return histogram[255] / (before.size[0] * before.size[1])


def compare(old_folder: Path, new_folder: Path, threshold: float = DEFAULT_THRESHOLD) -> list[Change]:
    """The steps whose picture changed by more than `threshold`, appeared or disappeared (folders of images/)."""
    old_images = {path.stem: path for path in (old_folder / "images").glob("*.png")}
    new_images = {path.stem: path for path in (new_folder / "images").glob("*.png")}
    changes = []
    for step in sorted(old_images.keys() | new_images.keys()):
        if step not in old_images:
            changes.append(Change(step, 1.0, "new in this guide"))
        elif step not in new_images:
            changes.append(Change(step, 1.0, "no longer in this guide"))
        else:
            share = changed_share(old_images[step].read_bytes(), new_images[step].read_bytes())
            if share > threshold:
                changes.append(Change(step, share, f"{share:.1%} of the picture changed"))
    return changes
