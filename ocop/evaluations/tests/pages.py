"""Helpers of the evaluation pages' tests: URLs and the forms' posted data."""

from django.urls import reverse

from ..models import CommuneReview


def url(name, *args):
    return reverse(f"evaluations:{name}", args=args)


def sheet_post(answers, action="save", **extra):
    data = {f"answer-{code}": str(option) for code, option in answers.items()}
    data["action"] = action
    data.update(extra)
    return data


def review_post(decision="forward", **overrides):
    data = dict.fromkeys(CommuneReview.CHECKLIST_FIELDS, "on")
    for finding in CommuneReview.FINDING_FIELDS:
        data[finding] = "yes"
        data[f"{finding}_note"] = "Đã xác minh tại xã (dữ liệu mẫu)."
    data["decision"] = decision
    data.update(overrides)
    return data
