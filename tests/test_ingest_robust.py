"""Robust reading: encodings, a whole-fetch deadline, bad structure, and inputs that must not sink others."""

from __future__ import annotations

import io
import json
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from conftest import serve
from crossbrief.ingest import read
from crossbrief.ingest.decoding import decode_bytes
from crossbrief.ingest.problems import shown
from crossbrief.ingest.read import Limits, read_inputs

# Written for these tests: Western European text with accents, curly quotes, a euro sign and a dash.
FRENCH = (
    "Le café de la place a fermé mardi après une grève de trois jours. "
    "« C’est la fin d’une époque », a déclaré le propriétaire, qui réclame 12 000 € à la mairie — "
    "une somme jugée excessive par l’adjoint chargé des finances."
)
GERMAN = (
    "Die Brücke über die Straße bleibt gesperrt, weil größere Schäden gefunden wurden; Fußgänger müssen ausweichen."
)
ENGLISH = (
    "The council said on Tuesday that the bridge would stay closed until the repairs were finished. "
    "Engineers found cracks in two of the piers during a routine inspection last week."
)


def _page(body: str, head: str = "") -> str:
    return (
        f"<!doctype html><html><head>{head}<title>Bridge closed</title></head><body><article><h1>Bridge closed</h1>"
        f"<p>{ENGLISH}</p><p>{body}</p></article></body></html>"
    )


def _one(tmp_path: Path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    articles, problems = read_inputs([str(path)])
    return path, articles, problems


# -- encodings ----------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [FRENCH, GERMAN])
def test_windows_1252_text_reads_correctly(tmp_path: Path, text: str):
    _, [article], problems = _one(tmp_path, "a.txt", text.encode("cp1252"))
    assert article.raw_text == text and not problems


def test_latin_1_text_reads_correctly(tmp_path: Path):
    text = GERMAN + " Preis: 5 °C, ½ Stunde, Größe ±3 mm."
    _, [article], problems = _one(tmp_path, "a.txt", text.encode("latin-1"))
    assert article.raw_text == text and not problems


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-be"])
def test_unicode_with_byte_order_mark(tmp_path: Path, encoding: str):
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff", "utf-32-be": b"\x00\x00\xfe\xff"}.get(encoding, b"")
    _, [article], problems = _one(tmp_path, "a.txt", bom + FRENCH.encode(encoding))
    assert article.raw_text == FRENCH and not problems


def test_utf16_without_bom(tmp_path: Path):
    _, [article], _ = _one(tmp_path, "a.txt", FRENCH.encode("utf-16-le"))
    assert article.raw_text == FRENCH


def test_utf8_with_one_latin1_passage(tmp_path: Path):
    data = (FRENCH + "\n").encode("utf-8") + "Il a ajouté: « Nous étions là depuis 1952. »\n".encode("latin-1")
    data += "Le maire n’a pas répondu.".encode()
    _, [article], [warning] = _one(tmp_path, "a.txt", data)
    assert "Nous étions là depuis 1952" in article.raw_text and "Le maire n’a pas répondu." in article.raw_text
    assert FRENCH in article.raw_text
    assert not warning.fatal and "replaced 5 bytes" in warning.message and "\n" not in warning.message


def test_undefined_bytes_are_replaced_and_counted():
    decoded = decode_bytes(FRENCH.encode("utf-8") + b" \x81\x8d " + b"Fin.")
    assert decoded.text.endswith(" \ufffd\ufffd Fin.") and decoded.replaced_bytes == 2
    assert "replaced 2 bytes" in decoded.warning


def test_binary_is_still_refused(tmp_path: Path):
    _, articles, [problem] = _one(tmp_path, "a.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    assert not articles and problem.message == "binary file, not text"


def test_meta_charset_is_used(tmp_path: Path):
    # Windows-1251 bytes that would also decode (wrongly) as Windows-1252.
    russian = "Мост через реку закрыт после того, как инженеры обнаружили трещины в опорах моста."
    html = _page(russian, head='<meta charset="windows-1251">')
    _, [article], _ = _one(tmp_path, "a.html", html.encode("cp1251"))
    assert russian in article.raw_text


def test_http_equiv_and_xml_declaration():
    html = _page(GERMAN, head='<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">')
    assert GERMAN in decode_bytes(html.encode("latin-1")).text
    xml = '<?xml version="1.0" encoding="windows-1251"?><p>Привет, мир: мост закрыт.</p>'
    assert decode_bytes(xml.encode("cp1251")).text == xml


def test_latin1_page_that_claims_utf8_falls_back_to_detection():
    html = _page(FRENCH, head='<meta charset="utf-8">')
    decoded = decode_bytes(html.encode("cp1252"), declared="utf-8")
    assert FRENCH in decoded.text


def test_lone_surrogate_in_json_becomes_replacement_character(tmp_path: Path):
    path = tmp_path / "a.json"
    path.write_text('{"text": "' + ENGLISH + ' Odd \\ud800 char.", "title": "T\\udfff"}')
    [article], _ = read_inputs([str(path)])
    assert "Odd \ufffd char." in article.raw_text and article.title == "T\ufffd"
    article.raw_text.encode("utf-8")  # no lone surrogate left


# -- bad structure ------------------------------------------------------------------------------
def test_json_nested_too_deeply(tmp_path: Path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 10_000 + "]" * 10_000)
    articles, [problem] = read_inputs([str(path)])
    assert not articles and problem.input == str(path) and "nested too deeply" in problem.message


def test_json_pretty_printed_and_nested_too_deeply(tmp_path: Path):
    path = tmp_path / "deep.json"
    path.write_text("[\n" * 10_000 + "]\n" * 10_000)
    articles, [problem] = read_inputs([str(path)])
    assert not articles and "nested too deeply" in problem.message


def test_json_values_that_are_not_text(tmp_path: Path):
    path = tmp_path / "odd.jsonl"
    lines = [
        {"text": ["not", "text"]},
        {"text": ENGLISH, "title": {"nested": 1}, "url": 42, "outlet": ["x"]},
        7,
        {"text": ENGLISH, "date": 2025},
        "1" * 5000,  # an integer too long for Python to convert
    ]
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines))
    articles, problems = read_inputs([str(path)])
    assert len(articles) == 2 and articles[0].title == "" and articles[0].url == ""
    messages = {p.input.rsplit(":", 1)[1]: p.message for p in problems if p.fatal}
    assert "'text' is a list" in messages["1"] and "not a number" in messages["3"] and "invalid JSON" in messages["5"]
    warnings = [p.message for p in problems if not p.fatal]
    assert any("ignored 'title'" in w for w in warnings)


