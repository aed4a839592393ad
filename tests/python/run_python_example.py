"""End-to-end test of examples/python/caselink_example.py against the real caselinkd.

    run_python_example.py CASELINKD CASELINK_CLI SOURCE_DIR WORK_DIR

1. generates the Python stubs (examples/python/generate_stubs.sh), a PKI
   (certs-example/make-certs.sh) and a server config on port 0;
2. market submits a case with the C++ CLI; the example, as psb, reads it
   (identity number masked: police see other agencies' market cases so) and
   shows INVALID_ARGUMENT naming case_id for an empty case_id;
3. market transfers the case to psb; the example watches psb's events while
   the server is killed with SIGKILL and restarted on the same port, and more
   events are made: it must get each event exactly once, cursors increasing;
4. the example, as market, uploads a PDF-shaped file of 1.5 MiB to that
   transfer (streamed in chunks) and, as psb, downloads it (bytes identical),
   resumes a download from a pre-filled .part file, and gets NOT_FOUND for an
   unknown document id.

Exits 0 on success, 1 on a failed check. WORK_DIR is recreated each run and
kept afterwards (server logs, example output) for inspection.
"""

import ctypes
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time

CASELINKD, CLI, SOURCE, WORK = sys.argv[1:5]
PY = "/usr/bin/python3"
EXAMPLE = os.path.join(SOURCE, "examples/python/caselink_example.py")
CERTS = os.path.join(WORK, "certs")
PURPOSE = "核查涉嫌销售伪劣产品线索"


