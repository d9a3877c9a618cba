//! Decoding: raw bytes to `&str`, with the checks that make a clear error of what is not text
//! (empty, blank, binary, invalid UTF-8, UTF-16 with or without a byte-order mark).

use crate::error::InputError;
use std::borrow::Cow;

/// Checks that `bytes` is usable text and returns it as `&str`.
///
/// Empty input, a NUL byte (binary files) and invalid UTF-8 are errors that name the offset.
/// Whitespace-only text is [`InputError::Blank`].
pub fn decode(bytes: &[u8]) -> Result<&str, InputError> {
    if bytes.is_empty() {
        return Err(InputError::Empty);
    }
    if let Some(offset) = memchr_nul(bytes) {
        return Err(if looks_like_utf16(bytes) {
            InputError::Utf16 { offset }
        } else {
            InputError::Binary { offset }
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| InputError::InvalidUtf8 {
        offset: e.valid_up_to(),
    })?;
    check_not_blank(text)?;
    Ok(text)
}

/// Errors on text with no letter or digit at all.
pub fn check_not_blank(text: &str) -> Result<(), InputError> {
    if text.is_empty() {
        Err(InputError::Empty)
    } else if !text.chars().any(char::is_alphanumeric) {
        Err(InputError::Blank)
    } else {
        Ok(())
    }
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(0, bytes)
}

/// The byte-order marks of UTF-16, little- and big-endian.
const UTF16_BOMS: [([u8; 2], bool); 2] = [([0xff, 0xfe], false), ([0xfe, 0xff], true)];

/// Like [`decode`], but also reads UTF-16 that starts with a byte-order mark (what Windows
/// tools save as "Unicode"), and drops a UTF-8 byte-order mark.
pub fn decode_any(bytes: &[u8]) -> Result<Cow<'_, str>, InputError> {
    if let Some(big_endian) = utf16_bom(bytes) {
        let text = decode_utf16(&bytes[2..], big_endian)
            .map_err(|at| InputError::InvalidUtf16 { offset: at + 2 })?;
        decode(text.as_bytes())?;
        return Ok(Cow::Owned(text));
    }
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    decode(bytes).map(Cow::Borrowed)
}

/// `Some(big_endian)` when `bytes` starts with a UTF-16 byte-order mark.
pub fn utf16_bom(bytes: &[u8]) -> Option<bool> {
    UTF16_BOMS
        .iter()
        .find(|(bom, _)| bytes.starts_with(bom))
        .map(|&(_, big_endian)| big_endian)
}

/// Decodes UTF-16 code units (no byte-order mark); the error is the byte offset of the first
/// unpaired surrogate or of an odd last byte.
pub fn decode_utf16(bytes: &[u8], big_endian: bool) -> Result<String, usize> {
    let units = bytes.chunks_exact(2).map(|p| {
        if big_endian {
            u16::from_be_bytes([p[0], p[1]])
        } else {
            u16::from_le_bytes([p[0], p[1]])
        }
    });
    let mut out = String::with_capacity(bytes.len());
    let mut at = 0;
    for c in char::decode_utf16(units) {
        let c = c.map_err(|_| at)?;
        at += 2 * c.len_utf16();
        out.push(c);
    }
    if bytes.len() % 2 == 1 {
        return Err(bytes.len() - 1);
    }
    Ok(out)
}

/// True when the start of `bytes` reads as mostly Latin text in UTF-16 without a byte-order
/// mark: in three code units out of four, one byte is NUL and the other is not.
pub fn looks_like_utf16(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(64) & !1];
    let pairs = head.len() / 2;
    pairs >= 2
        && [0, 1].iter().any(|&zero| {
            let latin = head
                .chunks_exact(2)
                .filter(|p| p[zero] == 0 && p[1 - zero] != 0)
                .count();
            4 * latin >= 3 * pairs
        })
}

/// `text` in UTF-16 after its byte-order mark, for tests of the decoders.
#[cfg(test)]
pub(crate) fn utf16_with_bom(text: &str, big_endian: bool) -> Vec<u8> {
    let mark: [u8; 2] = if big_endian {
        [0xfe, 0xff]
    } else {
        [0xff, 0xfe]
    };
    let units = text.encode_utf16().flat_map(|u| {
        if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        }
    });
    mark.into_iter().chain(units).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_rejects_empty_blank_binary_and_bad_utf8() {
        assert_eq!(decode(b""), Err(InputError::Empty));
        assert_eq!(decode(b" \n\t"), Err(InputError::Blank));
        assert_eq!(decode(b"ab\0c"), Err(InputError::Binary { offset: 2 }));
        assert_eq!(
            decode(b"ok \xff"),
            Err(InputError::InvalidUtf8 { offset: 3 })
        );
        assert_eq!(decode("Lead ops".as_bytes()), Ok("Lead ops"));
    }

    #[test]
    fn utf16_with_a_byte_order_mark_is_read_and_without_one_is_named() {
        let text = "Lead the région";
        for big_endian in [false, true] {
            let mut bytes = utf16_with_bom(text, big_endian);
            assert_eq!(decode_any(&bytes).unwrap(), text);
            assert!(matches!(decode(&bytes[2..]), Err(InputError::Utf16 { .. })));
            bytes.push(b'x');
            assert_eq!(
                decode_any(&bytes),
                Err(InputError::InvalidUtf16 {
                    offset: bytes.len() - 1
                })
            );
        }
        // A lone high surrogate.
        assert_eq!(
            decode_any(&[0xff, 0xfe, b'a', 0, 0x00, 0xd8, b'b', 0]),
            Err(InputError::InvalidUtf16 { offset: 4 })
        );
        assert_eq!(decode_any("\u{feff}Lead".as_bytes()).unwrap(), "Lead");
        assert_eq!(
            decode(b"\x7fELF\x02\x01\x01\0\0"),
            Err(InputError::Binary { offset: 7 })
        );
    }
}
