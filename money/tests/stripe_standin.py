"""A local stand-in for Stripe's Checkout API, for tests that drive the real ``stripe`` library against it.

A stdlib HTTP server in a thread, on an ephemeral port, answering the calls Tending makes the way Stripe
does: form-encoded bodies in (``line_items[0][price_data][unit_amount]=7000``), JSON out, errors in
Stripe's ``{"error": {...}}`` shape with Stripe's status codes. It records every request so a test can
assert what Stripe saw. ``sign`` signs a webhook payload exactly as Stripe does.

    with StripeStandIn() as stand_in, override_settings(**stand_in.settings()):
        ...
"""

import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

SECRET_KEY = "sk_test_standin"  # nosec B105 - a test key the stand-in accepts, not a secret
WEBHOOK_SECRET = "whsec_standin"  # nosec B105 - signs the tests' own webhook payloads
SESSION_SECONDS = 24 * 60 * 60


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header Stripe sends with ``payload``: ``t=<time>,v1=<HMAC-SHA256 of "t.payload">``."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    return f"t={timestamp},v1={hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()}"


def nested(pairs: list[tuple[str, str]]) -> dict:
    """Stripe's form encoding back into a structure: ``a[b][0][c]=v`` becomes ``{"a": {"b": [{"c": "v"}]}}``."""
    root: dict = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for position, part in enumerate(parts):
            last = position == len(parts) - 1
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _lists(root)


def _lists(node):
    """Dicts keyed "0", "1"… become lists, as Stripe reads them."""
    if not isinstance(node, dict):
        return node
    node = {key: _lists(value) for key, value in node.items()}
    if node and all(key.isdigit() for key in node):
        return [node[key] for key in sorted(node, key=int)]
    return node


@dataclass
class Seen:
    """One request the stand-in received."""

    method: str
    path: str
    headers: dict
    body: str
    params: dict = field(default_factory=dict)


class StripeStandIn:
    """The stand-in server. ``fail_next(status, type, message)`` makes the next API call answer an error."""

    def __init__(self):
        self.sessions: dict[str, dict] = {}
        self.requests: list[Seen] = []
        self._failures: list[tuple[int, dict]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- running --------------------------------------------------------------------------------

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def settings(self) -> dict:
        """The Django settings that point Tending at this stand-in."""
        return {"STRIPE_SECRET_KEY": SECRET_KEY, "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET, "STRIPE_API_BASE": self.base}

    def fail_next(self, status: int = 400, kind: str = "invalid_request_error", message: str = "Bad request.") -> None:
        with self._lock:
            self._failures.append((status, {"error": {"type": kind, "message": message, "code": "standin_refused"}}))

    @property
    def created(self) -> list[Seen]:
        return [seen for seen in self.requests if seen.method == "POST" and seen.path == "/v1/checkout/sessions"]

    # --- what Stripe would do on its side --------------------------------------------------------

    def pay(self, session_id: str, *, paid: bool = True) -> dict:
        """The client pays on Stripe's page (a bank debit completes the session before it is ``paid``)."""
        session = self.sessions[session_id]
        session.update(status="complete", payment_status="paid" if paid else "unpaid")
        session["payment_intent"] = session["payment_intent"] or f"pi_test_{secrets.token_hex(12)}"
        return dict(session)

    def expire(self, session_id: str) -> dict:
        session = self.sessions[session_id]
        if session["status"] == "open":
            session["status"] = "expired"
        return dict(session)

    def event(self, kind: str, session: dict, *, event_id: str | None = None) -> bytes:
        """The JSON body of a webhook event about ``session``, as Stripe sends it."""
        return json.dumps(
            {
                "id": event_id or f"evt_test_{secrets.token_hex(12)}",
                "object": "event",
                "api_version": "2025-10-29.clover",
                "created": int(time.time()),
                "livemode": False,
                "pending_webhooks": 1,
                "request": {"id": None, "idempotency_key": None},
                "type": kind,
                "data": {"object": session},
            }
        ).encode()

    # --- the API ------------------------------------------------------------------------------------

    def _answer(self, method: str, path: str, headers: dict, body: str) -> tuple[int, dict]:
        params = nested(parse_qsl(body, keep_blank_values=True)) if body else {}
        with self._lock:
            self.requests.append(Seen(method, path, headers, body, params))
            if headers.get("authorization") != f"Bearer {SECRET_KEY}":
                return 401, _error("invalid_request_error", "Invalid API Key provided.")
            if self._failures:
                return self._failures.pop(0)
            if method == "POST" and path == "/v1/checkout/sessions":
                return self._create(params)
            found = re.fullmatch(r"/v1/checkout/sessions/(cs_test_\w+)(/expire)?", path)
            if found is None or found.group(1) not in self.sessions:
                return 404, _error("invalid_request_error", "No such checkout.session.", code="resource_missing")
            session = self.sessions[found.group(1)]
            if method == "GET" and not found.group(2):
                return 200, session
            if method == "POST" and found.group(2):
                if session["status"] != "open":
                    return 400, _error("invalid_request_error", "Only open sessions can be expired.")
                session["status"] = "expired"
                return 200, session
            return 404, _error("invalid_request_error", "Unrecognized request URL.")

    def _create(self, params: dict) -> tuple[int, dict]:
        items = params.get("line_items") or []
        if params.get("mode") != "payment" or not items:
            return 400, _error("invalid_request_error", "Missing required param: line_items.", param="line_items")
        try:
            amount = sum(int(item["price_data"]["unit_amount"]) * int(item.get("quantity", 1)) for item in items)
            currency = items[0]["price_data"]["currency"]
        except (KeyError, TypeError, ValueError):
            return 400, _error("invalid_request_error", "Invalid line_items.", param="line_items")
        session_id = f"cs_test_{secrets.token_hex(16)}"
        now = int(time.time())
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": amount,
            "amount_total": amount,
            "cancel_url": params.get("cancel_url"),
            "client_reference_id": params.get("client_reference_id"),
            "created": now,
            "currency": currency,
            "customer": None,
            "customer_creation": "if_required",
            "customer_email": None,
            "expires_at": now + SESSION_SECONDS,
            "livemode": False,
            "metadata": params.get("metadata") or {},
            "mode": "payment",
            "payment_intent": None,
            "payment_status": "unpaid",
            "status": "open",
            "success_url": params.get("success_url"),
            "url": f"https://checkout.stripe.com/c/pay/{session_id}",
        }
        self.sessions[session_id] = session
        return 200, session

    def _handler(self):
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                headers = {key.lower(): value for key, value in self.headers.items()}
                status, answer = stand_in._answer(self.command, urlsplit(self.path).path, headers, body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", f"req_{secrets.token_hex(8)}")
                self.end_headers()
                self.wfile.write(data)

            do_GET = _serve
            do_POST = _serve

            def log_message(self, *args):  # quiet: pytest shows what matters
                pass

        return Handler


def _error(kind: str, message: str, **more) -> dict:
    return {"error": {"type": kind, "message": message, **more}}
