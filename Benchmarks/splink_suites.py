#!/usr/bin/env python3
"""Splink on the EMPI benchmark suites (issue 18 item 5), called by `bench empi-suites`.

Reads DIR/<suite>.csv (and DIR/<suite>-right.csv for two-file linkage) with their `person`
truth column and DIR/<suite>.traps.csv, runs Splink 5 with the DuckDB backend and its usual
unsupervised training (λ from deterministic rules, u by random sampling, m by EM over two
blocking rules), predicts, and prints one Markdown row per suite: precision, recall and F1 at
p >= 0.99, blocking recall (true pairs among all blocked pairs), candidate pairs, trap record
pairs linked, and wall time end to end (reading the CSV included). Columns are cleaned the way
a user would: dates to ISO, phones to digits, sex to 1/2, names lower-cased.

Usage: python3 Benchmarks/splink_suites.py DIR
"""

import csv
import logging
import re
import sys
import time
from pathlib import Path

import pyarrow as pa
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

logging.disable(logging.CRITICAL)


def iso_date(text):
    text = (text or "").strip()
    m = re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", text)
    if m:
        return f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}"
    m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if m:
        return f"{m[1]}-{m[2]}-{m[3]}"
    return None


def digits(text, keep):
    d = re.sub(r"\D", "", text or "")
    return d[-keep:] if d else None


def sex(text):
    t = (text or "").strip().lower()
    if t in ("1", "m", "male", "男"):
        return "1"
    if t in ("2", "f", "female", "女"):
        return "2"
    return None


def read(path, chinese, prefix):
    """The suite CSV as cleaned rows (dicts): what a user would feed Splink."""
    rows = []
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            out = {"record_id": prefix + r["record_id"], "person": r["person"]}
            if chinese:
                name = r["name"] or (r["family_name"] + r["given_name"])
                name = re.sub(r"\s+", "", name).lower()
                out["full_name"] = name or None
                out["surname"] = name[:1] or None
                out["ident"] = r["citizen_id"].upper() or None
                out["address"] = r["address"] or None
                out["region"] = r["region_code"] or None
            else:
                out["given_name"] = r["given_name"].lower() or None
                out["family_name"] = r["family_name"].lower() or None
                out["ident"] = (r["citizen_id"] + r["ni_number"]).upper() or None
                out["address"] = r["address"].lower() or None
                out["postcode"] = r["postcode"].upper() or None
            out["dob"] = iso_date(r["birth_date"])
            out["sex"] = sex(r["sex"])
            out["phone"] = digits(r["phone"], 10)
            rows.append(out)
    return rows


def settings(chinese, link):
    if chinese:
        comparisons = [
            cl.JaroWinklerAtThresholds("full_name", [0.9, 0.8]).configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("sex"),
            cl.LevenshteinAtThresholds("ident", [1, 2]),
            cl.ExactMatch("phone"),
            cl.LevenshteinAtThresholds("address", [2, 8]),
            cl.ExactMatch("region"),
        ]
        blocking = [
            block_on("ident"), block_on("surname", "dob"), block_on("full_name"), block_on("phone"),
            block_on("full_name", "region"),
        ]
    else:
        comparisons = [
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("family_name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("sex"),
            cl.LevenshteinAtThresholds("ident", [1, 2]),
            cl.ExactMatch("phone"),
            cl.LevenshteinAtThresholds("address", [2, 6]),
            cl.PostcodeComparison("postcode"),
        ]
        blocking = [
            block_on("ident"), block_on("family_name", "dob"), block_on("given_name", "dob"), block_on("phone"),
            block_on("postcode"), block_on("given_name", "family_name"),
        ]
    return SettingsCreator(
        link_type="link_only" if link else "dedupe_only",
        unique_id_column_name="record_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
        retain_intermediate_calculation_columns=False,
    )


def run(directory, suite):
    chinese = suite.startswith("cn")
    right_path = directory / f"{suite}-right.csv"
    link = right_path.exists()
    start = time.monotonic()
    frames = [read(directory / f"{suite}.csv", chinese, "0:" if link else "")]
    if link:
        frames.append(read(right_path, chinese, "1:"))
    person = {row["record_id"]: row["person"] for frame in frames for row in frame}
    db = DuckDBAPI()
    tables = [
        db.register(pa.Table.from_pylist([{k: v for k, v in row.items() if k != "person"} for row in frame]))
        for frame in frames
    ]
    linker = Linker(tables if link else tables[0], settings(chinese, link))
    deterministic = [block_on("ident"), block_on("dob", "phone")]
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    if chinese:
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("full_name"))
    else:
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("family_name"))
    predictions = linker.inference.predict().as_record_list()
    elapsed = time.monotonic() - start

    traps = set()
    traps_path = directory / f"{suite}.traps.csv"
    if traps_path.exists():
        with open(traps_path, newline="") as f:
            for row in csv.DictReader(f):
                traps.add(frozenset((row["person_a"], row["person_b"])))
    counts = {}
    for p in person.values():
        counts[p] = counts.get(p, 0) + 1
    if link:
        left = {}
        right = {}
        for r, p in person.items():
            (left if r.startswith("0:") else right)[p] = (left if r.startswith("0:") else right).get(p, 0) + 1
        true_pairs = sum(left[p] * right.get(p, 0) for p in left)
    else:
        true_pairs = sum(n * (n - 1) // 2 for n in counts.values())
    tp = fp = blocked_true = trap_links = 0
    for row in predictions:
        a, b, probability = row["record_id_l"], row["record_id_r"], row["match_probability"]
        same = person[a] == person[b]
        blocked_true += same
        if probability >= 0.99:
            tp += same
            fp += not same
            if not same and frozenset((person[a], person[b])) in traps:
                trap_links += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    records = sum(len(frame) for frame in frames)
    print(
        f"| {suite} | Splink 5 (p >= 0.99) | {records} | {precision:.5f} | {recall:.5f} | {f1:.5f} | "
        f"{blocked_true / true_pairs:.4f} | {len(predictions)} | {trap_links} | {elapsed:.2f} |",
        flush=True,
    )


def main():
    directory = Path(sys.argv[1])
    for suite in ["cn-dedupe", "rom-dedupe", "rom-link"]:
        if (directory / f"{suite}.csv").exists():
            run(directory, suite)


if __name__ == "__main__":
    main()
