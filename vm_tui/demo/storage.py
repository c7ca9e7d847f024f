"""The storage origin: an S3-like blob host serving recordings behind signed, expiring URLs."""

from __future__ import annotations

import hashlib
from typing import ClassVar

from vm_tui.demo import recordings
from vm_tui.demo.context import Context
from vm_tui.demo.faults import gzip_bomb_body
from vm_tui.demo.httpbase import QuietHandler, RecordedRequest, Reply

NOT_AUDIO = b"this is not an mp3 file\n" * 64


def s3_error(status: int, code: str, message: str) -> Reply:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    ).encode()
    return Reply(status, body, (("Content-Type", "application/xml"),))


class StorageHandler(QuietHandler):
    context: ClassVar[Context]
    server_version = "DemoBlobStore"

    @classmethod
    def bound(cls, context: Context) -> type[StorageHandler]:
        return type("StorageHandler", (cls,), {"context": context})

    def record(self, request: RecordedRequest) -> None:
        self.context.storage_requests.append(request)

    def answer(self, request: RecordedRequest) -> None:
        fault = self.context.storage_faults.take(request.path)
        if fault is not None:
            if self.simple_fault(fault):
                return
            if fault.kind == "delay" and self.context.sleep(fault.seconds):
                self.hang_up()
                return
        reply = self.blob(request)
        if fault is not None and reply.status == 200:
            if fault.kind == "truncated_json":
                # Promise the whole file, send half, hang up: an interrupted download.
                half = Reply(200, reply.body[: len(reply.body) // 2], reply.headers)
                self.send_reply(half, declared_length=len(reply.body))
                return
            if fault.kind == "malformed_item":
                reply = Reply(200, NOT_AUDIO, reply.headers)
            elif fault.kind == "trickle":
                self.send_trickled(reply, fault.rate, self.context.stopping)
                return
            elif fault.kind == "gzip_bomb":
                bomb = gzip_bomb_body(fault.size, b"", b"\0")
                headers = (("Content-Type", "audio/mpeg"), ("Content-Encoding", "gzip"))
                self.send_reply(Reply(200, bomb, headers))
                return
            elif fault.kind == "content_length":
                self.send_reply(reply, declared_length=fault.value)
                return
        self.send_reply(reply)

    def blob(self, request: RecordedRequest) -> Reply:
        if request.method not in ("GET", "HEAD"):
            return s3_error(405, "MethodNotAllowed", "The method is not allowed")
        verdict = self.context.signer.check_storage(request.path)
        if verdict.problem == "invalid":
            return s3_error(403, "SignatureDoesNotMatch", "The request signature is invalid")
        if verdict.problem == "expired":
            return s3_error(403, "AccessDenied", "Request has expired")
        assert verdict.vm_id is not None
        vm = self.context.store.get(verdict.vm_id)
        if vm is None or vm.recording is None:
            return s3_error(404, "NoSuchKey", "The specified key does not exist.")
        data = recordings.audio(vm.recording)
        etag = hashlib.md5(data, usedforsecurity=False).hexdigest()
        headers = (("Content-Type", "audio/mpeg"), ("ETag", f'"{etag}"'))
        return Reply(200, data, headers)
