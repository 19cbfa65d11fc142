//! A valid PDF of "scanned" pages: each page one uncompressed RGB image of
//! pseudo-random pixels, so the file is as large as its pages and nothing
//! compresses. Stands in for the signed originals cabinet packs carry.

/// `pages` pages of `width` × `height` pixels each (about w·h·3 bytes a page).
pub fn scanned_pdf(pages: usize, width: u32, height: u32, seed: u32) -> Vec<u8> {
    let mut out: Vec<u8> = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    // Objects: 1 catalog, 2 page tree, then per page: page, content, image.
    let object_count = 2 + pages * 3;
    let mut offsets = vec![0usize; object_count + 1];
    let page_id = |n: usize| 3 + n * 3;
    let mut begin = |out: &mut Vec<u8>, id: usize| {
        offsets[id] = out.len();
        out.extend_from_slice(format!("{id} 0 obj\n").as_bytes());
    };
    begin(&mut out, 1);
    out.extend_from_slice(b"<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    begin(&mut out, 2);
    let kids: Vec<String> = (0..pages).map(|n| format!("{} 0 R", page_id(n))).collect();
    out.extend_from_slice(
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>\nendobj\n",
            kids.join(" ")
        )
        .as_bytes(),
    );
    let mut state = seed.wrapping_mul(2_654_435_761) | 1;
    for n in 0..pages {
        let (page, content, image) = (page_id(n), page_id(n) + 1, page_id(n) + 2);
        begin(&mut out, page);
        out.extend_from_slice(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
                 /Resources << /XObject << /Scan {image} 0 R >> >> /Contents {content} 0 R >>\nendobj\n"
            )
            .as_bytes(),
        );
        let draw = b"q 595 0 0 842 0 0 cm /Scan Do Q\n";
        begin(&mut out, content);
        out.extend_from_slice(format!("<< /Length {} >>\nstream\n", draw.len()).as_bytes());
        out.extend_from_slice(draw);
        out.extend_from_slice(b"endstream\nendobj\n");
        let length = width as usize * height as usize * 3;
        begin(&mut out, image);
        out.extend_from_slice(
            format!(
                "<< /Type /XObject /Subtype /Image /Width {width} /Height {height} \
                 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Length {length} >>\nstream\n"
            )
            .as_bytes(),
        );
        out.reserve(length);
        for _ in 0..length {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            out.push((state >> 24) as u8);
        }
        out.extend_from_slice(b"\nendstream\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", object_count + 1).as_bytes(),
    );
    for offset in &offsets[1..] {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            object_count + 1
        )
        .as_bytes(),
    );
    out
}
