#!/usr/bin/env python3
"""The driver of ops/bench/outbound-e2e.sh (not meant to be run alone).

setup: creates one simulator site per tenant (flooders A1..An and the quiet tenant B), each with
  an API-token user, project BENCH and the Connect app installed through Atlassian's signed
  install pointing at the webhook service; creates a handful of issues per site (the app has no
  webhook subscription, so creating them sends nothing); reads each tenant id from Postgres.
  Writes tenants.json and one scheme file per tenant (one rule: created -> one fixed address).

run: fires BENCH_EVENTS signed jira:issue_created webhooks for the flooders over keep-alive
  connections, as fast as the webhook service answers, and one for B once QUIET_AFTER of the
  flood were accepted; then follows the SMTP sink's log until every expected mail arrived
  (or the timeout). Each webhook has a unique X-Atlassian-Webhook-Identifier, from which the
  event id and the mail's Message-ID are derived (EventIdentity, NotificationRenderer.messageID),
  so every expected mail is known in advance: a missing, duplicated or unexpected mail fails
  the run. Prints name=value lines (no "# results" header: the shell prints it).
"""

import argparse
import asyncio
import base64
import hashlib
import json
import os
import subprocess
import sys
import time
import urllib.request

import jwt  # PyJWT: a signer independent of ours

WEBHOOK_PATH = "/webhooks/jira"


