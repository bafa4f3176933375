#!/usr/bin/env python3
"""Mailbridge's Jira Cloud simulator: platform REST v3, Connect JWT and API-token auth, contract
check against the official OpenAPI document, webhooks and lifecycle callbacks. See README.md.

    jira_simulator.py --host 127.0.0.1 --port 58080 [--seed demo-seed.json] [--keys-dir DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from jirasim.contract import Contract  # noqa: E402
from jirasim.server import Simulator, make_server  # noqa: E402

DEFAULT_CONTRACT = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "contracts", "jira-platform-openapi.v3.json"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=58080)
    parser.add_argument("--seed", help="JSON file: a site specification created at start (and after a full reset)")
    parser.add_argument("--keys-dir", help="directory to write the install-callback public keys to (file name = kid)")
    parser.add_argument("--contract", default=os.environ.get("MAILBRIDGE_JIRA_CONTRACT", DEFAULT_CONTRACT),
                        help="the OpenAPI document (default: ../shared/contracts/jira-platform-openapi.v3.json)")
    parser.add_argument("--public-url", help="base of the URLs the simulator writes (default http://HOST:PORT)")
    parser.add_argument("--media-url", help="base of attachment download redirects (default http://localhost:PORT "
                                            "when HOST is 127.0.0.1, so a client sees another host as with Jira's media API)")
    args = parser.parse_args(argv)

    started = time.time()
    contract = Contract(args.contract, os.path.join(HERE, "contract-supplement.json"))
    seed = None
    if args.seed:
        with open(args.seed) as fh:
            seed = json.load(fh)
    public_url = args.public_url or f"http://{args.host}:{args.port}"
    media_url = args.media_url or (f"http://localhost:{args.port}" if args.host == "127.0.0.1" else public_url)
    sim = Simulator(public_url, contract, keys_dir=args.keys_dir, media_url=media_url, seed=seed)
    server = make_server(sim, args.host, args.port)
    sim.write_log(f"jira simulator listening on {public_url} (contract loaded in {time.time() - started:.2f}s; "
                  f"install key {sim.keys.current_kid}; sites {sorted(sim.sites)})")

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    sim.write_log("jira simulator stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
