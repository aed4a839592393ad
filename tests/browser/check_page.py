#!/usr/bin/python3
"""Opens a local HTML page in headless Chromium and checks it.

    check_page.py --chromium PATH --html PATH --screenshot PATH [--min-svg N]

Drives Chromium through the Chrome DevTools Protocol over
--remote-debugging-pipe (JSON messages, each ended by a NUL byte; Chromium
reads them from its fd 3 and writes replies and events to its fd 4), with the
Python standard library only. Fails (exit 1, one line per problem) when the
page logs a console error or assertion, throws an exception, logs an error
(Log domain), requests anything other than its own file:// URL (data: URLs
excepted), has fewer than --min-svg `svg` elements or no `rect`, or does not
finish loading within 30 s. Exit 2: bad arguments, or Chromium could not be
started or driven. Requests to the network are blocked (they are still seen
and reported), so the check sends nothing out and does not wait on it.

Keeps a full-page PNG screenshot at --screenshot and prints a one-line
summary. Chromium and every process it started are killed at the end.
"""

import argparse
import base64
import fcntl
import json
import os
import pathlib
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

LOAD_TIMEOUT_S = 30
START_TIMEOUT_S = 30
CALL_TIMEOUT_S = 30


class CdpError(Exception):
    """Chromium could not be started or driven (exit 2)."""


