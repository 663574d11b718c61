#!/usr/bin/env python3
"""Runs a vendor-order client (the C program, or the Python ctypes one) against the card that
`hcard emulate` serves through pcscd + vpcd, then compares everything it printed with
`hcard read --json` field by field, and the written encounter records with their fixtures.

    compare.py HCARD LABEL CLIENT...   (CLIENT: a command; OUTPATIENT.txt INPATIENT.txt are appended)

Exits 1 naming every mismatch. Needs pcscd with vpcd and `hcard emulate` running (test-capi.sh)."""
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import layout  # noqa: E402
import values  # noqa: E402

FIXTURES = layout.ROOT / "Fixtures" / "records"
TEXT = os.environ.get("HCARD_TEXT", "gbk")


def decode(raw):
    return raw.decode("utf-8" if TEXT == "utf8" else "gbk")


def encode(text):
    return text.encode("utf-8" if TEXT == "utf8" else "gbk")


def all_string(files, kind, record):
    """The |-separated record the ALL write functions take, from a fixture JSON record."""
    fields = layout.data_fields(files, kind)
    return "|".join(values.json_to_vendor(f, layout.lookup(record, f.key)) for f in fields)


def main():
    hcard, label, client = sys.argv[1], sys.argv[2], sys.argv[3:]
    files = layout.load()
    outpatient = json.loads((FIXTURES / "outpatient.json").read_text(encoding="utf-8"))
    inpatient = json.loads((FIXTURES / "inpatient.json").read_text(encoding="utf-8"))
    work = Path(tempfile.mkdtemp(prefix="hcard-capi-"))
    (work / "outpatient.txt").write_bytes(encode(all_string(files, "outpatient", outpatient)))
    (work / "inpatient.txt").write_bytes(encode(all_string(files, "inpatient", inpatient)))

    run = subprocess.run(client + [str(work / "outpatient.txt"), str(work / "inpatient.txt")], capture_output=True)
    if run.returncode != 0:
        sys.exit(f"{' '.join(client)} exited {run.returncode}:\n{run.stderr.decode(errors='replace')}")
    output, raw = {}, {}
    for line in run.stdout.split(b"\n"):
        if line:
            name, _, value = line.partition(b"\t")
            output[name.decode()] = decode(value)
            raw[name.decode()] = value

    read = subprocess.run([hcard, "read", "--json"], capture_output=True, text=True)
    if read.returncode != 0:
        sys.exit(f"hcard read --json exited {read.returncode}: {read.stderr}")
    card = json.loads(read.stdout)
    mismatches, checked = [], 0

    def check(name, got, wanted):
        nonlocal checked
        checked += 1
        if got != wanted:
            mismatches.append(f"{name}: the C API gave {got!r}, hcard read --json means {wanted!r}")

    tlv = {"DDF1EF05": "issuer", "DDF1EF06": "holder", "DDF1EF08": "payment", "DF01EF05": "addresses",
           "DF01EF06": "contacts", "DF01EF07": "occupation", "DF01EF08": "documents", "DF02EF05": "clinical",
           "DF02EF06": "special"}
    for prefix, name in tlv.items():
        record = card.get(name) or {}
        if name == "contacts":
            record = {"contacts": record.get("contacts", [])}
        for index, field in enumerate(files[name]):
            force_hex = name == "clinical" and index < 14
            wanted = values.expected_output(field, layout.lookup(record, field.key), force_hex=force_hex)
            if force_hex and field.encoding == "b":
                wanted = wanted if wanted else "FF"
            check(f"{prefix}.{index + 1} ({name}.{field.key})", output.get(f"{prefix}.{index + 1}"), wanted)

    for prefix, name, count in (("DF02EF07", "allergies", 3), ("DF02EF08", "immunizations", 10)):
        records = card.get(name, [])
        for n in range(1, count + 1):
            record = records[n - 1] if n <= len(records) else None
            for index, field in enumerate(files[name]):
                value = layout.lookup(record, field.key) if record else None
                if field.format == "date":
                    wanted = values.json_to_vendor(field, value) if value else "FFFFFFFF"
                else:
                    wanted = values.expected_output(field, value)
                check(f"{prefix}.{n}.{index + 1} ({name}[{n}].{field.key})", output.get(f"{prefix}.{n}.{index + 1}"), wanted)

    for prefix, name in (("DF03EF05", "inpatientIndex"), ("DF03EF06", "outpatientIndex")):
        for n, valid in enumerate(card[name], start=1):
            check(f"{prefix}.{n} ({name}[{n}])", output.get(f"{prefix}.{n}"), "00" if valid else "FF")

    for prefix, kind, fixture in (("ED01", "outpatient", outpatient), ("EE01", "inpatient", inpatient)):
        slots = card.get(kind, [])
        if not slots or slots[0]["slot"] != 1:
            mismatches.append(f"{kind}: hcard read --json shows no record in slot 1")
            continue
        record = slots[0]["record"]
        check(f"{kind}[1].signatureValid", slots[0].get("signatureValid"), True)
        got = output.get(prefix, "").split("|")
        fields = layout.data_fields(files, kind)
        check(f"{prefix} field count", len(got), len(fields))
        for field, value in zip(fields, got):
            check(f"{prefix}.{field.key}", value, values.expected_output(field, layout.lookup(record, field.key), full_hex=True))
            check(f"{kind} fixture {field.key}", layout.lookup(record, field.key) is None,
                  layout.lookup(fixture, field.key) is None)
        for field in fields:  # the record read back is the fixture written through the C API
            written, back = layout.lookup(fixture, field.key), layout.lookup(record, field.key)
            if isinstance(back, dict) and "code" in back:
                back = back["code"]
            if written is not None:
                check(f"{kind} round trip {field.key}", str(back), str(written))

    photo = card.get("photo") or ""
    check("DDF1EF07 (photo)", output.get("DDF1EF07"), "%04X" % (len(photo) // 2) + photo)
    check("cardATR", output.get("cardATR"), card["atr"])
    check("noSAM.cardNumber", output.get("noSAM.cardNumber"), card["issuer"]["cardNumber"])
    check("noSAM.cityCode", output.get("noSAM.cityCode"), card["issuer"]["cityCode"])
    check("samCertificate", len(output.get("samCertificate", "")), 380)
    check("sm3abc", output.get("sm3abc"), "66C7F0F462EEEDD9D1F2D46BDC10E4E24167C4875CF2F7A2297DA02B8F4BA8E0")
    check("sm2SignatureLength", output.get("sm2SignatureLength"), "64")
    check("apduCard", output.get("apduCard"), "6F10840C57532E5359532E4444463031A5009000")
    check("apduSAM", (output.get("apduSAM") or "")[-4:], "9000")
    check("ed2.an", output.get("ed2.an"), "协和")
    check("ed2.cn", output.get("ed2.cn"), "20261122")
    check("ed2.b", output.get("ed2.b"), "20261122")
    check("ee2.no", output.get("ee2.no"), "01")
    check("EE01.admissionDate", output.get("EE01.admissionDate"), inpatient["admissionDate"].replace("-", ""))

    if "wsc.11" in output:  # the C client also calls the item-number and TLV-string functions
        issuer, holder = card["issuer"], card["holder"]
        check("wsc.11 (holder.name)", output.get("wsc.11"), holder["name"])
        check("wsc.15 (holder.idNumber)", output.get("wsc.15"), holder["idNumber"])
        check("wsc.57 (issuer.cityCode)", output.get("wsc.57"), issuer["cityCode"])
        check("wsc.16 (payment.phone1, written by wsc_PutCardInfo)", output.get("wsc.16"), card["payment"].get("phone1"))
        check("wsc.16 is the value put", output.get("wsc.16"), "13700137000")
        check("wsc.58 (allergies[1].allergen)", output.get("wsc.58"), card["allergies"][0]["allergen"])
        check("wsc.62 (inpatientIndex[1])", output.get("wsc.62"), "00" if card["inpatientIndex"][0] else "FF")
        check("wsc.64 (inpatient[1].institutionName)", output.get("wsc.64"), card["inpatient"][0]["record"]["institutionName"])
        check("wsc.213 (outpatient[1].institutionName)", output.get("wsc.213"), card["outpatient"][0]["record"]["institutionName"])
        check("hd.ED03", output.get("hd.ED03"), "213004TEST21500820261122")
        # HD_RDF03EE00: every written field of the inpatient record as NNNLLLvalue, values cut at F.
        text, items = raw.get("hd.EE01", b""), {}  # LLL counts bytes, so parse the bytes
        while len(text) >= 6:
            length = int(text[3:6])
            items[int(text[:3])] = decode(text[6:6 + length])
            text = text[6 + length:]
        check("hd.EE01 parsed to the end", text, b"")
        record = card["inpatient"][0]["record"]
        for item, field in enumerate(layout.data_fields(files, "inpatient"), start=64):
            value = layout.lookup(record, field.key)
            wanted = None if value is None else values.expected_output(field, value)
            if wanted is not None and field.encoding == "b":
                wanted = wanted.split("F")[0] if "F" in wanted else wanted
            check(f"hd.EE01 item {item} ({field.key})", items.get(item), wanted)

    for line in mismatches:
        print("MISMATCH", line)
    print(f"{label}: {checked} values compared with hcard read --json,"
          f" {len(mismatches)} mismatches")
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
