"""Files a buyer sends: dispute evidence photos and the transfer's proof. The type is read from the bytes, never
from the name or the declared Content-Type alone, and the size is bounded, as listing photos are."""

from __future__ import annotations

IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
PROOF_TYPES = {**IMAGE_TYPES, "application/pdf": "pdf"}


class ProofError(ValueError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def sniff(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def check_file(data: bytes, declared: str, allowed: dict[str, str], max_bytes: int) -> str:
    """The content type of an acceptable file; refuses an empty or oversized file, or bytes that are not what was
    declared (a renamed executable is not a photo)."""
    if len(data) > max_bytes:
        raise ProofError(f"the file exceeds {max_bytes} bytes", "payload_too_large")
    if not data:
        raise ProofError("the file is empty", "invalid_file")
    if declared not in allowed:
        raise ProofError(f"send one of {', '.join(sorted(allowed))}", "unsupported_media_type")
    found = sniff(data)
    if found != declared:
        raise ProofError("the file's content is not the declared type", "invalid_file")
    return found