class Chromium:
    """One headless Chromium process and its DevTools pipe."""

    def __init__(self, executable, headless_flag, profile_dir, log_path):
        # to_chrome: we write, Chromium reads it as fd 3;
        # from_chrome: Chromium writes it as fd 4, we read.
        to_chrome_r, to_chrome_w = os.pipe()
        from_chrome_r, from_chrome_w = os.pipe()

        def child_fds():
            # Move both ends out of the way first, in case one of them is
            # already 3 or 4, then put them at 3 and 4 (inheritable).
            a = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)  # inheritable, kept by pass_fds
            os.dup2(b, 4)

        args = [
            executable,
            headless_flag,
            "--no-sandbox",  # we may run as root
            "--disable-gpu",
            f"--user-data-dir={profile_dir}",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            # Nothing in the background either (component updates, sync, ...).
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,1024",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        self.log_path = log_path
        self._log = open(log_path, "wb")
        try:
            self.proc = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                pass_fds=(3, 4),
                preexec_fn=child_fds,
                start_new_session=True,  # its own process group: killed as one
            )
        except OSError as e:
            for fd in (to_chrome_r, to_chrome_w, from_chrome_r, from_chrome_w):
                os.close(fd)
            self._log.close()
            raise CdpError(f"cannot run {executable}: {e}")
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._w = to_chrome_w
        self._r = from_chrome_r
        self._buf = b""
        self._next_id = 0
        self.on_event = lambda msg: None

    def send(self, method, params=None, session=None):
        self._next_id += 1
        msg = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode() + b"\0"
        while data:
            try:
                n = os.write(self._w, data)
            except BrokenPipeError:
                raise CdpError(f"chromium closed its pipe (sending {method}){self.exit_note()}")
            data = data[n:]
        return self._next_id

    def read_message(self, deadline):
        """The next message, or None when the deadline passes."""
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self._r], [], [], left)
            if not ready:
                return None
            chunk = os.read(self._r, 1 << 20)
            if not chunk:
                raise CdpError(f"chromium closed its pipe{self.exit_note()}")
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method, params=None, session=None, timeout=CALL_TIMEOUT_S):
        """Sends a command and returns its result; events met on the way go
        to on_event."""
        want = self.send(method, params, session)
        deadline = time.monotonic() + timeout
        while True:
            msg = self.read_message(deadline)
            if msg is None:
                raise CdpError(f"no reply to {method} within {timeout} s")
            if msg.get("id") == want:
                if "error" in msg:
                    raise CdpError(f"{method} failed: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.on_event(msg)

    def exit_note(self):
        rc = self.proc.poll()
        return "" if rc is None else f" (chromium exited with {rc})"

    def log_tail(self, lines=15):
        try:
            text = pathlib.Path(self.log_path).read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def kill(self):
        # Politely first (Chromium then ends and reaps its own processes),
        # then SIGKILL to the whole process group whatever happened.
        if self.proc.poll() is None:
            try:
                self.call("Browser.close", timeout=5)
            except (CdpError, OSError):
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        for fd in (self._w, self._r):
            try:
                os.close(fd)
            except OSError:
                pass
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        # The renderer, GPU and zygote processes share the group: end any left.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self._log.close()


def start_chromium(executable, profile_dir, log_path):
    """Starts Chromium in new headless mode, falling back to --headless."""
    errors = []
    for flag in ("--headless=new", "--headless"):
        t0 = time.monotonic()
        chrome = Chromium(executable, flag, profile_dir, log_path)
        try:
            version = chrome.call("Browser.getVersion", timeout=START_TIMEOUT_S)
            return chrome, flag, version, time.monotonic() - t0
        except CdpError as e:
            errors.append(f"{flag}: {e}\n{chrome.log_tail()}")
            chrome.kill()
    raise CdpError("could not start chromium:\n" + "\n".join(errors))


def check(args, chrome, page_url):
    problems = []
    requests = []
    state = {"loaded": False}
    session_box = {}

    def on_event(msg):
        if msg.get("sessionId") != session_box.get("id"):
            return
        method, p = msg["method"], msg.get("params", {})
        if method == "Page.loadEventFired":
            state["loaded"] = True
        elif method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            text = " ".join(
                str(a.get("value", a.get("description", a.get("type")))) for a in p.get("args", [])
            )
            problems.append(f"console {p['type']}: {text}")
        elif method == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            desc = (d.get("exception", {}).get("description") or d.get("text", "")).splitlines()
            where = f"{d.get('url', '')}:{d.get('lineNumber', -1) + 1}:{d.get('columnNumber', -1) + 1}"
            problems.append(f"exception: {desc[0] if desc else '?'} ({where})")
        elif method == "Log.entryAdded":
            e = p.get("entry", {})
            if e.get("level") == "error":
                problems.append(f"log error ({e.get('source')}): {e.get('text')} {e.get('url', '')}".rstrip())
        elif method == "Network.requestWillBeSent":
            url = p.get("request", {}).get("url", "")
            if url.split("#", 1)[0] != page_url and not url.startswith("data:"):
                requests.append(url)

    chrome.on_event = on_event
    target = chrome.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = chrome.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    session_box["id"] = session
    for domain in ("Page", "Runtime", "Log", "Network"):
        chrome.call(f"{domain}.enable", session=session)
    # Seen by requestWillBeSent, then failed at once: nothing leaves the
    # machine and the load event does not wait on an unreachable host.
    chrome.call(
        "Network.setBlockedURLs",
        {"urls": ["http://*", "https://*", "ws://*", "wss://*", "ftp://*"]},
        session=session,
    )
    chrome.call(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1280, "height": 1024, "deviceScaleFactor": 1, "mobile": False},
        session=session,
    )

    t0 = time.monotonic()
    nav = chrome.call("Page.navigate", {"url": page_url}, session=session)
    if nav.get("errorText"):
        problems.append(f"navigation failed: {nav['errorText']}")
        return problems, requests, None, None
    deadline = t0 + LOAD_TIMEOUT_S
    while not state["loaded"]:
        msg = chrome.read_message(deadline)
        if msg is None:
            problems.append(f"timeout: no Page.loadEventFired within {LOAD_TIMEOUT_S} s")
            return problems, requests, None, None
        if "method" in msg:
            on_event(msg)
    load_s = time.monotonic() - t0

    expr = (
        "JSON.stringify({svg: document.querySelectorAll('svg').length,"
        " rect: document.querySelectorAll('svg rect').length,"
        " table: document.querySelectorAll('table').length,"
        " title: document.title})"
    )
    res = chrome.call(
        "Runtime.evaluate", {"expression": expr, "returnByValue": True}, session=session
    )
    if "exceptionDetails" in res:
        raise CdpError(f"evaluating the counts failed: {res['exceptionDetails']}")
    counts = json.loads(res["result"]["value"])

    # The whole page, not only the viewport.
    metrics = chrome.call("Page.getLayoutMetrics", session=session)
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    shot = chrome.call(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
        },
        session=session,
    )
    png = base64.b64decode(shot["data"])
    if not png.startswith(b"\x89PNG\r\n\x1a\n"):
        raise CdpError("Page.captureScreenshot did not return a PNG")
    out = pathlib.Path(args.screenshot)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(png)

    # Late events (e.g. a console error from a timer) that arrived meanwhile.
    while True:
        msg = chrome.read_message(time.monotonic() + 0.2)
        if msg is None:
            break
        if "method" in msg:
            on_event(msg)

    if counts["svg"] < args.min_svg:
        problems.append(f"charts: {counts['svg']} svg elements, expected at least {args.min_svg}")
    if counts["rect"] == 0:
        problems.append("charts: no rect element in any svg (no bars drawn)")
    info = dict(counts, load_s=load_s, png=out, png_bytes=len(png))
    return problems, requests, info, size


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--chromium", required=True)
    ap.add_argument("--html", required=True)
    ap.add_argument("--screenshot", required=True)
    ap.add_argument("--min-svg", type=int, default=1)
    args = ap.parse_args()

    html = pathlib.Path(args.html).resolve()
    if not html.is_file():
        print(f"check_page: FAIL: no such file: {html}", file=sys.stderr)
        return 2
    exe = shutil.which(args.chromium) or args.chromium
    page_url = html.as_uri()

    profile = tempfile.mkdtemp(prefix="caselink-chromium-")
    chrome = None
    try:
        t0 = time.monotonic()
        chrome, flag, version, start_s = start_chromium(exe, profile, os.path.join(profile, "chromium.log"))
        problems, requests, info, size = check(args, chrome, page_url)
    except CdpError as e:
        print(f"check_page: FAIL: {e}", file=sys.stderr)
        if chrome is not None:
            print(chrome.log_tail(), file=sys.stderr)
        return 2
    finally:
        if chrome is not None:
            chrome.kill()
        shutil.rmtree(profile, ignore_errors=True)

    for url in requests:
        problems.append(f"network request: {url}")
    print(f"check_page: {page_url} in {version.get('product', '?')} ({flag}, started in {start_s:.1f} s, "
          f"total {time.monotonic() - t0:.1f} s)")
    if info is not None:
        print(f"check_page: title {info['title']!r}: {info['svg']} svg, {info['rect']} rect, "
              f"{info['table']} table; loaded in {info['load_s']:.2f} s; screenshot {info['png']} "
              f"({info['png_bytes']} bytes, {size['width']:.0f}x{size['height']:.0f} css px)")
    if problems:
        for p in problems:
            print(f"check_page: FAIL: {p}", file=sys.stderr)
        return 1
    print("check_page: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
