extension HTTPTestServer {
    /// The server, run as `python3 -c script [CERT KEY]`: a threading HTTP/1.1 server on a free
    /// loopback port, speaking TLS when given a certificate and key.
    /// It prints its port on the first line, and exits when its standard input closes (when the
    /// test process ends, however it ends).
    ///
    /// - `ANY /echo…`: 200 with JSON `{method, path, headers: [[name, value]], body_hex}`.
    /// - `GET /status/N`: status N with `Retry-After: 7` and body `status N`.
    /// - `GET /slow?seconds=S`: waits S seconds, then 200 `slow done`.
    /// - `GET /bytes?count=N&seed=S[&chunked=1]`: N pseudo-random bytes; `X-Content-SHA256` holds their digest.
    /// - `GET /headers`: two `Set-Cookie` fields and a mixed-case name.
    /// - `GET /redirect`: 302 to `/echo`.
    static let script = #"""
import hashlib, http.server, json, os, random, ssl, sys, threading, time, urllib.parse

cache = {}
cache_lock = threading.Lock()

def payload(count, seed):
    with cache_lock:
        key = (count, seed)
        if key not in cache:
            data = random.Random(seed).randbytes(count)
            cache.clear()
            cache[key] = (data, hashlib.sha256(data).hexdigest())
        return cache[key]

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
        query = dict(urllib.parse.parse_qsl(url.query))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if url.path.startswith("/echo"):
            answer = {
                "method": self.command,
                "path": self.path,
                "headers": [[k, v] for k, v in self.headers.items()],
                "body_hex": body.hex(),
            }
            self.send_body(200, json.dumps(answer).encode(), [("Content-Type", "application/json")])
        elif url.path.startswith("/status/"):
            code = int(url.path.split("/")[2])
            self.send_body(code, f"status {code}".encode(), [("Retry-After", "7")])
        elif url.path == "/slow":
            time.sleep(float(query.get("seconds", "1")))
            self.send_body(200, b"slow done")
        elif url.path == "/bytes":
            data, digest = payload(int(query["count"]), int(query.get("seed", "1")))
            self.send_response(200)
            self.send_header("X-Content-SHA256", digest)
            chunked = query.get("chunked") == "1"
            if chunked:
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            step = 256 * 1024
            for start in range(0, len(data), step):
                chunk = data[start:start + step]
                if chunked:
                    self.wfile.write(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
                else:
                    self.wfile.write(chunk)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        elif url.path == "/headers":
            self.send_body(200, b"headers", [("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("X-MiXeD-CaSe", "yes")])
        elif url.path == "/redirect":
            self.send_body(302, b"", [("Location", "/echo")])
        else:
            self.send_body(404, b"not found")

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = handle_any

class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512

server = Server(("127.0.0.1", 0), Handler)
if len(sys.argv) == 3:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[1], sys.argv[2])
    server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)

def watch_parent():
    sys.stdin.buffer.read()
    os._exit(0)

threading.Thread(target=watch_parent, daemon=True).start()
server.serve_forever()
"""#
}
