//! CSV for people who open it in Excel: a UTF-8 byte-order mark (without it Excel on a
//! Chinese Windows reads UTF-8 as GBK and shows mojibake) and formula cells defused (a cell
//! starting with `=`, `+`, `-`, `@`, tab or CR would run as a formula: "CSV injection").

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A cell as Excel will show it: text that would start a formula gets a leading `'`, which
/// Excel hides and which keeps the cell text. Numbers like `-3` stay numbers.
pub fn defuse(cell: &str) -> std::borrow::Cow<'_, str> {
    let starts_formula = cell
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'));
    if starts_formula && cell.parse::<f64>().is_err() {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// Rows of cells (the first is the header) as Excel-safe CSV.
pub fn rows_to_csv<R, C>(rows: impl IntoIterator<Item = R>) -> Result<Vec<u8>, csv::Error>
where
    R: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let mut out = csv::Writer::from_writer(BOM.to_vec());
    for row in rows {
        let cells: Vec<String> = row
            .into_iter()
            .map(|c| defuse(c.as_ref()).into_owned())
            .collect();
        out.write_record(&cells)?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

/// Serialize `rows` (with a header row from their field names) as Excel-safe CSV.
pub fn to_csv<T: serde::Serialize>(rows: &[T]) -> Result<Vec<u8>, csv::Error> {
    let mut plain = csv::Writer::from_writer(Vec::new());
    for r in rows {
        plain.serialize(r)?;
    }
    let plain = plain.into_inner().map_err(|e| e.into_error())?;
    let mut out = csv::Writer::from_writer(BOM.to_vec());
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(plain.as_slice());
    for record in reader.records() {
        let record = record?;
        out.write_record(record.iter().map(defuse).map(|c| c.into_owned()))?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Row {
        asset_tag: &'static str,
        notes: &'static str,
        delta: i64,
    }

    #[test]
    fn excel_reads_it_as_utf8_and_runs_no_formula() {
        let rows = [
            Row {
                asset_tag: "ZC-001",
                notes: "=HYPERLINK(\"http://evil\",\"点我\")",
                delta: -3,
            },
            Row {
                asset_tag: "@SUM(A1)",
                notes: "3楼财务部打印机卡纸",
                delta: 4,
            },
        ];
        let bytes = to_csv(&rows).unwrap();
        assert!(bytes.starts_with(BOM));
        let text = std::str::from_utf8(&bytes[BOM.len()..]).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "asset_tag,notes,delta");
        assert_eq!(
            lines[1],
            "ZC-001,\"'=HYPERLINK(\"\"http://evil\"\",\"\"点我\"\")\",-3"
        );
        assert_eq!(lines[2], "'@SUM(A1),3楼财务部打印机卡纸,4");
    }

    #[test]
    fn only_formula_starts_are_touched() {
        for (cell, shown) in [
            ("+86 138 0000 0000", "'+86 138 0000 0000"),
            ("-", "'-"),
            ("-12.5", "-12.5"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(defuse(cell), shown);
        }
    }
}
