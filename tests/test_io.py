"""Tests for pipeline.io: tables written whole or batch by batch read back the same, CSV copies included."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.io import TableWriter, close_writers, read_table, write_table

# Batches as a stage yields them: a column all missing in one batch, text or lists in another.
BATCHES = [
    pd.DataFrame({"doc_id": ["a", "b"], "date": [None, None], "chars": [10, 20], "doc_ids": [["x"], []]}),
    pd.DataFrame({"doc_id": ["c"], "date": ["2019-05-01"], "chars": [30], "doc_ids": [["y", "z"]]}),
    pd.DataFrame({"doc_id": ["d"], "date": [None], "chars": [40], "doc_ids": [[]]}),
]


@pytest.mark.parametrize("workers", [1, 2], ids=["one process", "CSV parts side by side"])
def test_a_table_written_in_batches_reads_back_as_the_whole_table(tmp_path, workers):
    whole = pd.concat(BATCHES, ignore_index=True)
    write_table(whole, tmp_path / "whole", "documents")
    writer = TableWriter(tmp_path / "batched", "documents")
    for batch in BATCHES:
        writer.write(batch)
    writer.close(workers=workers)
    assert writer.rows == 4
    pd.testing.assert_frame_equal(read_table(tmp_path / "batched", "documents"), read_table(tmp_path / "whole", "documents"))
    assert (tmp_path / "batched" / "documents.csv").read_bytes() == (tmp_path / "whole" / "documents.csv").read_bytes()
    assert sorted(p.name for p in (tmp_path / "batched").iterdir()) == ["documents.csv", "documents.parquet"]


def test_writers_closed_together_write_each_table_as_written_whole(tmp_path):
    """close_writers shares out the Parquet joins and the CSV parts of several tables between processes;
    each table must come out as when written whole, in the order of its batches, and a writer that got
    no batch writes its empty table."""
    whole = pd.concat(BATCHES, ignore_index=True)
    write_table(whole, tmp_path / "whole", "documents")
    write_table(whole[["doc_id", "chars"]].iloc[::-1], tmp_path / "whole", "places")
    out = tmp_path / "together"
    documents, places, models = TableWriter(out, "documents"), TableWriter(out, "places"), TableWriter(out, "models")
    for batch in BATCHES:
        documents.write(batch)
    for batch in reversed(BATCHES):
        places.write(batch[["doc_id", "chars"]].iloc[::-1])
    empty = pd.DataFrame({"doc_id": pd.Series(dtype=object)})
    paths = close_writers([(documents, None), (models, empty), (places, None)], workers=2)
    assert paths == [out / "documents.parquet", out / "models.parquet", out / "places.parquet"]
    for name in ("documents", "places"):
        pd.testing.assert_frame_equal(read_table(out, name), read_table(tmp_path / "whole", name))
        assert (out / f"{name}.csv").read_bytes() == (tmp_path / "whole" / f"{name}.csv").read_bytes()
    assert read_table(out, "models").empty and list(read_table(out, "models").columns) == ["doc_id"]
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.{x}" for n in ("documents", "places", "models") for x in ("csv", "parquet"))


def test_one_row_group_per_batch(tmp_path):
    import pyarrow.parquet as pq

    writer = TableWriter(tmp_path, "documents")
    for batch in BATCHES:
        writer.write(batch)
    writer.close()
    assert pq.ParquetFile(tmp_path / "documents.parquet").num_row_groups == 3


def test_batches_go_into_one_file_and_a_batch_that_widens_the_types_rewrites_those_before(tmp_path):
    """Every batch goes straight into the table's one Parquet file; whole numbers followed by fractions, or a
    column all missing followed by text, are read back in the types of the whole table, one row group per
    batch, and the CSV is that of the whole table."""
    import pyarrow.parquet as pq

    batches = [pd.DataFrame({"doc_id": ["a"], "score": [1], "note": [None]}),
               pd.DataFrame({"doc_id": ["b", "c"], "score": [2, 3], "note": [None, None]}),
               pd.DataFrame({"doc_id": ["d"], "score": [0.5], "note": ["后来"]}),
               pd.DataFrame({"doc_id": ["e"], "score": [4], "note": [None]})]
    whole = pd.concat(batches, ignore_index=True)
    write_table(whole, tmp_path / "whole", "statistics")
    writer = TableWriter(tmp_path / "batched", "statistics")
    for batch in batches:
        writer.write(batch)
        assert [p.suffix for p in writer._parts.iterdir()] == [".parquet"]
    writer.close()
    read = read_table(tmp_path / "batched", "statistics")
    assert read["score"].tolist() == [1.0, 2.0, 3.0, 0.5, 4.0] and read["note"].tolist()[3] == "后来"
    pd.testing.assert_frame_equal(read, read_table(tmp_path / "whole", "statistics"))
    assert (tmp_path / "batched" / "statistics.csv").read_bytes() == (tmp_path / "whole" / "statistics.csv").read_bytes()
    assert [pq.ParquetFile(tmp_path / "batched" / "statistics.parquet").metadata.row_group(g).num_rows
            for g in range(4)] == [1, 2, 1, 1]


def test_past_the_rewrite_limit_a_widening_batch_starts_a_file_and_close_joins_them(tmp_path, monkeypatch):
    """Rewriting every batch before a widening one could cost more than one join: past REWRITE_BYTES a new
    file starts, and close joins the files under the types of all the batches, as written whole."""
    import pipeline.io as io

    monkeypatch.setattr(io, "REWRITE_BYTES", 0)
    batches = [pd.DataFrame({"doc_id": ["a"], "score": [1], "note": [None]}),
               pd.DataFrame({"doc_id": ["b"], "score": [0.5], "note": [None]}),
               pd.DataFrame({"doc_id": ["c"], "score": [2.0], "note": ["后来"]})]
    write_table(pd.concat(batches, ignore_index=True), tmp_path / "whole", "statistics")
    writer = TableWriter(tmp_path / "batched", "statistics")
    for batch in batches:
        writer.write(batch)
    assert len(list(writer._parts.glob("*.parquet"))) == 3  # each widening started a file
    writer.close()
    pd.testing.assert_frame_equal(read_table(tmp_path / "batched", "statistics"), read_table(tmp_path / "whole", "statistics"))
    assert (tmp_path / "batched" / "statistics.csv").read_bytes() == (tmp_path / "whole" / "statistics.csv").read_bytes()


def test_a_long_table_is_written_a_chunk_at_a_time_with_the_same_files(tmp_path, monkeypatch):
    """Past WRITE_CHUNK rows, write_table converts and writes a chunk at a time; the files must read (and,
    for the CSV, be byte for byte) as when the table is written whole: one BOM, one header, the types of
    the whole table even where a chunk's column is all missing."""
    import pyarrow.parquet as pq

    import pipeline.io as io

    whole = pd.concat(BATCHES * 3, ignore_index=True).assign(text=["=SUM(A1)", "甲", None, "乙", "丙", None, "-1", "丁", "戊", "己",
                                                                   None, "庚"], score=[0.5, None, 1.25] * 4)
    write_table(whole, tmp_path / "whole", "t")
    monkeypatch.setattr(io, "WRITE_CHUNK", 2)  # the first chunk's date is all missing
    write_table(whole, tmp_path / "chunked", "t")
    assert pq.ParquetFile(tmp_path / "chunked" / "t.parquet").num_row_groups == 6
    pd.testing.assert_frame_equal(read_table(tmp_path / "chunked", "t"), read_table(tmp_path / "whole", "t"))
    csv = (tmp_path / "chunked" / "t.csv").read_bytes()
    assert csv == (tmp_path / "whole" / "t.csv").read_bytes()
    assert csv.count("\ufeff".encode()) == 1 and csv.count(b"doc_id,date") == 1 and b"'=SUM(A1)" in csv


