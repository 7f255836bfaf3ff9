"""The version read without importlib.metadata is the one importlib.metadata reads."""

from __future__ import annotations

from importlib.metadata import version

import scaffolder


def test_the_quick_version_read_agrees_with_importlib_metadata() -> None:
    quick = scaffolder._installed_version()
    assert quick is not None  # the test environment has scaffold installed (scripts/setup.sh)
    assert quick == version(scaffolder.DISTRIBUTION) == scaffolder.__version__