def log(text):
    print(f"[bench] {text}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------- setup


def sim_call(jira, method, path, body=None, auth=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(jira + path, data, method=method)
    request.add_header("Content-Type", "application/json")
    if auth:
        request.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    with urllib.request.urlopen(request, timeout=30) as answer:
        text = answer.read()
        return json.loads(text) if text else None


def setup(args):
    names = [f"A{i}" for i in range(1, args.flooders + 1)] + ["B"]
    tenants = []
    for name in names:
        site = f"{args.site_prefix}-{name.lower()}"
        client_key = f"{args.site_prefix}-client-{name.lower()}"
        secret = os.urandom(24).hex()
        token = "bench-token-" + os.urandom(8).hex()
        sim_call(args.jira, "POST", "/__sim/sites", {
            "name": site, "replace": True,
            "projects": [{"key": "BENCH", "name": "Bench", "issueTypes": ["Task"], "projectTypeKey": "software"}],
            "users": [{"accountId": f"bench-user-{name.lower()}", "displayName": f"Bench {name}",
                       "emailAddress": f"bench-{name.lower()}@example.test", "hideEmail": False, "active": True,
                       "accountType": "atlassian", "apiTokens": [token]}],
            "apps": [{"key": "mailbridge", "clientKey": client_key, "sharedSecret": secret, "baseUrl": args.webhooks,
                      "scopes": ["READ", "WRITE"], "installed": False,
                      "lifecycle": {e: "/lifecycle/" + e for e in ("installed", "uninstalled", "enabled", "disabled")},
                      "webhooks": []}]})
        status = sim_call(args.jira, "POST", f"/__sim/sites/{site}/lifecycle", {"event": "installed", "app": "mailbridge"})["status"]
        if status != 200:
            sys.exit(f"site {site}: the signed install answered {status}")
        issues = []
        for n in range(args.issues):
            created = sim_call(args.jira, "POST", f"/site/{site}/rest/api/3/issue",
                               {"fields": {"project": {"key": "BENCH"}, "issuetype": {"name": "Task"},
                                           "summary": f"Bench issue {n + 1} of tenant {name}"}},
                               auth=f"bench-{name.lower()}@example.test:{token}")
            issues.append({"id": str(created["id"]), "key": created["key"]})
        tenant_id = subprocess.run(
            ["psql", args.postgres, "-Atc", f"SELECT tenant_id FROM tenants WHERE client_key = '{client_key}'"],
            check=True, capture_output=True, text=True).stdout.strip()
        if not tenant_id:
            sys.exit(f"site {site}: the install did not record a tenant (client key {client_key})")
        recipient = f"bench-mail-{name.lower()}@example.test"
        scheme = {"project": "BENCH", "notifications": [{"event": "created", "recipients": {"addresses": [recipient]}}]}
        with open(os.path.join(args.work, f"scheme-{name}.json"), "w") as f:
            json.dump(scheme, f)
        tenants.append({"name": name, "site": site, "client_key": client_key, "secret": secret, "tenant": tenant_id,
                        "issues": issues, "recipient": recipient})
    with open(os.path.join(args.work, "tenants.json"), "w") as f:
        json.dump(tenants, f)
    for t in tenants:
        print(f"{t['name']} {t['tenant']} {t['site']}")


# ------------------------------------------------------------------------------------------ run


def event_id(tenant, identifier):
    """Shared/WebhookReceipt/EventIdentity.swift, for a delivery identifier."""
    digest = bytearray(hashlib.sha256(f"mailbridge-event-id\0{tenant}\0delivery\0{identifier}".encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x80
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def message_id(tenant, identifier, domain):
    """NotificationRenderer.messageID(tenant:eventID:domain:), in angle brackets as in the header."""
    digest = hashlib.sha256(f"{tenant}\0{event_id(tenant, identifier)}".encode()).digest()[:16].hex()
    return f"<notification.{digest}@{domain}>"


class Webhook:
    def __init__(self, tenant, index, identifier, request):
        self.tenant = tenant
        self.index = index
        self.identifier = identifier
        self.request = request
        self.sent_at = None
        self.accepted_at = None
        self.tries = 0


def build_request(host, tenant, identifier, issue, token):
    now_ms = int(time.time() * 1000)
    body = json.dumps({
        "timestamp": now_ms, "webhookEvent": "jira:issue_created", "issue_event_type_name": "issue_created",
        "user": {"accountId": f"bench-user-{tenant['name'].lower()}", "displayName": f"Bench {tenant['name']}"},
        "issue": {"id": issue["id"], "key": issue["key"],
                  # As Jira's jira:issue_created: the issue's fields, its (empty) file list included, so
                  # the renderer has what the bench scheme needs without calling Jira back.
                  "fields": {"project": {"key": "BENCH", "name": "Bench"}, "issuetype": {"name": "Task"},
                             "status": {"name": "To Do"}, "attachment": [],
                             "summary": f"Bench issue of tenant {tenant['name']}", "description": "x" * 1500}}}).encode()
    head = (f"POST {WEBHOOK_PATH} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Authorization: JWT {token}\r\nX-Atlassian-Webhook-Identifier: {identifier}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    return head + body


def token_for(tenant):
    now = int(time.time())
    qsh = hashlib.sha256(f"POST&{WEBHOOK_PATH}&".encode()).hexdigest()
    return jwt.encode({"iss": tenant["client_key"], "iat": now, "exp": now + 1800, "qsh": qsh}, tenant["secret"], algorithm="HS256")


async def post(host, port, webhooks, stats):
    """One keep-alive connection posting webhooks from the shared list until it is empty."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while webhooks:
            hook = webhooks.pop()
            while True:
                hook.tries += 1
                hook.sent_at = hook.sent_at or time.time()
                writer.write(hook.request)
                status_line = await reader.readline()
                if not status_line:
                    raise RuntimeError("the webhook service closed a connection")
                status = int(status_line.split()[1])
                length = 0
                while True:
                    line = await reader.readline()
                    if line in (b"\r\n", b""):
                        break
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                if length:
                    await reader.readexactly(length)
                if status == 200:
                    hook.accepted_at = time.time()
                    stats["accepted"] += 1
                    break
                if status in (429, 503):  # busy: Jira would retry the same delivery
                    stats["retried"] += 1
                    await asyncio.sleep(0.05)
                    continue
                raise RuntimeError(f"webhook {hook.identifier} of tenant {hook.tenant['name']}: HTTP {status} (200 expected)")
    finally:
        writer.close()


def read_sink(path, offset, arrivals, unexpected, duplicates, expected):
    """Reads new complete lines of the sink's log from `offset`; returns the new offset."""
    with open(path, "rb") as f:
        f.seek(offset)
        data = f.read()
    end = data.rfind(b"\n") + 1
    for line in data[:end].decode().splitlines():
        at, mid, issue, rcpts = line.split("\t")
        for rcpt in rcpts.split(","):
            if rcpt.endswith("@blast.invalid"):
                continue
            key = (mid, rcpt.lower())
            if key not in expected:
                unexpected.append(line)
            elif key in arrivals:
                duplicates.append(line)
            else:
                arrivals[key] = float(at)
    return offset + end


def rendered_count(url):
    with urllib.request.urlopen(url, timeout=5) as answer:
        text = answer.read().decode()
    return sum(float(line.split()[-1]) for line in text.splitlines()
               if line.startswith('mailbridge_renderer_events_total{outcome="rendered"}'))


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu(pid):
    """CPU seconds (user + system, every thread) a live process used so far; 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    except (FileNotFoundError, ProcessLookupError):
        return 0.0


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(c) for c in f.read().split()]
    except FileNotFoundError:
        return []


def cpu_snapshot(named):
    """{name: CPU seconds}; a name whose pid is "postmaster:PID" sums PostgreSQL's backends (alive now)."""
    snapshot = {}
    for name, pid in named.items():
        if pid.startswith("postmaster:"):
            snapshot[name] = {c: process_cpu(c) for c in children(int(pid.split(":")[1]))}
        else:
            snapshot[name] = process_cpu(int(pid))
    with open("/proc/stat") as f:
        ticks = [int(v) for v in f.readline().split()[1:]]
    snapshot["_machine"] = (sum(ticks) - ticks[3] - ticks[4], sum(ticks))  # busy, all (idle and iowait excluded)
    return snapshot


def cpu_report(before, after, seconds):
    """cpu_<name>_pct lines: share of one core each process used between the snapshots."""
    for name in before:
        if name == "_machine":
            continue
        if isinstance(before[name], dict):
            used = sum(after[name].get(c, 0.0) - v for c, v in before[name].items() if c in after[name])
            used += sum(v for c, v in after[name].items() if c not in before[name])
        else:
            used = after[name] - before[name]
        print(f"cpu_{name}_pct={100 * used / seconds:.0f}")
    busy = after["_machine"][0] - before["_machine"][0]
    total = after["_machine"][1] - before["_machine"][1]
    print(f"cpu_machine_busy_pct={100 * busy / total:.0f}")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


async def run(args):
    with open(os.path.join(args.work, "tenants.json")) as f:
        tenants = json.load(f)
    flooders = [t for t in tenants if t["name"] != "B"]
    quiet = next(t for t in tenants if t["name"] == "B")
    host = f"127.0.0.1:{args.port}"
    tag = f"{args.site_prefix}-{int(time.time())}"
    hooks = []
    for n in range(args.events):
        tenant = flooders[n % len(flooders)]
        token = tenant.setdefault("token", token_for(tenant))
        identifier = f"{tag}-{tenant['name']}-{n}"
        hooks.append(Webhook(tenant, n, identifier, build_request(host, tenant, identifier, tenant["issues"][n % len(tenant["issues"])], token)))
    b_identifier = f"{tag}-B-0"
    b_hook = Webhook(quiet, 0, b_identifier, build_request(host, quiet, b_identifier, quiet["issues"][0], token_for(quiet)))
    expected = {}
    for hook in hooks + [b_hook]:
        expected[(message_id(hook.tenant["tenant"], hook.identifier, args.domain), hook.tenant["recipient"].lower())] = hook

    pending = list(reversed(hooks))  # pop() takes them in order
    stats = {"accepted": 0, "retried": 0}
    arrivals, unexpected, duplicates = {}, [], []
    offset = os.path.getsize(args.sink_log)

    async def quiet_tenant():
        while stats["accepted"] < min(args.quiet_after, args.events):
            await asyncio.sleep(0.005)
        await post("127.0.0.1", args.port, [b_hook], {"accepted": 0, "retried": 0})
        log(f"tenant B's webhook accepted after {stats['accepted']} of the flood")

    named = dict(item.split("=", 1) for item in args.cpu.split(",") if item) if args.cpu else {}
    cpu_before = cpu_snapshot(named)
    log(f"flood: {args.events} webhooks for {len(flooders)} tenant(s) over {args.connections} connections; B after {args.quiet_after}")
    started = time.time()
    flood = [asyncio.create_task(post("127.0.0.1", args.port, pending, stats)) for _ in range(args.connections)]
    quiet_task = asyncio.create_task(quiet_tenant())

    rendered = []  # (time, renderer's rendered count), with --until renderer

    async def progress():
        nonlocal offset
        last = 0.0
        while True:
            if args.until == "renderer":
                count = await asyncio.to_thread(rendered_count, args.renderer_metrics)
                rendered.append((time.time(), count))
                if time.time() - last >= 5:
                    last = time.time()
                    log(f"t={last - started:6.1f}s accepted={stats['accepted']} rendered={count}")
                if count >= len(expected):
                    return
                await asyncio.sleep(0.2)
                continue
            offset = read_sink(args.sink_log, offset, arrivals, unexpected, duplicates, expected)
            if time.time() - last >= 5:
                last = time.time()
                log(f"t={last - started:6.1f}s accepted={stats['accepted']} mails={len(arrivals)}")
            if len(arrivals) == len(expected) or duplicates or unexpected:
                return
            await asyncio.sleep(0.05)

    follower = asyncio.create_task(progress())
    try:
        await asyncio.wait_for(asyncio.gather(*flood, quiet_task), timeout=args.timeout)
    except asyncio.TimeoutError:
        log(f"the flood was not accepted within {args.timeout:.0f}s: {stats['accepted']} of {args.events} "
            f"({stats['retried']} busy answers); see the webhook service's log")
        args.timeout = 0.1
    flood_done = time.time()
    log(f"flood over after {flood_done - started:.1f}s ({stats['retried']} busy answers retried); waiting for the mails")
    try:
        await asyncio.wait_for(follower, timeout=args.timeout)
    except asyncio.TimeoutError:
        pass
    cpu_after = cpu_snapshot(named)
    cpu_seconds = time.time() - started
    await asyncio.sleep(0.3)  # the sink flushes every 100 ms: a duplicate right after the last mail is still seen
    offset = read_sink(args.sink_log, offset, arrivals, unexpected, duplicates, expected)

    if args.until == "renderer":
        accepted = [h.accepted_at for h in hooks if h.accepted_at]
        first_sent = min(h.sent_at for h in hooks)
        print(f"bench_events={args.events}")
        print(f"bench_flooding_tenants={len(flooders)}")
        print(f"webhook_accept_per_s={args.events / (max(accepted) - first_sent):.0f}")
        done = next((at for at, count in rendered if count >= len(expected)), None)
        print(f"renderer_rendered={rendered[-1][1] if rendered else 0}")
        if done is None:
            sys.exit(f"the renderer rendered {rendered[-1][1] if rendered else 0} of {len(expected)} events in time")
        print(f"renderer_only_per_s={len(expected) / (done - first_sent):.1f}")
        cpu_report(cpu_before, cpu_after, cpu_seconds)
        return

    flood_mails = [arrivals[k] for k, h in expected.items() if h is not b_hook and k in arrivals]
    missing = [h for k, h in expected.items() if k not in arrivals]
    b_key = next(k for k, h in expected.items() if h is b_hook)
    accepted = [h.accepted_at for h in hooks if h.accepted_at]
    first_sent = min(h.sent_at for h in hooks if h.sent_at)
    print(f"bench_events={args.events}")
    print(f"bench_flooding_tenants={len(flooders)}")
    print(f"bench_connections={args.connections}")
    print(f"webhooks_accepted={len(accepted)}")
    print(f"webhook_accept_per_s={len(accepted) / (max(accepted) - first_sent):.0f}")
    print(f"webhook_busy_retries={stats['retried']}")
    print(f"mails_expected={len(expected)}")
    print(f"mails_arrived={len(arrivals)}")
    print(f"mails_missing={len(missing)}")
    print(f"mails_duplicated={len(duplicates)}")
    print(f"mails_unexpected={len(unexpected)}")
    if flood_mails:
        span = max(flood_mails) - first_sent
        print(f"e2e_seconds={span:.1f}")
        print(f"e2e_notifications_per_s={len(flood_mails) / span:.1f}")
        latencies = [arrivals[k] - h.accepted_at for k, h in expected.items() if h is not b_hook and k in arrivals and h.accepted_at]
        print(f"e2e_latency_p50_s={percentile(latencies, 50):.2f}")
        print(f"e2e_latency_max_s={max(latencies):.2f}")
    if b_key in arrivals and b_hook.accepted_at:
        print(f"quiet_tenant_delay_s={arrivals[b_key] - b_hook.accepted_at:.3f}")
        before = sum(1 for at in flood_mails if at < arrivals[b_key])
        print(f"quiet_tenant_flood_mails_before={before}")
    else:
        print("quiet_tenant_delay_s=missing")
    cpu_report(cpu_before, cpu_after, cpu_seconds)
    for line in duplicates[:5]:
        log(f"duplicate: {line}")
    for line in unexpected[:5]:
        log(f"unexpected (not a Message-ID/recipient this run expects): {line}")
    if missing:
        by_tenant = {}
        for h in missing:
            by_tenant[h.tenant["name"]] = by_tenant.get(h.tenant["name"], 0) + 1
        log(f"missing after {args.timeout:.0f}s: " + ", ".join(f"{n}={c}" for n, c in sorted(by_tenant.items())))
    if missing or duplicates or unexpected:
        sys.exit(3)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    s = commands.add_parser("setup")
    s.add_argument("--jira", required=True)
    s.add_argument("--webhooks", required=True, help="the app's base URL")
    s.add_argument("--postgres", required=True)
    s.add_argument("--site-prefix", required=True)
    s.add_argument("--flooders", type=int, default=1)
    s.add_argument("--issues", type=int, default=5)
    s.add_argument("--work", required=True)
    r = commands.add_parser("run")
    r.add_argument("--port", type=int, required=True, help="the webhook service's port")
    r.add_argument("--site-prefix", required=True)
    r.add_argument("--events", type=int, default=10000)
    r.add_argument("--connections", type=int, default=32)
    r.add_argument("--quiet-after", type=int, default=1000)
    r.add_argument("--sink-log", required=True)
    r.add_argument("--domain", required=True, help="the renderer's Message-ID domain")
    r.add_argument("--timeout", type=float, default=540, help="seconds to wait for the mails after the flood")
    r.add_argument("--work", required=True)
    r.add_argument("--until", choices=["sink", "renderer"], default="sink",
                   help="renderer: stop when the renderer rendered every event (no sender; its /metrics at --renderer-metrics)")
    r.add_argument("--renderer-metrics")
    r.add_argument("--cpu", help="name=pid,…: report each process's CPU share over the run (postmaster:PID for PostgreSQL's backends)")
    args = parser.parse_args()
    if args.command == "setup":
        setup(args)
    else:
        asyncio.run(run(args))


if __name__ == "__main__":
    main()