def test_columns_added_chunk_by_chunk_as_the_table_is_written(tmp_path, monkeypatch):
    """write_table(extend=…) writes what extend makes of each chunk: the same files as the extended table
    written whole, and extend never sees more than a chunk."""
    import pipeline.io as io

    whole = pd.concat(BATCHES * 3, ignore_index=True)
    seen = []

    def extend(rows: pd.DataFrame) -> pd.DataFrame:
        seen.append(len(rows))
        return rows.assign(label=[f"{d}:{c}" for d, c in zip(rows["doc_id"], rows["chars"])])[["label", *rows.columns]]

    write_table(extend(whole), tmp_path / "whole", "t")
    monkeypatch.setattr(io, "WRITE_CHUNK", 5)
    seen.clear()
    write_table(whole, tmp_path / "extended", "t", extend=extend)
    assert max(seen) == 5 and sum(seen) == len(whole)
    pd.testing.assert_frame_equal(read_table(tmp_path / "extended", "t"), read_table(tmp_path / "whole", "t"))
    assert (tmp_path / "extended" / "t.csv").read_bytes() == (tmp_path / "whole" / "t.csv").read_bytes()
    write_table(whole.iloc[:0], tmp_path / "none", "t", extend=extend)
    assert list(read_table(tmp_path / "none", "t").columns) == ["label", *whole.columns]


