//! The ledger file's bytes as text. Offices keep asset ledgers in Excel: on a Chinese Windows
//! "CSV" is saved in GB18030/GBK, "CSV UTF-8" with a byte-order mark, "Unicode text" as
//! UTF-16 with a BOM and tabs between columns. Each is recognised; anything else is refused
//! with the reason, never imported as mojibake.

/// The encoding a ledger was read in (reported to the person importing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceEncoding {
    Utf8,
    Utf8Bom,
    Utf16Bom,
    Gb18030,
}

impl SourceEncoding {
    pub fn label(self) -> &'static str {
        match self {
            SourceEncoding::Utf8 => "UTF-8",
            SourceEncoding::Utf8Bom => "UTF-8 (with BOM)",
            SourceEncoding::Utf16Bom => "UTF-16 (with BOM)",
            SourceEncoding::Gb18030 => "GB18030/GBK",
        }
    }
}

/// Decode `bytes`: a BOM decides; otherwise UTF-8 if it is valid UTF-8, else GB18030 (a
/// superset of GBK and GB2312) if it is valid GB18030.
pub fn decode(bytes: &[u8]) -> Result<(String, SourceEncoding), String> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let body = &bytes[bom..];
        let text = enc
            .decode_without_bom_handling_and_without_replacement(body)
            .ok_or_else(|| {
                format!(
                    "the file starts with a {} byte-order mark but is not valid {}",
                    enc.name(),
                    enc.name()
                )
            })?;
        let which = if enc == encoding_rs::UTF_8 {
            SourceEncoding::Utf8Bom
        } else {
            SourceEncoding::Utf16Bom
        };
        return Ok((text.into_owned(), which));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_owned(), SourceEncoding::Utf8));
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|t| (t.into_owned(), SourceEncoding::Gb18030))
        .ok_or_else(|| {
            "the file is neither UTF-8 nor GB18030/GBK text: save it from Excel as \
             \"CSV UTF-8\" or \"CSV\""
                .to_owned()
        })
}

/// The column separator: what the header line uses most of comma, tab and semicolon
/// (Excel's "Unicode text" uses tabs; some locales' CSV semicolons).
pub fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    [b',', b'\t', b';']
        .into_iter()
        .max_by_key(|d| (header.bytes().filter(|b| b == d).count(), *d == b','))
        .unwrap_or(b',')
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEDGER: &str = "资产编号,设备类型,品牌\nZC-001,台式机,联想\n";

    #[test]
    fn utf8_with_and_without_bom() {
        let (t, e) = decode(LEDGER.as_bytes()).unwrap();
        assert_eq!((t.as_str(), e), (LEDGER, SourceEncoding::Utf8));
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), LEDGER.as_bytes()].concat();
        let (t, e) = decode(&with_bom).unwrap();
        assert_eq!((t.as_str(), e), (LEDGER, SourceEncoding::Utf8Bom));
    }

    #[test]
    fn gbk_as_excel_saves_it_on_a_chinese_windows() {
        let (gbk, _, unmappable) = encoding_rs::GBK.encode(LEDGER);
        assert!(!unmappable);
        assert!(
            std::str::from_utf8(&gbk).is_err(),
            "GBK bytes are not UTF-8"
        );
        let (t, e) = decode(&gbk).unwrap();
        assert_eq!((t.as_str(), e), (LEDGER, SourceEncoding::Gb18030));
    }

    #[test]
    fn utf16_unicode_text_with_tabs() {
        let text = LEDGER.replace(',', "\t");
        let mut bytes = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let (t, e) = decode(&bytes).unwrap();
        assert_eq!((t.as_str(), e), (text.as_str(), SourceEncoding::Utf16Bom));
        assert_eq!(delimiter(&t), b'\t');
        assert_eq!(delimiter(LEDGER), b',');
    }

    #[test]
    fn binary_junk_is_refused_with_a_reason() {
        let err = decode(&[0x81, 0x20, 0xFF, 0xFF, 0x00, 0x80]).unwrap_err();
        assert!(err.contains("GB18030"), "{err}");
    }
}
