"""The character a w:sym stands for. Word's Insert > Symbol, with a symbol font chosen (Symbol, Wingdings), writes
no text: a w:sym naming the font and the character's code in that font, moved to the private-use area
(F020–F0FF). A reviewer typing “≥ 99.5%” that way wrote a “≥” the text must keep."""

from __future__ import annotations

# the Symbol font's codes (0x20–0xFF) that are not the same character in ASCII, as Unicode
_SYMBOL = {
    0x22: "\u2200", 0x24: "\u2203", 0x27: "\u220b", 0x2A: "\u2217", 0x2D: "\u2212", 0x40: "\u2245",
    **dict(zip(range(0x41, 0x5B), "ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ")),
    0x5C: "\u2234", 0x5E: "\u22a5",
    **dict(zip(range(0x61, 0x7B), "αβχδεφγηιϕκλμνοπθρστυϖωξψζ")),
    0x7E: "\u223c", 0xA0: "\u20ac", 0xA1: "\u03d2", 0xA2: "\u2032", 0xA3: "\u2264", 0xA4: "\u2044", 0xA5: "\u221e",
    0xA6: "\u0192", 0xA7: "\u2663", 0xA8: "\u2666", 0xA9: "\u2665", 0xAA: "\u2660", 0xAB: "\u2194", 0xAC: "\u2190",
    0xAD: "\u2191", 0xAE: "\u2192", 0xAF: "\u2193", 0xB0: "\u00b0", 0xB1: "\u00b1", 0xB2: "\u2033", 0xB3: "\u2265",
    0xB4: "\u00d7", 0xB5: "\u221d", 0xB6: "\u2202", 0xB7: "\u2022", 0xB8: "\u00f7", 0xB9: "\u2260", 0xBA: "\u2261",
    0xBB: "\u2248", 0xBC: "\u2026", 0xBF: "\u21b5", 0xC0: "\u2135", 0xC4: "\u2297", 0xC5: "\u2295", 0xC6: "\u2205",
    0xC7: "\u2229", 0xC8: "\u222a", 0xC9: "\u2283", 0xCA: "\u2287", 0xCB: "\u2284", 0xCC: "\u2282", 0xCD: "\u2286",
    0xCE: "\u2208", 0xCF: "\u2209", 0xD0: "\u2220", 0xD1: "\u2207", 0xD2: "\u00ae", 0xD3: "\u00a9", 0xD4: "\u2122",
    0xD5: "\u220f", 0xD6: "\u221a", 0xD7: "\u22c5", 0xD8: "\u00ac", 0xD9: "\u2227", 0xDA: "\u2228", 0xDB: "\u21d4",
    0xDC: "\u21d0", 0xDD: "\u21d1", 0xDE: "\u21d2", 0xDF: "\u21d3", 0xE0: "\u25ca", 0xE1: "\u2329", 0xE2: "\u00ae",
    0xE3: "\u00a9", 0xE4: "\u2122", 0xE5: "\u2211", 0xF1: "\u232a", 0xF2: "\u222b",
}
# the Wingdings marks a reviewer puts in a table or a list: ticks, crosses, boxes, bullets
_WINGDINGS = {0xFC: "\u2714", 0xFB: "\u2718", 0xFE: "\u2611", 0xFD: "\u2612", 0xA8: "\u25fb", 0x6C: "\u25cf",
              0xA7: "\u25aa", 0xD8: "\u27a2"}
UNKNOWN = "\ufffd"  # a symbol of a font termsmith has no table for: shown as such, never dropped


def symbol_text(font: str, char: str) -> str:
    """The text of a w:sym (its w:font and w:char): '' for a code that is not one."""
    try:
        code = int(char, 16)
    except ValueError:
        return ""
    if not 0 < code <= 0x10FFFF:
        return ""
    if code < 0xF000 or code > 0xF0FF:  # a font with Unicode codes: the character itself
        return UNKNOWN if 0xD800 <= code <= 0xDFFF else chr(code)
    code -= 0xF000
    name = font.strip().lower()
    if name == "symbol":
        return _SYMBOL.get(code, chr(code) if 0x20 <= code < 0x7F else UNKNOWN)
    if name == "wingdings":
        return _WINGDINGS.get(code, UNKNOWN)
    return UNKNOWN  # another symbol font's (Wingdings 2, Webdings …): its letters are pictures


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SYM, RUBY_GUIDE = f"{{{_W}}}sym", f"{{{_W}}}rt"


def sym_text(el) -> str:
    """The character a w:sym element stands for."""
    return symbol_text(el.get(f"{{{_W}}}font", ""), el.get(f"{{{_W}}}char", ""))


def in_ruby_guide(el) -> bool:
    """Inside the guide text set above a ruby's base text (w:ruby/w:rt, a reading in kana): not the document's
    words, which are the base's (w:rubyBase), as Word reads them out and saves them as plain text."""
    return any(a.tag == RUBY_GUIDE for a in el.iterancestors())