def test_no_batch_writes_the_empty_table(tmp_path):
    empty = pd.DataFrame({"doc_id": pd.Series(dtype=object)})
    TableWriter(tmp_path, "places").close(empty)
    assert list(read_table(tmp_path, "places").columns) == ["doc_id"] and read_table(tmp_path, "places").empty


def test_an_aborted_table_leaves_the_previous_one(tmp_path):
    write_table(BATCHES[0], tmp_path, "documents")
    writer = TableWriter(tmp_path, "documents")
    writer.write(BATCHES[1])
    writer.abort()
    assert read_table(tmp_path, "documents")["doc_id"].tolist() == ["a", "b"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["documents.csv", "documents.parquet"]


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"x\")", "+1", "@SUM(A1)"])
def test_csv_cells_that_look_like_formulas_are_quoted_in_every_batch(tmp_path, cell):
    writer = TableWriter(tmp_path, "documents")
    writer.write(pd.DataFrame({"title": ["ok"]}))
    writer.write(pd.DataFrame({"title": [cell]}))
    writer.close()
    assert pd.read_csv(tmp_path / "documents.csv", encoding="utf-8-sig")["title"].tolist() == ["ok", f"'{cell}"]


def test_a_table_is_read_with_the_columns_asked_for_that_it_has(tmp_path):
    from pipeline.io import MissingTableError

    table = pd.DataFrame({"doc_id": ["d1", "d2"], "text": ["很长的正文", "另一篇"], "start": [0, 3]})
    write_table(table, tmp_path, "measures")
    read = read_table(tmp_path, "measures", ["doc_id", "start", "heading"])  # heading: written by a later version
    assert list(read.columns) == ["doc_id", "start"] and read["start"].tolist() == [0, 3]
    pd.testing.assert_frame_equal(read_table(tmp_path, "measures"), table)
    with pytest.raises(MissingTableError, match="not found"):
        read_table(tmp_path, "places", ["doc_id"])
    (tmp_path / "slogans.parquet").write_bytes(b"not parquet")
    with pytest.raises(MissingTableError, match="damaged"):
        read_table(tmp_path, "slogans", ["doc_id"])


def test_text_columns_asked_for_as_objects_hold_python_strings_and_the_same_values(tmp_path):
    table = pd.DataFrame({"doc_id": ["d1", "d2", "d3"], "text": ["经验材料正文", None, "另一篇"], "chars": [6, 0, 3]})
    write_table(table, tmp_path, "documents")
    read = read_table(tmp_path, "documents", ["text", "doc_id", "title"], as_objects=("text",))
    assert list(read.columns) == ["text", "doc_id"]  # in the order asked for, without the column it lacks
    assert read["text"].dtype == object and [type(t) for t in read["text"]] == [str, type(None), str]
    assert read["text"].tolist() == ["经验材料正文", None, "另一篇"] and read["doc_id"].tolist() == ["d1", "d2", "d3"]
    whole = read_table(tmp_path, "documents", as_objects=("text",))
    assert list(whole.columns) == ["doc_id", "text", "chars"] and whole["chars"].tolist() == [6, 0, 3]
    kept = whole[whole["chars"] > 0]  # taking rows of it keeps the same string objects
    assert kept["text"].iloc[1] is whole["text"].iloc[2]


