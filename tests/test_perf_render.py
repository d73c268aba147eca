"""A roll-up worker renders a unit's detail rows once per distinct text (issue 18): the rows are the
rows each cell rendered on its own gives."""

from perfeval_xl.rollup.xlsx import MAX_ROW_HEIGHT, ROW, RowForm, cell_from_heads, lines_needed, row_xml

FORMS = [('<c r="A\x00" s="1"', '<c r="A\x00" s="2"', True, None),
         ('<c r="B\x00" s="3"', '<c r="B\x00" s="4"', False, '<c r="B\x00" s="5"'),
         ('<c r="C\x00" s="6"', '<c r="C\x00" s="7"', True, None)]
WRAPPED = [(2, 10.0)]


def one_by_one(values):
    """A row as the form rendered it before: every cell on its own, the height from the wrapped column."""
    lines = max([1] + [lines_needed(values[i], width) for i, width in WRAPPED
                       if isinstance(values[i], str) and values[i]])
    height = min(13.5 * lines + 3, MAX_ROW_HEIGHT) if lines > 1 else None
    return row_xml(ROW, [cell_from_heads(plain, quoted, v, is_text, centred)
                        for (plain, quoted, is_text, centred), v in zip(FORMS, values)], height)


def test_a_block_is_its_rows_rendered_one_by_one():
    long = "项目支出绩效自评表「社区公共服务运行经费」 指标「居民满意度」 实际完成值"
    rows = [["洋湖街道", 0.0, long], ["洋湖街道", -0.0, "短"], ["=1+1", 10, long], ["洋湖街道", "—", ""],
            [None, None, None], ["洋湖街道", True, "a\nb\nc"], ["=1+1", 2.5, "短"], ["", "9.5", long * 12]]
    form = RowForm(FORMS, WRAPPED)
    assert form.block(rows).decode("utf-8") == "".join(one_by_one(r) for r in rows)
    assert [form.render(r) for r in rows] == [one_by_one(r) for r in rows]
    # what differs by type stays apart: 0.0 and -0.0, a figure and its text
    cells = form.block(rows).decode("utf-8")
    assert "<v>0.0</v>" in cells and "<v>-0.0</v>" in cells and "<v>10</v>" in cells
    assert 'ht="%s"' % MAX_ROW_HEIGHT in cells  # the twelvefold text sets the height, capped


def test_a_form_pickles_with_its_columns():
    import pickle

    form = pickle.loads(pickle.dumps(RowForm(FORMS, WRAPPED)))
    assert form.block([["甲", 1.5, "乙"]]) == RowForm(FORMS, WRAPPED).block([["甲", 1.5, "乙"]])