def test_a_json_date_that_is_not_a_date_is_named_and_the_article_kept(tmp_path: Path):
    path = tmp_path / "dated.jsonl"
    lines = [{"text": ENGLISH, "date": "2026-05-06"}, {"text": ENGLISH + " Again.", "date": "next\x1bweek",
                                                      "title": "Dated badly"}]
    path.write_text("\n".join(json.dumps(x) for x in lines))
    articles, problems = read_inputs([str(path)])
    assert [a.date for a in articles] == ["2026-05-06", ""] and articles[1].title == "Dated badly"
    [bad_date] = problems
    assert not bad_date.fatal and bad_date.input.endswith(":2") and "'date'" in bad_date.message
    assert "not a date" in bad_date.message and "\x1b" not in str(bad_date)  # shown escaped


@pytest.mark.parametrize(
    "url, message",
    [
        ("http://example.test/a\nb", "not a valid URL"),
        ("http://[::1", "not a valid URL"),
        ("http://[::1]:99999/", "not a valid URL"),
        ("http://exa mple.test/", "not a valid URL"),
    ],
)
def test_malformed_urls(url: str, message: str):
    articles, [problem] = read_inputs([url], limits=Limits(timeout=1, deadline=2))
    assert not articles and message in problem.message
    assert "\n" not in problem.input and "\n" not in problem.message


def test_closed_standard_input(monkeypatch):
    monkeypatch.setattr("sys.stdin", None)
    articles, [problem] = read_inputs(["-"])
    assert not articles and problem.input == "<stdin>" and problem.message == "standard input is closed"


def test_text_standard_input_without_buffer(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(ENGLISH))
    [article], _ = read_inputs(["-"])
    assert article.raw_text == ENGLISH