def test_stored_texts_are_read_a_batch_at_a_time_for_the_documents_asked_for(tmp_path, monkeypatch):
    from pipeline.io import MissingTableError, StoredTexts

    table = pd.DataFrame({"doc_id": ["d3", "d1", "d4", "d2", "d5"], "text": ["第三篇", "第一篇", None, "第二篇", "第五篇"],
                          "chars": [3, 3, 0, 3, 3]})
    write_table(table, tmp_path, "documents")
    monkeypatch.setattr(StoredTexts, "BATCH", 2)
    texts = StoredTexts(tmp_path)
    batches = list(texts.batches({"d1", "d2", "d5"}))
    assert [b["doc_id"].tolist() for b in batches] == [["d1"], ["d2"], ["d5"]]  # in stored order, batch by batch
    assert all(b["text"].dtype == object and list(b.columns) == ["doc_id", "text"] for b in batches)
    assert texts({"d2", "d3", "d9"}) == {"d3": "第三篇", "d2": "第二篇"}
    held = pd.DataFrame({"doc_id": ["d1", "d4", "d9"], "county": ["夏县", "巧家县", None]}, index=[5, 6, 7])
    joined = texts.joined(held)
    assert joined["text"].tolist() == ["第一篇", None, None] and joined["county"].tolist() == held["county"].tolist()
    assert list(joined.index) == [5, 6, 7] and joined["text"].dtype == object
    with pytest.raises(MissingTableError, match="not found"):
        StoredTexts(tmp_path / "elsewhere")


def test_arrow_allocates_with_the_c_library_once_the_cli_starts(tmp_path, monkeypatch):
    import pyarrow as pa

    from pipeline.cli import main

    monkeypatch.setattr(pa, "set_memory_pool", lambda pool: chosen.append(pool.backend_name))
    chosen = []
    assert main(["fingerprint", "--out", str(tmp_path / "none")]) != 0  # a user's mistake: an error, after the choice
    assert chosen == ["system"]


def test_memory_that_arrow_tables_freed_is_released_and_what_is_held_is_reported():
    import pyarrow as pa

    from pipeline.io import release_memory

    texts = pa.array(["经验材料" * 250] * 10_000)  # 30 MB of UTF-8
    held = release_memory()
    assert held >= 30_000_000
    del texts
    assert held - release_memory() >= 30_000_000


def test_stored_tables_are_read_when_asked_for_and_not_kept(tmp_path, monkeypatch):
    import pipeline.io as io
    from pipeline.io import MissingTableError, StoredTables

    whole = pd.concat(BATCHES, ignore_index=True)
    write_table(whole, tmp_path, "documents")
    write_table(whole[["doc_id", "chars"]], tmp_path, "measures")
    held = whole.head(1)
    reads = []
    real = io.read_table
    monkeypatch.setattr(io, "read_table", lambda *a, **k: reads.append(a[1]) or real(*a, **k))
    tables = StoredTables(tmp_path, ["documents", "measures"], {"measures": ["doc_id", "absent"]}, held={"documents": held})
    assert "measures" in tables and "documents" in tables and "statistics" not in tables and reads == []
    assert sorted(tables) == ["documents", "measures"] and len(tables) == 2
    assert tables["documents"] is held
    first, second = tables["measures"], tables["measures"]
    assert first is not second and reads == ["measures", "measures"]  # read again, never kept
    assert list(first.columns) == ["doc_id"]  # the columns asked for that the table has
    with pytest.raises(KeyError):
        tables["statistics"]
    with pytest.raises(MissingTableError, match="slogans"):
        StoredTables(tmp_path, ["measures", "slogans"])  # said when the mapping is made, not midway