class Failed(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failed(msg)
    print("ok:", msg, flush=True)


def die_with_parent():
    # The server must not outlive this driver even if ctest kills it with
    # SIGKILL on timeout (then no finally block runs).
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class Server:
    """caselinkd as a child process, restartable on the port it first got."""

    def __init__(self):
        self.proc, self.port, self.starts = None, 0, 0

    def start(self):
        listen = "127.0.0.1:%d" % self.port  # 0 the first time: any free port
        with open(os.path.join(WORK, "server.textproto"), "w", encoding="utf-8") as f:
            f.write(SERVER_CONFIG % listen)
        port_file = os.path.join(WORK, "port")
        if os.path.exists(port_file):
            os.remove(port_file)
        self.starts += 1
        log = open(os.path.join(WORK, "server-%d.log" % self.starts), "wb")
        self.proc = subprocess.Popen(
            [CASELINKD, "--config", os.path.join(WORK, "server.textproto")],
            stdout=log, stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            text = open(port_file).read().strip() if os.path.exists(port_file) else ""
            if text.isdigit():
                self.port = int(text)
                return
            if self.proc.poll() is not None:
                raise Failed("caselinkd exited with %d; see %s" % (self.proc.returncode, log.name))
            time.sleep(0.1)
        raise Failed("caselinkd wrote no port file within 30 s")

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


SERVER_CONFIG = """\
# Written by tests/python/run_python_example.py; paths relative to this file.
listen_address: "%s"
port_file: "port"
db_path: "data"
tls {
  cert_file: "certs/server.pem"
  key_file: "certs/server.key"
  client_ca_file: "certs/ca.pem"
  crl_dir: "certs/crl"
}
policy_file: "policy.textproto"
audit {
  hmac_key_file: "certs/audit-hmac.key"
  page_token_key_file: "certs/page-token.key"
  checkpoint_every_entries: 10
}
limits {
  max_receive_message_bytes: 4194304
  max_page_size: 500
}
"""

server = Server()


def tls_args(agency):
    return ["--ca", os.path.join(CERTS, "ca.pem"),
            "--cert", os.path.join(CERTS, "agencies", agency + ".pem"),
            "--key", os.path.join(CERTS, "agencies", agency + ".key")]


def cli(agency, *args):
    """Runs the C++ CLI as `agency`; returns its JSON output."""
    cmd = [CLI, "--target", "127.0.0.1:%d" % server.port] + tls_args(agency) + list(args)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise Failed("caselink %s as %s failed (%d): %s" % (" ".join(args), agency, r.returncode, r.stderr))
    return json.loads(r.stdout)


def example_cmd(agency, *args):
    return [PY, EXAMPLE, "--stubs", os.path.join(WORK, "stubs"),
            "--target", "127.0.0.1:%d" % server.port, "--server-name", "localhost",
            "--purpose", PURPOSE] + tls_args(agency) + list(args)


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def run():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    subprocess.run(["bash", os.path.join(SOURCE, "examples/python/generate_stubs.sh"),
                    os.path.join(WORK, "stubs")], check=True, timeout=60)
    subprocess.run(["bash", os.path.join(SOURCE, "certs-example/make-certs.sh"), CERTS],
                   check=True, timeout=120, stdout=subprocess.DEVNULL)
    shutil.copy(os.path.join(SOURCE, "certs-example/policy.textproto"), WORK)
    server.start()
    print("caselinkd on port %d" % server.port, flush=True)

    # --- (a) + (b): read a case, see an error ---------------------------------
    case_id = cli("market", "submit", os.path.join(SOURCE, "scripts/demo-data/market-case-v1.json"))["case"]["case_id"]
    r = subprocess.run(example_cmd("psb", "--case-id", case_id), capture_output=True, text=True, timeout=60)
    print(r.stdout + r.stderr, flush=True)
    check(r.returncode == 0, "the example read case %s as psb (exit 0)" % case_id)
    out = json_lines(r.stdout)
    case = next(o["case"] for o in out if "case" in o)
    person = next(p["person"] for p in case["parties"] if "person" in p)
    check(case["case_id"] == case_id and person["id_number"] == "510***********1235",
          "psb got the market case with the identity number masked (%s)" % person["id_number"])
    check(person["name"] == "张三丰", "PERSONAL fields stay readable for psb")
    err = next(o["error"] for o in out if "error" in o)
    check(err["code"] == "INVALID_ARGUMENT" and "case_id" in err["details"],
          "empty case_id -> INVALID_ARGUMENT naming case_id (%s)" % err["details"])

    # --- (c): the event stream, across a kill -9 and restart -------------------
    t1 = cli("market", "transfer", "create", "--to", "psb", "--case", case_id,
             "--subject", "涉嫌销售伪劣产品罪", "--material", "涉嫌犯罪案件移送书|某监移〔2024〕3号",
             "--material", "涉嫌犯罪案件情况的调查报告|某监移〔2024〕3-1号", "--material", "涉案物品清单|某监移〔2024〕3-2号")["transfer"]["id"]
    out_path, err_path = os.path.join(WORK, "watch.out"), os.path.join(WORK, "watch.err")
    with open(out_path, "w") as out_f, open(err_path, "w") as err_f:
        watcher = subprocess.Popen(example_cmd("psb", "--watch", "--max-events", "3", "--idle-seconds", "60"),
                                   stdout=out_f, stderr=err_f, preexec_fn=die_with_parent)
    try:
        deadline = time.monotonic() + 30
        while not any("event" in o for o in json_lines(open(out_path).read())):
            if time.monotonic() > deadline or watcher.poll() is not None:
                raise Failed("the watcher printed no event within 30 s: " + open(err_path).read())
            time.sleep(0.1)
        server.kill()  # SIGKILL: no graceful shutdown, the stream just breaks
        server.start()
        print("caselinkd killed and restarted on port %d" % server.port, flush=True)
        cli("psb", "transfer", "act", t1, "accept", "--reference", "某公立〔2024〕7号")
        case2 = cli("market", "submit", os.path.join(SOURCE, "scripts/demo-data/market-case-v1.json"))["case"]["case_id"]
        t2 = cli("market", "transfer", "create", "--to", "psb", "--case", case2,
                 "--subject", "涉嫌销售伪劣产品罪", "--material", "涉嫌犯罪案件移送书|某监移〔2024〕4号",
             "--material", "涉嫌犯罪案件情况的调查报告|某监移〔2024〕4-1号", "--material", "涉案物品清单|某监移〔2024〕4-2号")["transfer"]["id"]
        rc = watcher.wait(timeout=90)
    finally:
        if watcher.poll() is None:
            watcher.kill()
    print(open(out_path).read() + open(err_path).read(), flush=True)
    check(rc == 0, "the watcher stopped by itself after --max-events (exit 0)")
    events = [o["event"] for o in json_lines(open(out_path).read()) if "event" in o]
    cursors = [int(e["cursor"]) for e in events]  # uint64 is a JSON string
    check(len(events) == 3, "exactly 3 events (no duplicate, none lost): cursors %s" % cursors)
    check(all(a < b for a, b in zip(cursors, cursors[1:])), "cursors strictly increasing")
    got = [(e["kind"], e["item_id"]) for e in events]
    want = [("EVENT_TRANSFER_CREATED", t1), ("EVENT_TRANSFER_CHANGED", t1), ("EVENT_TRANSFER_CREATED", t2)]
    check(got == want, "the events are the transfer steps in order: %s" % got)
    check("reconnecting from cursor %d" % cursors[0] in open(err_path).read(),
          "the watcher resumed from cursor %d after the restart" % cursors[0])

    # --- (d) + (e): upload a document to t1, download it, resume, refuse ------
    pdf = b"%PDF-1.7\n" + os.urandom(1536 << 10) + b"\n%%EOF\n"
    pdf_sha = hashlib.sha256(pdf).hexdigest()
    pdf_path = os.path.join(WORK, "移送书.pdf")
    with open(pdf_path, "wb") as f:
        f.write(pdf)
    out = example_ok("market", "uploaded %d bytes to transfer %s as market" % (len(pdf), t1),
                     "--upload-pdf", pdf_path, "--item", t1, "--reference", "某监移〔2024〕3号")
    doc = next(o["document"] for o in out if "document" in o)
    check(doc["sha256"] == pdf_sha and int(doc["size"]) == len(pdf),  # int64 is a JSON string
          "the document has the file's SHA-256 and size (%s, %s bytes)" % (doc["sha256"], doc["size"]))
    check(doc["item_id"] == t1 and doc["kind"] == "MATERIAL_TRANSFER_LETTER"
          and doc["content_type"] == "CONTENT_PDF" and doc["uploader_agency"] == "market",
          "attached to %s as a 移送书, detected as PDF, uploaded by market" % t1)

    def download(out_path, *extra):
        return example_ok("psb", "downloaded %s to %s as psb" % (doc["id"], os.path.basename(out_path)),
                          "--download", doc["id"], "--out", out_path, "--purpose", "审查移送材料", *extra)

    got_path = os.path.join(WORK, "got.pdf")
    got = next(o["downloaded"] for o in download(got_path) if "downloaded" in o)
    check(open(got_path, "rb").read() == pdf and not os.path.exists(got_path + ".part"),
          "the downloaded file is identical to the uploaded one, the .part file renamed")
    check(got == {"id": doc["id"], "bytes": len(pdf), "sha256": pdf_sha, "resumed_from": 0},
          "downloaded: %s" % got)

    resumed_path = os.path.join(WORK, "resumed.pdf")
    with open(resumed_path + ".part", "wb") as f:
        f.write(pdf[:300000])  # what an interrupted download left
    got = next(o["downloaded"] for o in download(resumed_path) if "downloaded" in o)
    check(got["resumed_from"] == 300000 and got["bytes"] == len(pdf) and got["sha256"] == pdf_sha,
          "the download resumed from the .part file's 300000 bytes: %s" % got)
    check(open(resumed_path, "rb").read() == pdf, "the resumed file is identical to the uploaded one")

    r = subprocess.run(example_cmd("psb", "--download", "D-no-such-document", "--out",
                                   os.path.join(WORK, "missing.pdf"), "--purpose", "审查移送材料"),
                       capture_output=True, text=True, timeout=60)
    print(r.stdout + r.stderr, flush=True)
    err = next((o["error"] for o in json_lines(r.stdout)
                if "error" in o and o["error"]["rpc"] == "Download"), None)
    check(r.returncode == 1 and err is not None and err["code"] == "NOT_FOUND",
          "an unknown document id -> NOT_FOUND, exit 1 (%s)" % err)
    check(not os.path.exists(os.path.join(WORK, "missing.pdf"))
          and not os.path.exists(os.path.join(WORK, "missing.pdf.part")), "and no file was written")


def example_ok(agency, what, *args):
    """Runs the example as `agency`; checks exit 0; returns its JSON lines."""
    r = subprocess.run(example_cmd(agency, *args), capture_output=True, text=True, timeout=120)
    print(r.stdout + r.stderr, flush=True)
    check(r.returncode == 0, "the example %s (exit 0)" % what)
    return json_lines(r.stdout)


def on_alarm(*_):
    raise Failed("driver timeout (240 s)")


def main():
    # Stop before ctest's TIMEOUT (300 s) so that the finally block cleans up.
    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.alarm(240)
    try:
        run()
        print("python_example: OK (work dir %s)" % WORK)
        return 0
    except (Failed, subprocess.SubprocessError, OSError, KeyError, StopIteration, ValueError) as e:
        print("python_example: FAILED: %s: %s (work dir %s)" % (type(e).__name__, e, WORK), file=sys.stderr)
        return 1
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
