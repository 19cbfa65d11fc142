//! PDFs made to hurt PDFium, built when a test needs them (nothing
//! checked in to keep up to date). Shared by this crate's sandbox test and
//! the end-to-end test of the reader (`tests/tests/hostile_pdf.rs`).
#![allow(dead_code)]

use std::io::Write;

/// A one-page PDF whose page content is `stream` (already encoded) with
/// the given `/Filter` value and extra stream dictionary entries.
pub fn one_page_pdf(stream: &[u8], filter: &str) -> Vec<u8> {
    let mut pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_owned(),
    ];
    for (n, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        write!(pdf, "{} 0 obj\n{body}\nendobj\n", n + 1).expect("write");
    }
    offsets.push(pdf.len());
    write!(
        pdf,
        "4 0 obj\n<< /Length {} {filter} >>\nstream\n",
        stream.len()
    )
    .expect("write");
    pdf.extend_from_slice(stream);
    pdf.extend_from_slice(b"\nendstream\nendobj\n");
    let xref = pdf.len();
    write!(pdf, "xref\n0 5\n0000000000 65535 f \n").expect("write");
    for offset in offsets {
        writeln!(pdf, "{offset:010} 00000 n ").expect("write");
    }
    write!(
        pdf,
        "trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    )
    .expect("write");
    pdf
}

/// Writes deflate bits, least significant first (RFC 1951 §3.1.1).
struct Bits {
    out: Vec<u8>,
    current: u32,
    filled: u32,
}

impl Bits {
    fn put(&mut self, value: u32, count: u32) {
        for i in 0..count {
            self.current |= ((value >> i) & 1) << self.filled;
            self.filled += 1;
            if self.filled == 8 {
                self.out.push(self.current as u8);
                self.current = 0;
                self.filled = 0;
            }
        }
    }

    /// A Huffman code goes in most significant bit first.
    fn put_code(&mut self, code: u32, length: u32) {
        for i in (0..length).rev() {
            self.put((code >> i) & 1, 1);
        }
    }
}

/// A zlib stream that inflates to `1 + 258 * matches` zero bytes: one
/// literal, then copies of 258 bytes at distance 1, in a fixed-Huffman
/// block (13 bits a copy), made without ever holding the output.
fn zlib_of_zeros(matches: u64) -> Vec<u8> {
    let mut bits = Bits {
        out: vec![0x78, 0x01],
        current: 0,
        filled: 0,
    };
    bits.put(1, 1); // the last block
    bits.put(1, 2); // fixed Huffman codes
    bits.put_code(0x30, 8); // literal 0
    for _ in 0..matches {
        bits.put_code(0xC5, 8); // length code 285: 258 bytes
        bits.put_code(0, 5); // distance code 0: distance 1
    }
    bits.put_code(0, 7); // end of block
    if bits.filled > 0 {
        bits.put(0, 8 - bits.filled);
    }
    // Adler-32 of N zero bytes: a stays 1, b = N mod 65521.
    let total = 1 + 258 * matches;
    let adler = ((total % 65_521) << 16) as u32 | 1;
    bits.out.extend_from_slice(&adler.to_be_bytes());
    bits.out
}

fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("compress");
    encoder.finish().expect("compress")
}

/// A page whose content inflates to about 1.5 GB: far over the limit the
/// test gives the process.
pub fn inflation_bomb() -> Vec<u8> {
    let inner = zlib_of_zeros(1_500_000_000 / 258);
    one_page_pdf(&zlib(&inner), "/Filter [/FlateDecode /FlateDecode]")
}

/// A page of long dashed lines: tens of millions of dashes to draw, from
/// a few hundred kilobytes.
pub fn dash_storm() -> Vec<u8> {
    let mut content = String::from("[1 1] 0 d 0.5 w\n");
    for i in 0..300_000u32 {
        let x = f64::from(i % 595);
        content.push_str(&format!("{x} 0 m {} 842 l S\n", 595.0 - x));
    }
    one_page_pdf(&zlib(content.as_bytes()), "/Filter /FlateDecode")
}