def test_spreadsheet_cells_that_start_like_a_formula_are_quoted_and_lists_are_json():
    from pipeline.io import spreadsheet_rows

    frame = pd.DataFrame({"text": pd.Series(["=SUM(A1)", "+86 电话", "-3%", "@某人", "党建引领", None, "a=b"], dtype="str"),
                          "parts": [["支部", "合作社"], [], None, "=x", 1, "纯文本", ("农户",)],
                          "n": range(7)})
    flat = spreadsheet_rows(frame)
    assert flat["text"].tolist()[:5] == ["'=SUM(A1)", "'+86 电话", "'-3%", "'@某人", "党建引领"]
    assert pd.isna(flat["text"].iloc[5]) and flat["text"].iloc[6] == "a=b"
    assert flat["parts"].tolist()[:2] == ['["支部", "合作社"]', "[]"] and flat["parts"].iloc[3] == "'=x"
    assert flat["parts"].iloc[6] == '["农户"]' and flat["n"].tolist() == list(range(7))
    assert frame["text"].iloc[0] == "=SUM(A1)"  # the table itself is left as it was


# Cells a spreadsheet copy must survive: quotes, commas and line ends (quoted), a carriage return and a
# backslash (which Python's csv module leaves unquoted), formula starts, missing values, Chinese text.
_CELL_TEXT = st.text(alphabet=st.sampled_from(list('ab党建,，"\n\r\t =+-@\'1.\\')), max_size=8)
_OBJECT_CELLS = st.one_of(st.none(), _CELL_TEXT, st.integers(-5, 5), st.booleans(), st.just(float("nan")),
                          st.floats(allow_nan=False, width=32), st.lists(_CELL_TEXT, max_size=3),
                          st.dictionaries(st.sampled_from(["k", "键"]), st.integers(0, 3), max_size=2))


@st.composite
def _spreadsheet_frames(draw):
    n = draw(st.integers(0, 6))
    column = lambda cells: draw(st.lists(cells, min_size=n, max_size=n))  # noqa: E731
    return pd.DataFrame({
        "text": pd.Series(column(st.one_of(st.none(), _CELL_TEXT)), dtype="str"),
        "objects": pd.Series(column(_OBJECT_CELLS), dtype=object),
        "value": pd.Series(column(st.one_of(st.just(float("nan")), st.floats(allow_nan=False))), dtype="float64"),
        "count": pd.Series(column(st.integers(-10**12, 10**12)), dtype="int64"),
        "flag": pd.Series(column(st.booleans()), dtype="bool"),
        "名称,\"x\"": pd.Series(column(st.sampled_from(["=1", "a"])), dtype="str"),
    })


@settings(max_examples=300, deadline=None)
@given(frame=_spreadsheet_frames(), first=st.booleans())
def test_csv_copies_are_the_bytes_pandas_writes(tmp_path_factory, frame, first):
    from pipeline.io import spreadsheet_rows, write_csv

    folder = tmp_path_factory.mktemp("csv")
    ours, theirs = folder / "ours.csv", folder / "theirs.csv"
    for path in (ours, theirs):
        path.write_bytes(b"earlier rows\n")
    write_csv(frame, ours, first=first)
    spreadsheet_rows(frame).to_csv(theirs, index=False, header=first, mode="w" if first else "a",
                                   encoding="utf-8-sig" if first else "utf-8")
    assert ours.read_bytes() == theirs.read_bytes()


def test_csv_cells_are_quoted_only_where_a_spreadsheet_needs_it(tmp_path):
    from pipeline.io import write_csv

    frame = pd.DataFrame({"text": pd.Series(['说"好"', "甲,乙", "一\n二", "三\r四", "=1", None], dtype="str"),
                          "value": [1.0, 0.5, float("nan"), 1e-05, 2.0, 3.0], "n": [1, 2, 3, 4, 5, 6]})
    write_csv(frame, tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_bytes().decode("utf-8") == (
        '\ufefftext,value,n\n"说""好""",1.0,1\n"甲,乙",0.5,2\n"一\n二",,3\n三\r四,1e-05,4\n\'=1,2.0,5\n,3.0,6\n')


def test_negative_zero_keeps_its_sign_in_the_csv_copy(tmp_path):
    from pipeline.io import write_csv

    write_csv(pd.DataFrame({"value": [0.0, -0.0, 0.0], "n": [1, 2, 3]}), tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_bytes().decode("utf-8") == "\ufeffvalue,n\n0.0,1\n-0.0,2\n0.0,3\n"
