"""The import's two steps in the task worker (``manage.py db_worker``): the page enqueues them
and polls the job's progress; it may be closed and reopened meanwhile."""

from django.contrib.auth import get_user_model
from django.tasks import task

from . import services
from .models import RecognitionImport


@task
def validate_import(job_id: int) -> str:
    job = RecognitionImport.objects.get(pk=job_id)
    return services.validate_import(job).status


@task
def write_import(job_id: int, user_id: int) -> str:
    job = RecognitionImport.objects.get(pk=job_id)
    actor = get_user_model().objects.get(pk=user_id)
    return services.write_import(job, actor=actor).status


@task
def refresh_derived(product_ids: list[int], producer_ids: list[int]) -> int:
    """Refresh the search entries and figures of what an import wrote."""
    services.refresh_derived(product_ids, producer_ids)
    return len(product_ids)
