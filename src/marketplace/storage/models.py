from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class StoredFile(Model):
    # Blob rows for the database storage adapter: shared by every app process, no shared disk needed.

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=255, unique=True)
    content_type = fields.CharField(max_length=100)
    size = fields.IntField()
    data = fields.BinaryField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "stored_files"