def test_standard_input_in_windows_1252():
    [article], problems = read_inputs(["-"], stdin=io.BytesIO(FRENCH.encode("cp1252")))
    assert article.raw_text == FRENCH and not problems


# -- one bad input never sinks the rest ---------------------------------------------------------
def test_unexpected_error_is_a_problem_for_that_input_only(tmp_path: Path, monkeypatch):
    bad, good = tmp_path / "bad.txt", tmp_path / "good.txt"
    bad.write_text(ENGLISH)
    good.write_text(ENGLISH)
    real = read.article_from_text

    def broken(text, source, url=""):
        if source == str(bad):
            raise ValueError("boom\nsecond line")
        return real(text, source, url=url)

    monkeypatch.setattr(read, "article_from_text", broken)
    articles, [problem] = read_inputs([str(bad), str(good)])
    assert [a.source for a in articles] == [str(good)]
    assert problem.input == str(bad) and problem.message == "internal error while reading it (ValueError: boom)"
    assert problem.internal and problem.fatal


def test_many_problems_of_one_input_are_summarised(tmp_path: Path):
    path = tmp_path / "broken.jsonl"
    path.write_text(json.dumps({"text": ENGLISH}) + "\n" + "{broken\n" * 20_000)
    articles, problems = read_inputs([str(path)])
    assert len(articles) == 1 and len(problems) == 6
    assert problems[-1].message == f"... and 19,995 more problems in {path}" and problems[-1].fatal


def test_control_characters_in_names_are_escaped(tmp_path: Path):
    name = "evil\n\x1b[31mred.txt"
    articles, [problem] = read_inputs([str(tmp_path / name)])
    assert problem.input == str(tmp_path) + "/evil\\n\\x1b[31mred.txt"
    assert problem.message == "no such file or folder"
    path = tmp_path / name
    path.write_bytes(b"\x00\x01binary")
    _, [problem] = read_inputs([str(path)])
    assert "\n" not in problem.input and "\x1b" not in problem.input


def test_shown_escapes_only_control_characters():
    assert shown("Café “news”.txt") == "Café “news”.txt"
    assert shown("a\tb\r\nc\x7f\x85\u202e\u2028\udcff") == "a\\tb\\r\\nc\\x7f\\x85\\u202e\\u2028\\udcff"


# -- the whole-fetch deadline, against a real HTTP server on 127.0.0.1 --------------------------
class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):  # noqa: N802 - the http.server API
        try:
            if self.path == "/trickle":
                body = _page(ENGLISH).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                for i in range(len(body)):  # one byte every 0.3 s: no single read ever times out
                    self.wfile.write(body[i : i + 1])
                    self.wfile.flush()
                    time.sleep(0.3)
                return
            if self.path == "/latin1-claims-utf8":
                body, ctype = _page(FRENCH).encode("cp1252"), "text/html; charset=utf-8"
            elif self.path == "/cp1251-header":
                body = "Мост закрыт: инженеры нашли трещины в опорах.".encode("cp1251")
                ctype = "text/plain; charset=windows-1251"
            else:
                body, ctype = b"not found", "text/plain"
            self.send_response(200 if body != b"not found" else 404)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture(scope="module")
def server():
    with serve(_Handler) as url:
        yield url


def test_trickling_server_is_cut_off_at_the_deadline(server):
    started = time.monotonic()
    articles, [problem] = read_inputs([f"{server}/trickle"], limits=Limits(timeout=5, deadline=1.5))
    elapsed = time.monotonic() - started
    assert not articles and problem.message.startswith("gave up after 1.5 s: ")
    assert "\n" not in problem.message and 1.4 < elapsed < 2.5


def test_default_deadline_is_30_seconds():
    assert Limits().deadline == 30.0


def test_latin1_page_whose_header_claims_utf8(server):
    [article], _ = read_inputs([f"{server}/latin1-claims-utf8"], limits=Limits(timeout=5))
    assert "Le café de la place a fermé mardi" in article.raw_text


def test_header_charset_is_used(server):
    [article], _ = read_inputs([f"{server}/cp1251-header"], limits=Limits(timeout=5))
    assert article.raw_text == "Мост закрыт: инженеры нашли трещины в опорах."
