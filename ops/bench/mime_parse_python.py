#!/usr/bin/env python3
"""MIME parse throughput of Python's `email` package (the reference for ops/bench/mime-parse.sh).

    mime_parse_python.py --corpus DIR [--iterations N]
    mime_parse_python.py --one FILE

--corpus: reads every regular file below DIR (names and directories starting with a dot are
skipped) into memory, makes one untimed warm-up pass, then times N passes (default 3). Each
message: email.message_from_bytes(data, policy=email.policy.default); the Subject, From, To
and Date headers (decoded; From/To as address lists, Date as a datetime); msg.walk() over
every part, and for each leaf part the decoded payload: part.get_content() (str for text/*,
charset-decoded; bytes otherwise), falling back to part.get_payload(decode=True) when
get_content raises (unknown charset, odd types) - those fallbacks are counted.
MB/s is corpus bytes * N / 10^6 / timed wall-clock seconds; messages/s likewise; the
cpu_ figure divides by the process CPU time of the timed passes instead (steadier on a
busy machine).

--one: the same work on one file, once (for a peak-RSS measurement from outside).
Prints human lines, then `# results` and `name=value` lines.
"""

import argparse
import email
import email.policy
import os
import platform
import sys
import time

POLICY = email.policy.default


def load(corpus: str):
    files = []
    for root, dirs, names in os.walk(corpus):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith("."):
                continue
            path = os.path.join(root, name)
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    files.append(f.read())
    return files


class Stats:
    __slots__ = ("parts", "decoded", "fallbacks", "header_errors", "failures")

    def __init__(self):
        self.parts = self.decoded = self.fallbacks = self.header_errors = self.failures = 0


def parse_one(data: bytes, st: Stats):
    msg = email.message_from_bytes(data, policy=POLICY)
    for name in ("subject", "from", "to", "date"):
        try:
            h = msg[name]
            if h is None:
                continue
            str(h)
            if name == "date":
                h.datetime
            elif name != "subject":
                h.addresses
        except Exception:  # malformed headers in the error fixtures
            st.header_errors += 1
    for part in msg.walk():
        if part.is_multipart():
            continue
        st.parts += 1
        try:
            content = part.get_content()
        except Exception:
            st.fallbacks += 1
            content = part.get_payload(decode=True)
        if content is not None and not isinstance(content, email.message.Message):
            st.decoded += len(content)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--corpus", metavar="DIR")
    g.add_argument("--one", metavar="FILE")
    ap.add_argument("--iterations", type=int, default=3)
    args = ap.parse_args()
    impl = "Python %s email (policy.default)" % platform.python_version()

    if args.one:
        with open(args.one, "rb") as f:
            data = f.read()
        st = Stats()
        start = time.perf_counter()
        parse_one(data, st)
        secs = time.perf_counter() - start
        print("%s: %s, %.1f MB, %d leaf parts, %.1f MB decoded, %.3f s" % (
            impl, args.one, len(data) / 1e6, st.parts, st.decoded / 1e6, secs))
        print("# results")
        print("python_one_seconds=%.3f" % secs)
        print("python_one_parts=%d" % st.parts)
        return

    if args.iterations < 1:
        sys.exit("--iterations must be positive")
    files = load(args.corpus)
    if not files:
        sys.exit("no files in %s" % args.corpus)
    total = sum(len(d) for d in files)

    warm = Stats()
    start = time.perf_counter()
    for data in files:
        try:
            parse_one(data, warm)
        except Exception:
            warm.failures += 1
    warm_secs = time.perf_counter() - start

    st = Stats()
    cpu_start = time.process_time()
    start = time.perf_counter()
    for _ in range(args.iterations):
        for data in files:
            try:
                parse_one(data, st)
            except Exception:
                st.failures += 1
    secs = time.perf_counter() - start
    cpu_secs = time.process_time() - cpu_start

    mbps = total * args.iterations / 1e6 / secs
    mps = len(files) * args.iterations / secs
    print("%s: %d messages, %.1f MB; per pass %d leaf parts, %.1f MB decoded, %d get_content fallbacks, "
          "%d header errors, %d parse failures" % (impl, len(files), total / 1e6, warm.parts, warm.decoded / 1e6,
                                                    warm.fallbacks, warm.header_errors, warm.failures))
    cpu_mbps = total * args.iterations / 1e6 / cpu_secs
    print("  warm-up pass %.2f s; %d timed passes %.2f s: %.1f MB/s, %.0f messages/s; CPU %.2f s: %.1f MB/s" % (
        warm_secs, args.iterations, secs, mbps, mps, cpu_secs, cpu_mbps))
    print("# results")
    print("python_corpus_files=%d" % len(files))
    print("python_corpus_bytes=%d" % total)
    print("python_parts_per_pass=%d" % warm.parts)
    print("python_get_content_fallbacks=%d" % warm.fallbacks)
    print("python_seconds=%.3f" % secs)
    print("python_mb_per_s=%.1f" % mbps)
    print("python_messages_per_s=%.0f" % mps)
    print("python_cpu_seconds=%.3f" % cpu_secs)
    print("python_cpu_mb_per_s=%.1f" % cpu_mbps)


if __name__ == "__main__":
    main()
