"""Vendor-interface value coding (vendor-interface.md §2.1) against the typed JSON of
`hcard read --json`: what a vendor value must be for a JSON value, per field encoding and format."""
from decimal import Decimal


def json_to_vendor(field, value, full_hex=False):
    """The vendor string for a JSON value (the form the write functions take)."""
    if value is None:
        return ""
    fmt = field.format
    if isinstance(value, dict) and "code" in value:
        value = value["code"]
    if fmt == "date":
        return value.replace("-", "")
    if fmt == "date-time":
        return value.replace("-", "").replace("T", "").replace(":", "")
    if fmt == "money":
        return str(int(Decimal(value) * 100))
    if fmt == "flag":
        return "01" if value else "00"
    if field.encoding == "b" and fmt == "code":
        return "%02X" % int(value)
    return str(value)


def expected_output(field, value, full_hex=False, force_hex=False):
    """What a read function must return for a JSON value: text as is; cn digits cut at the first
    F (or, in the |-separated records, all 2×len hex digits); b as hex."""
    blank_hex = "F" * (2 * field.length)
    if force_hex and field.encoding == "cn":  # DF02/EF05 Rh: cn on the card, hex at the API
        digits = json_to_vendor(field, value)
        return (digits + "F" * (2 * field.length - len(digits))) if value is not None else blank_hex
    if value is None:
        return blank_hex if (full_hex or field.encoding == "b") and field.encoding != "ans" else ""
    text = json_to_vendor(field, value)
    if field.encoding == "cn" and full_hex:
        return text + "F" * (2 * field.length - len(text))
    return text
