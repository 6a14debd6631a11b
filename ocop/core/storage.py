from django.core.files.storage import storages


def private_storage():
    """The storage for files only permission-checked views may serve (STORAGES["private"])."""
    return storages["private"]
