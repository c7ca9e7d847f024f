"""The API origin: /api/v1/voicemails routes plus the ActiveStorage-style redirect endpoint."""

from __future__ import annotations

import hmac
import json
from typing import ClassVar

from vm_tui.demo.context import Context
from vm_tui.demo.faults import Fault, apply_edits, gzip_bomb_body, with_invalid_utf8
from vm_tui.demo.httpbase import JSON, QuietHandler, RecordedRequest, Reply, json_reply
from vm_tui.demo.model import to_dict
from vm_tui.demo.params import ParamError, parse_listened
from vm_tui.demo.signing import REDIRECT_PREFIX

LIST_PATH = "/api/v1/voicemails"
ITEM_PREFIX = LIST_PATH + "/"

NOT_FOUND = json_reply(404, {"error": "Voicemail not found"})
NO_ROUTE = json_reply(404, {"error": "Not found"})
RATE_LIMITED = Fault.rate_limited(1)


def _error(status: int, message: str) -> Reply:
    return json_reply(status, {"error": message})


class ApiHandler(QuietHandler):
    context: ClassVar[Context]

    @classmethod
    def bound(cls, context: Context) -> type[ApiHandler]:
        return type("ApiHandler", (cls,), {"context": context})

    def record(self, request: RecordedRequest) -> None:
        self.context.requests.append(request)

    def answer(self, request: RecordedRequest) -> None:
        ctx = self.context
        is_api = request.path.startswith("/api/")
        fault = ctx.api_faults.take(request.path)
        if is_api and ctx.sleep(ctx.options.latency):
            return self.hang_up()
        if fault is not None:
            if self.simple_fault(fault):
                return None
            if fault.kind == "delay" and ctx.sleep(fault.seconds):
                return self.hang_up()
        if is_api and fault is None:
            chaos = ctx.chaos()
            if chaos == "rate_limited":
                self.simple_fault(RATE_LIMITED)
                return None
            if chaos == "error":
                return self.send_reply(_error(500, "Internal server error"))
        reply = self.route(request)
        if fault is None:
            return self.send_reply(reply)
        if fault.kind == "truncated_json":
            reply = _truncated(reply)
        elif fault.kind == "malformed_item":
            reply = _malformed(reply)
        elif fault.kind == "edit_json":
            # A 204 (delete) has no body to edit: it becomes a 200 with one.
            status = 200 if reply.status == 204 else reply.status
            reply = json_reply(status, apply_edits(reply.body, fault.edits))
        elif fault.kind == "invalid_utf8":
            reply = Reply(reply.status, with_invalid_utf8(reply.body), reply.headers)
        elif fault.kind == "gzip_bomb":
            return self.send_reply(_bomb(fault.size))
        elif fault.kind == "trickle":
            return self.send_trickled(reply, fault.rate, ctx.stopping)
        elif fault.kind == "content_length":
            return self.send_reply(reply, declared_length=fault.value)
        return self.send_reply(reply)

    # -- routing -------------------------------------------------------------------------------

    def route(self, request: RecordedRequest) -> Reply:
        path, _, query = request.path.partition("?")
        method = request.method
        if path.startswith(REDIRECT_PREFIX) and method in ("GET", "HEAD"):
            return self.redirect(path)
        if path == LIST_PATH:
            if method not in ("GET", "HEAD"):
                return NO_ROUTE
            return self.authorised(request) or self.list_voicemails()
        if path.startswith(ITEM_PREFIX):
            vm_id = path[len(ITEM_PREFIX) :]  # literal: no unquoting, no normalisation
            if not vm_id or "/" in vm_id:
                return NO_ROUTE
            if method in ("GET", "HEAD"):
                return self.authorised(request) or self.retrieve(vm_id)
            if method in ("PATCH", "PUT"):
                return self.authorised(request) or self.update(vm_id, request, query)
            if method == "DELETE":
                return self.authorised(request) or self.delete(vm_id)
        return NO_ROUTE

    def authorised(self, request: RecordedRequest) -> Reply | None:
        """None when the key is right; else the 401 to send."""
        key = request.headers.get("x-api-key")
        if key is None:
            scheme, _, token = request.headers.get("authorization", "").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                key = token.strip()
        if key is None:
            # The provider also accepts ?api_key= (discouraged); tests can assert nobody uses it.
            for pair in request.path.partition("?")[2].split("&"):
                name, _, value = pair.partition("=")
                if name == "api_key" and value:
                    key = value
        if key is None:
            return _error(401, "Missing API key")
        if not hmac.compare_digest(key.encode(), self.context.options.api_key.encode()):
            return _error(401, "Invalid API key")
        return None

    # -- endpoints -----------------------------------------------------------------------------

    def list_voicemails(self) -> Reply:
        unlistened, items = self.context.store.snapshot()
        signer = self.context.signer
        expires = signer.new_expiry()
        parts = [
            frag.render(signer.recording_url(vm_id, expires) if frag.has_recording else None)
            for vm_id, frag in items
        ]
        body = f'{{"unlistened_count":{unlistened},"voicemails":[{",".join(parts)}]}}'
        return json_reply(200, body)

    def _one(self, vm_id: str) -> Reply:
        vm = self.context.store.get(vm_id)
        if vm is None:
            return NOT_FOUND
        signer = self.context.signer
        url = signer.recording_url(vm.id, signer.new_expiry()) if vm.recording else None
        return json_reply(200, to_dict(vm, url, retrieve=True))

    def retrieve(self, vm_id: str) -> Reply:
        return self._one(vm_id)

    def update(self, vm_id: str, request: RecordedRequest, query: str) -> Reply:
        if self.context.store.get(vm_id) is None:
            return NOT_FOUND
        try:
            listened = parse_listened(request.headers.get("content-type", ""), request.body, query)
        except ParamError as exc:
            return json_reply(exc.status, exc.body)
        if self.context.store.set_listened(vm_id, listened, self.context.now()) is None:
            return NOT_FOUND  # deleted meanwhile
        return self._one(vm_id)

    def delete(self, vm_id: str) -> Reply:
        return Reply(204) if self.context.store.remove(vm_id) else NOT_FOUND

    def redirect(self, path: str) -> Reply:
        """ActiveStorage's redirect: no API key needed; 302 to a signed storage URL."""
        verdict = self.context.signer.check_redirect(path)
        if verdict.problem == "invalid":
            return _error(403, "Invalid recording link")
        if verdict.problem == "expired":
            return _error(403, "Recording link expired")
        assert verdict.vm_id is not None
        vm = self.context.store.get(verdict.vm_id)
        if vm is None or vm.recording is None:
            return _error(404, "Recording not found")
        location = self.context.signer.storage_url(vm.id, verdict.expires_ms)
        return Reply(302, b"", (("Location", location), ("Cache-Control", "no-store")))


def _bomb(size: int) -> Reply:
    """200, gzip: the start of an inbox, then blanks up to ``size`` bytes once inflated."""
    body = gzip_bomb_body(size, b'{"unlistened_count":0,"voicemails":[', b" ")
    return Reply(200, body, (("Content-Type", JSON), ("Content-Encoding", "gzip")))


def _truncated(reply: Reply) -> Reply:
    """200 with the JSON cut in half (the HTTP framing itself stays valid)."""
    body = reply.body or b'{"unlistened_count":1,"voicemails":[{"id":"0193f4cb-7777"}]}'
    return json_reply(200, body[: len(body) // 2])


def _malformed(reply: Reply) -> Reply:
    """The normal answer with its first voicemail broken: no created_at, a number for from."""
    try:
        doc = json.loads(reply.body) if reply.body else None
    except ValueError:
        doc = None
    if isinstance(doc, dict) and isinstance(doc.get("voicemails"), list) and doc["voicemails"]:
        target = doc["voicemails"][0]
    elif isinstance(doc, dict) and "id" in doc:
        target = doc
    else:
        doc = target = {"id": "0193f4cb-0000-7000-8000-000000000000"}
    target.pop("created_at", None)
    target["from"] = 14155550100
    return json_reply(200, doc)
