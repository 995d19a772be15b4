"""A step's papers: uploaded files with their type, number, date and issuer, stored through the files port
(content-addressed, as listings' photos are). Only PDF, JPEG and PNG, checked by their first bytes (a JPEG or PNG
decoded and encoded again, without its EXIF), at most `MAX_BYTES`; the download is private to the exporter (and
the consignee's link for papers addressed to them)."""

from __future__ import annotations

import hashlib
from typing import Any

from tortoise.transactions import in_transaction

from export.models import Batch, Document, Filing, OrderVehicle
from export.schemas import DocumentList, DocumentOut, DocumentQuery, FilingDocumentQuery
from export.services import access
from export.services.present import document_out
from marketplace import uploads
from marketplace.accounts.audit import audit
from marketplace.accounts.domain import Principal
from marketplace.errors import ApiError, NotFound
from marketplace.ports.files.base import FileStorage, StoredObject

MAX_BYTES = 10 * 1024 * 1024
TYPES = {
    "application/pdf": (b"%PDF-", "pdf"),
    "image/jpeg": (b"\xff\xd8\xff", "jpg"),
    "image/png": (b"\x89PNG\r\n\x1a\n", "png"),
}


def check(content_type: str, data: bytes, max_bytes: int) -> str:
    """The file's extension when it is what it says it is; refusals with their codes otherwise."""
    kind = TYPES.get(content_type)
    if kind is None:
        raise ApiError(
            "upload a PDF, JPEG or PNG (its bytes as the body, with its Content-Type)",
            code="document_type_not_allowed",
            status=415,
        )
    if not data:
        raise ApiError("the file is empty", code="document_empty", status=422)
    if len(data) > min(max_bytes, MAX_BYTES):
        raise ApiError(f"a document is at most {min(max_bytes, MAX_BYTES)} bytes", code="payload_too_large", status=413)
    magic, ext = kind
    if not data.startswith(magic):
        raise ApiError("the file's content is not a " + ext.upper(), code="document_content_mismatch", status=422)
    return ext


async def _store(
    files: FileStorage, org_id: int, content_type: str, data: bytes, max_bytes: int
) -> tuple[str, str, int]:
    ext = check(content_type, data, max_bytes)
    if content_type != "application/pdf":
        # A scan is decoded and encoded again, as dispute evidence is: no bytes behind the signature, no
        # decompression bomb, no EXIF position in what the consignee's link serves.
        data = await uploads.cleaned_photo(data, content_type, max_bytes, code="document_content_mismatch")
    digest = hashlib.sha256(data).hexdigest()
    key = f"export/{org_id}/{digest}.{ext}"
    await files.save(key, data, content_type)  # content-addressed: an orphan is harmless
    return key, digest, len(data)


async def upload(
    files: FileStorage,
    principal: Principal,
    *,
    vehicle_id: int | None = None,
    batch_id: int | None = None,
    q: DocumentQuery,
    content_type: str,
    data: bytes,
    max_bytes: int,
) -> DocumentOut:
    owner: OrderVehicle | Batch
    if vehicle_id is not None:
        owner = await access.vehicle(principal, vehicle_id, write=True)
        order_id: int | None = owner.order_id
    else:
        owner = await access.batch(principal, int(batch_id or 0), write=True)
        order_id = None
    key, digest, size = await _store(files, owner.exporter_org_id, content_type, data, max_bytes)
    doc = await _record(
        principal, owner.exporter_org_id, q, key=key, digest=digest, content_type=content_type, size=size,
        owner={"order_id": order_id, "vehicle_id": vehicle_id, "batch_id": batch_id,
               "for_consignee": q.for_consignee},
    )  # fmt: skip
    return document_out(doc)


async def _record(
    principal: Principal,
    exporter_org_id: int,
    q: DocumentQuery | FilingDocumentQuery,
    *,
    key: str,
    digest: str,
    content_type: str,
    size: int,
    owner: dict[str, Any],
    audited: dict[str, Any] | None = None,
) -> Document:
    """The paper's row and its audit line, in one transaction; `owner` names what it belongs to."""
    async with in_transaction() as conn:
        doc = await Document.create(
            exporter_org_id=exporter_org_id, doc_type=q.doc_type, number=q.number, issued_on=q.issued_on,
            issuer=q.issuer, key=key, content_type=content_type, size_bytes=size, sha256=digest,
            uploaded_by=principal.user_id, using_db=conn, **owner,
        )  # fmt: skip
        await audit(
            "export.document_uploaded", actor=principal.user_id, target=f"export_document:{doc.id}",
            details={"type": q.doc_type, "number": q.number, **(audited or {})}, conn=conn,
        )  # fmt: skip
    return doc


async def upload_for_filing(
    files: FileStorage,
    principal: Principal,
    filing_id: int,
    *,
    q: FilingDocumentQuery,
    content_type: str,
    data: bytes,
    max_bytes: int,
) -> DocumentOut:
    """A paper of the exporter's filing (the 备案 certificate or approval scan, an appraiser's certificate), checked
    as every paper is; staff read it when they verify the filing."""
    f = await Filing.get_or_none(id=filing_id)
    if f is None or not (principal.is_platform_admin or principal.roles_in(f.exporter_org_id)):
        raise NotFound("not found")
    access.require_exporter(principal, f.exporter_org_id, write=True)
    key, digest, size = await _store(files, f.exporter_org_id, content_type, data, max_bytes)
    doc = await _record(
        principal, f.exporter_org_id, q, key=key, digest=digest, content_type=content_type, size=size,
        owner={"filing_id": f.id}, audited={"filing": f.id},
    )  # fmt: skip
    return document_out(doc)


async def list_for_filing(principal: Principal, filing_id: int) -> DocumentList:
    f = await Filing.get_or_none(id=filing_id)
    if f is None or not (principal.is_platform_admin or principal.roles_in(f.exporter_org_id)):
        raise NotFound("not found")
    access.require_exporter(principal, f.exporter_org_id)
    return DocumentList(items=[document_out(d) for d in await Document.filter(filing_id=f.id).order_by("id")])


async def list_for_vehicle(principal: Principal, vehicle_id: int) -> DocumentList:
    v = await access.vehicle(principal, vehicle_id)
    return DocumentList(items=[document_out(d) for d in await Document.filter(vehicle_id=v.id).order_by("id")])


async def list_for_batch(principal: Principal, batch_id: int) -> DocumentList:
    b = await access.batch(principal, batch_id)
    return DocumentList(items=[document_out(d) for d in await Document.filter(batch_id=b.id).order_by("id")])


async def load(files: FileStorage, principal: Principal, document_id: int) -> tuple[Document, StoredObject]:
    doc = await Document.get_or_none(id=document_id)
    if doc is None or not (principal.is_platform_admin or principal.roles_in(doc.exporter_org_id)):
        raise NotFound("not found")
    return doc, await _content(files, doc)


async def _content(files: FileStorage, doc: Document) -> StoredObject:
    stored = await files.load(doc.key)
    if stored is None:
        raise NotFound("not found")
    return stored
