#!/usr/bin/env python3
"""The data steward's review in a real browser (issue 16 item 6, Docs/serve.md §7).

Starts `hcard serve` on loopback over a fresh SQLite index, feeds two hospitals' records of one
person that the matcher sends to review, then drives headless Chromium (Debian's `chromium`)
over the Chrome DevTools Protocol: sign in with the steward's API key, open the review queue,
click "Link to person N" on the pair, open the person page. Afterwards the link is checked in
the index file itself (SQLite), the review's resolution and the audit line in the server file.
Screenshots of every step are kept in the artefact folder this script prints.

With `--postgres URL` (a cluster; the script makes a fresh database in it) two `hcard serve
--postgres` processes share that database: the records are fed through the first, the browser
uses the second, and the checks read the tables with `psql`.

Usage: steward_review.py HCARD_BINARY ARTEFACT_DIR [--postgres URL]
Exit status 0 when every check passed; 1 on a failed check; 77 when chromium or the websockets
package is missing and CI is not set (under CI=true either is a failure, not a skip).
"""
import asyncio
import base64
import json
import random
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)
    print(f"  ok: {message}")


def api(base, key, method, path, body=None):
    """One JSON call to the server's API; returns (status, parsed body)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Authorization", f"Bearer {key}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


class DevTools:
    """A minimal Chrome DevTools Protocol client over the page's websocket."""

    def __init__(self, socket):
        self.socket = socket
        self.counter = 0
        self.events = []

    async def receive(self, timeout):
        return json.loads(await asyncio.wait_for(self.socket.recv(), timeout))

    async def send(self, method, **params):
        self.counter += 1
        number = self.counter
        await self.socket.send(json.dumps({"id": number, "method": method, "params": params}))
        while True:
            message = await self.receive(30)
            if message.get("id") == number:
                if "error" in message:
                    raise CheckFailed(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    async def until(self, event, timeout=30):
        """Waits for `event` (one not yet consumed)."""
        deadline = time.monotonic() + timeout
        while True:
            for index, message in enumerate(self.events):
                if message.get("method") == event:
                    del self.events[: index + 1]
                    return message
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise CheckFailed(f"no {event} within {timeout} s")
            self.events.append(await self.receive(remaining))

    async def evaluate(self, expression):
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise CheckFailed(f"script failed: {expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def navigate(self, url):
        self.events.clear()
        await self.send("Page.navigate", url=url)
        await self.until("Page.loadEventFired")

    async def click(self, selector):
        """A real mouse click (pressed and released) at the middle of the element; waits for the
        page it loads."""
        box = await self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); if (!e) return null;"
            " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
            " return [r.x + r.width / 2, r.y + r.height / 2]; })()")
        if box is None:
            raise CheckFailed(f"nothing matches {selector}")
        self.events.clear()
        for kind in ("mousePressed", "mouseReleased"):
            await self.send("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left", clickCount=1)
        await self.until("Page.loadEventFired")

    async def type_into(self, selector, text):
        await self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        await self.send("Input.insertText", text=text)

    async def screenshot(self, path):
        result = await self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        with open(path, "wb") as file:
            file.write(base64.b64decode(result["data"]))
        print(f"  screenshot: {path}")


def start_server(hcard, work, storage, name="server"):
    """One `hcard serve` process on `storage` (`["--db", FILE]` or `["--postgres", URL]`); returns
    (process, port)."""
    log_path = f"{work}/{name}.log"
    server = subprocess.Popen([hcard, "serve", *storage, "--listen", "127.0.0.1:0"], stderr=open(log_path, "w"))
    for _ in range(300):
        with open(log_path) as file:
            found = re.search(r'"message":"listening".*?"port":"(\d+)"', file.read())
        if found:
            return server, int(found.group(1))
        if server.poll() is not None:
            raise CheckFailed("the server exited: " + open(log_path).read())
        time.sleep(0.1)
    raise CheckFailed("the server did not start in 30 s")


def add_key(hcard, storage):
    return subprocess.run(
        [hcard, "serve", "key", "add", *storage, "--name", "steward", "--roles", "steward,registrar"],
        check=True, capture_output=True, text=True).stdout.strip()


