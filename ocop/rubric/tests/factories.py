"""Helpers for the rubric's database tests: the small second version kept in tests/data/."""

import shutil
from pathlib import Path

from ..services import load_version_from_data

# A toy version "99/2099" (2 sheets, parts A 35 / B 25 / C 40) beside the real 26/2026.
TOY_DATA_DIR = Path(__file__).resolve().parent / "data"
TOY_SLUG = "99-2099"
TOY_CODE = "99/2099"


def copy_toy_version(target: Path) -> Path:
    """A writable copy of the toy version under ``target``; returns the data folder."""
    shutil.copytree(TOY_DATA_DIR / TOY_SLUG, target / TOY_SLUG)
    return target


def load_toy_version(*, publish=True, actor=None, data_dir=TOY_DATA_DIR):
    """Load the toy version (published unless ``publish=False``) and return its row."""
    return load_version_from_data(TOY_SLUG, data_dir=data_dir, publish=publish, actor=actor).version


def self_assessment(product=None, *, answers=None, finished=False, actor=None):
    """A self-assessment of ``product`` (a new tea product, sheet 11, by default), started by
    a member of its producer through the service, with ``answers`` saved and optionally
    finished."""
    from ocop.producers.tests.factories import producer_member
    from ocop.products.tests.factories import ProductFactory
    from ocop.rubric.services import finish_self_assessment, save_answers, start_self_assessment

    product = product or ProductFactory()
    actor = actor or producer_member(product.producer)
    assessment = start_self_assessment(product, actor=actor)
    if answers:
        assessment = save_answers(assessment, actor=actor, answers=answers)
    if finished:
        assessment = finish_self_assessment(assessment, actor=actor)
    return assessment
