extension JiraTestServer {
    /// The server, run as `python3 -c script`: a threading HTTP/1.1 server on a free loopback port
    /// that plays scripted answers per scenario and records what it received. It prints its port
    /// on the first line and exits when its standard input closes (when the test process ends).
    ///
    /// - `POST /__script/<scenario>` `{"secret": s?, "responses": [...]}`: queues answers; each is
    ///   `{"status", "headers": [[k, v]], "json" | "body" | "bytes": {"count", "byte"}, "delay", "sticky"}`
    ///   (a sticky answer is never used up).
    /// - `GET /__requests/<scenario>`: what arrived, in order: method, target, the path and query
    ///   relative to the site (`/s/<scenario>`), headers, body (hex), and for a `JWT` authorization
    ///   the qsh this script computes for the request (Atlassian's documented rule, its own code)
    ///   and whether the HS256 signature verifies with the scenario's secret (stdlib hmac).
    /// - anything under `/s/<scenario>/` or `/elsewhere/<scenario>/`: the next queued answer
    ///   (else 404 in Jira's error shape).
    static let script = #"""
import base64, hashlib, hmac, http.server, json, os, sys, threading, time, urllib.parse

lock = threading.Lock()
queues, records, secrets = {}, {}, {}

def encode(text):
    return urllib.parse.quote(text, safe="")

def qsh(method, path, query):
    path = path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    path = path.replace("&", "%26")
    grouped = {}
    for name, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
        if name != "jwt":
            grouped.setdefault(encode(name), []).append(encode(value))
    canonical = "&".join(f"{n}={','.join(sorted(v))}" for n, v in sorted(grouped.items()))
    return hashlib.sha256(f"{method.upper()}&{path}&{canonical}".encode()).hexdigest()

def b64decode(segment):
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_body(self, status, body, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self):
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = url.path.split("/")
        if url.path.startswith("/__script/"):
            spec = json.loads(body)
            with lock:
                queues.setdefault(parts[2], []).extend(spec.get("responses", []))
                if spec.get("secret") is not None:
                    secrets[parts[2]] = spec["secret"]
            self.send_body(204, b"")
            return
        if url.path.startswith("/__requests/"):
            with lock:
                answer = json.dumps(records.get(parts[2], [])).encode()
            self.send_body(200, answer, [("Content-Type", "application/json")])
            return
        if len(parts) < 3 or parts[1] not in ("s", "elsewhere"):
            self.send_body(404, b"no scenario")
            return
        scenario = parts[2]
        relative = "/" + "/".join(parts[3:])
        record = {
            "method": self.command, "target": self.path, "relative": relative, "query": url.query,
            "headers": [[k, v] for k, v in self.headers.items()], "body_hex": body.hex(),
        }
        authorization = self.headers.get("Authorization") or ""
        if authorization.startswith("JWT "):
            token = authorization[4:]
            record["qsh"] = qsh(self.command, relative, url.query)
            try:
                header, claims, signature = token.split(".")
                record["claims"] = json.loads(b64decode(claims))
                secret = secrets.get(scenario)
                if secret is not None:
                    mac = hmac.new(secret.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest()
                    record["signature_valid"] = hmac.compare_digest(mac, b64decode(signature))
            except Exception as error:
                record["token_error"] = str(error)
        with lock:
            records.setdefault(scenario, []).append(record)
            queue = queues.get(scenario, [])
            answer = None
            if queue:
                answer = queue[0] if queue[0].get("sticky") else queue.pop(0)
        if answer is None:
            self.send_body(404, b'{"errorMessages":["no scripted answer"],"errors":{}}', [("Content-Type", "application/json")])
            return
        if answer.get("delay"):
            time.sleep(answer["delay"])
        headers = [tuple(h) for h in answer.get("headers", [])]
        if "json" in answer:
            payload = json.dumps(answer["json"]).encode()
            headers.append(("Content-Type", "application/json"))
        elif "bytes" in answer:
            payload = bytes([answer["bytes"].get("byte", 65)]) * answer["bytes"]["count"]
        else:
            payload = answer.get("body", "").encode()
        self.send_body(answer.get("status", 200), payload, headers)

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = handle_any

class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)

def watch_parent():
    sys.stdin.buffer.read()
    os._exit(0)

threading.Thread(target=watch_parent, daemon=True).start()
server.serve_forever()
"""#
}