def fresh_database(url):
    """A new database in the cluster of `url`; returns its URL."""
    name = "hcard_browser_" + "".join(random.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(12))
    subprocess.run(["psql", url, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    return url.rsplit("/", 1)[0] + "/" + name


def psql_rows(url, sql):
    """The rows of a query as tuples of text, through `psql`."""
    output = subprocess.run(["psql", url, "-AtF", "\t", "-c", sql], check=True, capture_output=True, text=True).stdout
    return [tuple(line.split("\t")) for line in output.splitlines() if line]


def feed_review_pair(base, key):
    """A background of 150 other people (so names and dates are as rare as in a real index: the
    scores use term frequencies), then two records of one woman from two hospitals: the second
    has her birth date and sex, a homophone given name (小芳 for 晓芳), another phone and no ID
    number, which puts the pair in the review band. Returns (review, candidate person, the person the record waits in)."""
    for domain in ({"code": "citizen-id", "type": "citizen-id"}, {"code": "HOSP-A", "name": "第一医院"},
                   {"code": "HOSP-B", "name": "第二医院"}):
        status, body = api(base, key, "POST", "/v1/empi/domains", domain)
        check(status == 200, f"domain {domain['code']} registered ({status} {body})")
    rng = random.Random(16)
    family, given = "李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高", "伟敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅"
    for number in range(150):
        record = {"id": f"Z-{number}", "domain": "HOSP-A",
                  "fullName": rng.choice(family) + rng.choice(given) + rng.choice(given),
                  "birthDate": f"{rng.randint(1940, 2015)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                  "sex": rng.choice("12"), "phone": "13" + "".join(rng.choice("0123456789") for _ in range(9))}
        status, _ = api(base, key, "POST", "/v1/empi/records", record)
        if status != 200:
            raise CheckFailed(f"background record {number}: {status}")
    first = {"id": "A-1", "domain": "HOSP-A", "fullName": "王晓芳", "birthDate": "1990-07-01", "sex": "2",
             "phone": "13912345678", "addressLines": ["上海市浦东新区世纪大道100号"],
             "identifiers": [{"domain": "citizen-id", "value": "31011519900701002X", "kind": "citizenID"}]}
    status, fed = api(base, key, "POST", "/v1/empi/records", first)
    check(status == 200 and fed["decision"] == "new-person", f"A-1 is a new person ({fed.get('decision')})")
    second = {"id": "B-1", "domain": "HOSP-B", "fullName": "王小芳", "birthDate": "1990-07-01", "sex": "2",
              "phone": "13055501231"}
    status, fed = api(base, key, "POST", "/v1/empi/records", second)
    check(status == 200 and fed["decision"] == "review", f"B-1 goes to review ({fed.get('decision')})")
    return fed["reviewItem"], fed["candidates"][0]["person"], fed["person"]


async def drive(base, key, review, candidate, artefacts, port):
    from websockets.asyncio.client import connect

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
        targets = json.loads(response.read())
    page = next(target for target in targets if target.get("type") == "page")
    async with connect(page["webSocketDebuggerUrl"], max_size=None) as socket:
        tools = DevTools(socket)
        await tools.send("Page.enable")
        await tools.send("Emulation.setDeviceMetricsOverride", width=1280, height=1000, deviceScaleFactor=1,
                         mobile=False)

        print("step 1: the queue without a session shows the sign-in form (401)")
        await tools.navigate(base + "/steward/reviews")
        check(await tools.evaluate("!!document.querySelector('#login')"), "sign-in form shown")
        await tools.screenshot(f"{artefacts}/01-sign-in.png")

        print("step 2: sign in with the steward's key")
        await tools.type_into("#login input[name=key]", key)
        await tools.click("#login button")
        title = await tools.evaluate("document.title")
        check(title.startswith("Review queue"), f"the review queue after signing in ({title!r})")
        check(await tools.evaluate("document.cookie") == "", "the session cookie is HttpOnly (not visible to scripts)")
        check(await tools.evaluate(f"!!document.querySelector('#review-{review}')"), f"review {review} listed")
        text = await tools.evaluate(f"document.querySelector('#review-{review}').innerText")
        check("HOSP-A:A-1" in text and "HOSP-B:B-1" in text and "13912345678" in text, "both records side by side")
        check("Why they were paired" in text, "the match explanation shown")
        await tools.screenshot(f"{artefacts}/02-review-queue.png")

        print(f"step 3: click 'Link to person {candidate}'")
        await tools.click(f"#review-{review} .candidate[data-person='{candidate}'] form.link button")
        count = await tools.evaluate("document.querySelector('#open-count').innerText")
        check(count.startswith("0 open"), f"the queue is empty afterwards ({count!r})")
        await tools.screenshot(f"{artefacts}/03-after-link.png")

        print(f"step 4: the person page of person {candidate}")
        await tools.navigate(f"{base}/steward/persons/{candidate}")
        identifiers = await tools.evaluate("document.querySelector('#identifiers').innerText")
        check("A-1" in identifiers and "B-1" in identifiers and "31011519900701002X" in identifiers,
              "identifiers in every domain: HOSP-A, HOSP-B and the citizen ID")
        history = await tools.evaluate("document.querySelector('#history').innerText")
        check("link" in history and "api:steward" in history, "the history shows the steward's link")
        await tools.screenshot(f"{artefacts}/04-person.png")


def check_postgres(url, review, candidate):
    print("step 5: the link in the shared tables (PostgreSQL)")
    rows = psql_rows(
        url, "SELECT empi_link.person, empi_link.provenance, empi_link.actor FROM empi_link"
        " JOIN empi_record ON empi_record.id = empi_link.record"
        " WHERE empi_record.domain = 'HOSP-B' AND empi_record.local_id = 'B-1'")
    check(rows == [(str(candidate), "manual", "api:steward")], f"HOSP-B:B-1 linked by hand to person {candidate} ({rows})")
    rows = psql_rows(url, f"SELECT status, resolution, actor FROM empi_review WHERE id = {int(review)}")
    check(rows == [("resolved", f"link:{candidate}", "api:steward")], f"review {review} resolved as the link ({rows})")
    rows = psql_rows(url, "SELECT client, status FROM audit WHERE route = '/steward/reviews/{id}/link'")
    check(rows == [("steward", "303")], f"the click is in the audit log ({rows})")


def check_index(work, review, candidate):
    print("step 5: the link in the index file (SQLite)")
    index = sqlite3.connect(f"file:{work}/index.sqlite?mode=ro", uri=True)
    row = index.execute(
        "SELECT link.person, link.provenance, link.actor FROM link JOIN record ON record.id = link.record"
        " WHERE record.domain = 'HOSP-B' AND record.localId = 'B-1'").fetchone()
    check(row == (candidate, "manual", "api:steward"), f"HOSP-B:B-1 linked by hand to person {candidate} ({row})")
    row = index.execute("SELECT status, resolution, actor FROM review WHERE id = ?", (review,)).fetchone()
    check(row == ("resolved", f"link:{candidate}", "api:steward"), f"review {review} resolved as the link ({row})")
    server = sqlite3.connect(f"file:{work}/index-server.sqlite?mode=ro", uri=True)
    rows = server.execute(
        "SELECT client, status FROM audit WHERE route = '/steward/reviews/{id}/link'").fetchall()
    check(rows == [("steward", 303)], f"the click is in the audit log ({rows})")


def main():
    hcard, artefacts = sys.argv[1], os.path.abspath(sys.argv[2])
    cluster = sys.argv[4] if len(sys.argv) == 5 and sys.argv[3] == "--postgres" else None
    if len(sys.argv) not in (3, 5) or (len(sys.argv) == 5 and cluster is None):
        print("usage: steward_review.py HCARD_BINARY ARTEFACT_DIR [--postgres URL]")
        return 2
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        if os.environ.get("CI") == "true":
            print("steward-browser: FAILED: chromium is not installed (Scripts/setup.sh installs it)")
            return 1
        print("steward-browser: skipped: chromium is not installed (Scripts/setup.sh installs it)")
        return 77
    try:
        import websockets  # noqa: F401 (the DevTools client; Scripts/setup.sh installs it)
    except ImportError:
        state = "FAILED" if os.environ.get("CI") == "true" else "skipped"
        print(f"steward-browser: {state}: the Python package websockets is not installed (Scripts/setup.sh)")
        return 1 if state == "FAILED" else 77
    shutil.rmtree(artefacts, ignore_errors=True)
    os.makedirs(artefacts)
    work = tempfile.mkdtemp(prefix="hcard-steward-")
    server = browser = feeder = None
    try:
        if cluster is None:
            storage = ["--db", f"{work}/index.sqlite"]
            key = add_key(hcard, storage)
            server, port = start_server(hcard, work, storage)
            feed_base = base = f"http://127.0.0.1:{port}"
        else:
            database = fresh_database(cluster)
            storage = ["--postgres", database]
            feeder, feed_port = start_server(hcard, work, storage, name="feeder")
            key = add_key(hcard, storage)
            server, port = start_server(hcard, work, storage)
            feed_base, base = f"http://127.0.0.1:{feed_port}", f"http://127.0.0.1:{port}"
            print(f"two nodes on {database}: feeding through {feed_base}, the browser on {base}")
        review, candidate, waiting = feed_review_pair(feed_base, key)
        check(candidate != waiting, f"the record waits in its own person {waiting}, candidate {candidate}")
        browser = subprocess.Popen(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--remote-debugging-port=0", f"--user-data-dir={work}/chromium", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=open(f"{work}/chromium.log", "w"))
        port_file = f"{work}/chromium/DevToolsActivePort"
        for _ in range(300):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            if browser.poll() is not None:
                raise CheckFailed("chromium exited: " + open(f"{work}/chromium.log").read()[-2000:])
            time.sleep(0.1)
        devtools_port = int(open(port_file).read().split()[0])
        asyncio.run(drive(base, key, review, candidate, artefacts, devtools_port))
        if cluster is None:
            check_index(work, review, candidate)
        else:
            check_postgres(database, review, candidate)
        for process in (server, feeder):
            if process is not None:
                process.send_signal(signal.SIGTERM)
                check(process.wait(timeout=30) == 0, "the server ends with status 0 on SIGTERM")
        server = feeder = None
        shutil.rmtree(work, ignore_errors=True)
        print(f"steward-browser: ok; screenshots in {artefacts}")
        return 0
    except CheckFailed as failure:
        print(f"steward-browser: FAILED: {failure}")
        print(f"steward-browser: screenshots so far in {artefacts}; server log {work}/server.log")
        return 1
    finally:
        for process in (browser, server, feeder):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()


if __name__ == "__main__":
    sys.exit(main())
