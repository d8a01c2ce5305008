"""A scripted OpenAI-compatible chat server on 127.0.0.1 for tests (no test touches the internet).

Each request to /v1/chat/completions takes the next step of the script (the last step repeats):
  {"content": "..."}                      200 with a chat completion carrying that message
  {"status": 500}                         an error status with an OpenAI-style error body
  {"status": 429, "retry_after": "0.05"}  rate limited, with a Retry-After header
  {"sleep": 1.5, "content": "..."}        answers after a delay (for timeouts)
  {"error_body": {...}}                   HTTP 200 whose body is an error object, no choices
  {"reject_response_format": True, ...}   400 if the request asks for response_format, else as the rest says
  {"content": "...", "message": {...}}    extra message fields (e.g. "reasoning") beside the content
Every request body is recorded in `requests`. Instead of a list, the script may be a function of the
request body returning the step: a server that answers by what it is asked (role-play, judges).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # the default backlog of 5 drops connections when 50 requests arrive at once
    daemon_threads = True


class ScriptedOpenAIServer:
    def __init__(self, script: list[dict[str, Any]] | Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        self.script = script if callable(script) else list(script)
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real servers do

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
                step = server._next(body)
                if step.get("sleep"):
                    time.sleep(step["sleep"])
                if step.get("reject_response_format") and "response_format" in body:
                    return self._send(400, {"error": {"message": "response_format is not supported",
                                                      "type": "invalid_request_error"}})
                if "status" in step:
                    headers = {"retry-after": step["retry_after"]} if "retry_after" in step else {}
                    return self._send(step["status"], {"error": {"message": "scripted failure",
                                                                 "type": "server_error"}}, headers)
                if "error_body" in step:
                    return self._send(200, step["error_body"])
                return self._send(200, {
                    "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": body.get("model"),
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": step.get("content"),
                                             **step.get("message", {})}}],
                    "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120,
                              "completion_tokens_details": {"reasoning_tokens": 5}, "cost": 0.0001},
                })

            def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def _next(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.requests.append(body)
            if callable(self.script):
                return self.script(body)
            return self.script.pop(0) if len(self.script) > 1 else self.script[0]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> ScriptedOpenAIServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
