"""The desk shows QA flags where editors look and keeps the glossary (issue 12)."""

from __future__ import annotations

import io

import pytest

from translator.app import App
from translator.text.importer import save_page
from translator.core.news import sentence_hash
from translator.web import create_app

from .conftest import FakeEngine, page
from .test_desk_web import csrf, signed_in, texts

SENTENCE = "Prices rose 5% on Friday, Sheinbaum said."


@pytest.fixture
def app():
    app = App(engine_factory=lambda config: FakeEngine())
    with app.store(create=True) as store:
        save_page(store, page("Rates rise", [SENTENCE]))
    app.translate_pending()
    return app


def save(client, token: str, text: str):
    return client.post(
        f"/desk/articles/1/sentences/{sentence_hash(SENTENCE)}",
        data={"text": text, "row": "2"},
        headers={"X-CSRFToken": token, "X-Requested-With": "fetch"},
    )


def test_an_edit_is_checked_again_and_the_row_and_list_show_its_flags(app):
    client, token = signed_in(app)
    row = save(client, token, "金曜日に物価が上昇した、とシェインバウム氏は述べた。")
    assert texts(row.text, "qa-flags") == ["'5' is not in the Japanese"]
    assert texts(row.text, "number") == ["'5' is not in the Japanese"]
    listed = client.get("/desk/").text
    assert texts(listed, "qa") == ["2E 0W"]  # and the headline's: it is still '<訳>Rates rise', English left
    row = save(client, token, "金曜日に物価が5%上昇した、とシェインバウム氏は述べた。")
    assert texts(row.text, "qa-flags") == []
    with app.store() as store:
        flags = store.flags(1, "ja")
    assert sentence_hash(SENTENCE) not in flags  # no flags stored for it: none found


def test_a_glossary_term_added_at_the_desk_flags_the_translations_that_lack_it(app):
    client, token = signed_in(app)
    save(client, token, "金曜日に物価が5%上昇した、とシェインバウム氏は述べた。")
    term = {"english": "Sheinbaum", "japanese": "シェーンバウム", "csrf_token": token}
    added = client.post("/desk/glossary", data=term)
    assert (added.status_code, added.headers["Location"]) == (302, "/desk/glossary")
    page_after = client.get("/desk/glossary").text
    # The only sentence that names her has the editor's text, which the glossary never rewrites
    # (nor the machine's text under it, which nobody sees): it is flagged instead.
    assert texts(page_after, "notice") == ["Added: Sheinbaum → シェーンバウム; 1 article rechecked"]
    row_text = client.get("/desk/articles/1").text
    assert texts(row_text, "glossary") == ["glossary: 'Sheinbaum' should be シェーンバウム"]
    client.post("/desk/glossary/remove", data={"english": "sheinbaum", "csrf_token": token})
    assert texts(client.get("/desk/articles/1").text, "glossary") == []
    assert texts(client.get("/desk/glossary").text, "notice") == ["Removed: Sheinbaum → シェーンバウム; 1 article rechecked"]


def test_the_glossary_page_refuses_bad_entries_and_files_with_a_message(app):
    client, token = signed_in(app)
    refused = client.post("/desk/glossary", data={"english": "Rubio", "japanese": " ", "csrf_token": token})
    assert refused.status_code == 400
    assert texts(refused.text, "error") == ["english and japanese are both required"]
    missing = client.post("/desk/glossary/remove", data={"english": "Nobody", "csrf_token": token})
    assert (missing.status_code, texts(missing.text, "error")) == (404, ["no glossary entry for 'Nobody'"])
    bad = client.post(
        "/desk/glossary/import",
        data={"file": (io.BytesIO(b"english,japanese,note\nRubio,\xff,\n"), "names.csv"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 400
    assert texts(bad.text, "error")[0].startswith("names.csv: not UTF-8")
    odd = client.post(  # the upload's name is only shown, never a path: a NUL in it is one more character
        "/desk/glossary/import",
        data={"file": (io.BytesIO(b"english,japanese,note\nRubio,\xff,\n"), "a\x00b.csv"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert odd.status_code == 400
    assert texts(odd.text, "error")[0].startswith("a\\x00b.csv: not UTF-8")
    with app.store() as store:
        assert store.db["glossary"].count == 0


def test_a_glossary_file_imported_at_the_desk_exports_the_same(app):
    client, token = signed_in(app)
    csv = (
        "english,japanese,note\n"
        "Rubio,ルビオ,U.S. secretary of state\n"
        "Sinaloa Cartel,シナロア・カルテル,\n"
    )
    imported = client.post(
        "/desk/glossary/import",
        data={"file": (io.BytesIO(csv.encode()), "names.csv"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert imported.status_code == 302
    assert texts(client.get("/desk/glossary").text, "notice") == [
        "Imported names.csv: 2 added, 0 updated, 0 unchanged; 0 articles rechecked"
    ]
    exported = client.get("/desk/glossary.csv")
    assert exported.headers["Content-Disposition"] == "attachment; filename=glossary.csv"
    assert exported.text.replace("\r\n", "\n") == csv
    assert "<term>ルビオ</term>" in client.get("/desk/glossary.tbx").text


def test_glossary_changes_need_the_csrf_token_and_a_name(app):
    client, _ = signed_in(app)
    assert client.post("/desk/glossary", data={"english": "Rubio", "japanese": "ルビオ"}).status_code == 400
    anonymous = create_app(app).test_client()
    assert anonymous.get("/desk/glossary").status_code == 302
    with app.store() as store:
        assert store.db["glossary"].count == 0
    assert csrf(client.get("/desk/glossary"))


def test_an_upload_larger_than_an_input_page_is_refused_with_a_page(app):
    from translator.text.cleaning import MAX_INPUT_BYTES

    client, token = signed_in(app)
    huge = io.BytesIO(b"english,japanese,note\n" + b"a" * MAX_INPUT_BYTES)
    refused = client.post(
        "/desk/glossary/import",
        data={"file": (huge, "big.csv"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 413
    assert texts(refused.text, "error") == ["The upload is too large: at most 4 MiB."]


def test_a_glossary_with_formula_cells_is_named_at_the_desk_and_exported_quoted(app):
    from .conftest import CASES

    client, token = signed_in(app)
    data = {"file": (io.BytesIO((CASES / "formula_injection.csv").read_bytes()), "names.csv"), "csrf_token": token}
    assert client.post("/desk/glossary/import", data=data, content_type="multipart/form-data").status_code == 302
    notices = texts(client.get("/desk/glossary").text, "notice")
    assert notices[0].startswith("Imported names.csv: 5 added")
    assert notices[1:] == [
        "Warning: names.csv, line 2: the english starts with '=', which a spreadsheet runs as a formula (kept as text; exports quote it)",
        "Warning: names.csv, line 3: the note starts with '=', which a spreadsheet runs as a formula (kept as text; exports quote it)",
        "Warning: names.csv, line 4: the english starts with '+', which a spreadsheet runs as a formula (kept as text; exports quote it)",
        "Warning: names.csv, line 5: the english starts with '@', which a spreadsheet runs as a formula (kept as text; exports quote it)",
        "Warning: names.csv, line 6: the english starts with '-', which a spreadsheet runs as a formula (kept as text; exports quote it)",
    ]
    exported = client.get("/desk/glossary.csv").text.splitlines()
    assert "Cartel,カルテル,'=cmd|' /C calc'!A0" in exported and "'-2+3,マイナス,minus sign" in exported
