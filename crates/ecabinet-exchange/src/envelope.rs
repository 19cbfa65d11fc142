//! The XML envelope: written by hand (a fixed shape, every text escaped),
//! read with roxmltree (no DTD, so no entity tricks; a node cap) into the
//! same structure, refusing anything the schema would refuse.

use chrono::NaiveDate;
use ecabinet_domain::ExchangeRecord;
use roxmltree::{Document, Node, ParsingOptions};

use crate::ExchangeError;

/// The envelope's XML namespace (version 1 of our edXML profile).
pub const NAMESPACE: &str = "urn:ecabinet:edxml:1";
/// Envelopes are small; a bigger one is not an envelope.
pub const MAX_ENVELOPE_BYTES: usize = 1 << 20;
const MAX_NODES: u32 = 10_000;
/// Files listed in one envelope.
pub const MAX_ATTACHMENTS: usize = 32;

/// What a file is in the package.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttachmentRole {
    /// The signed document itself (exactly one).
    Main,
    Annex,
}

impl AttachmentRole {
    fn as_str(self) -> &'static str {
        match self {
            AttachmentRole::Main => "main",
            AttachmentRole::Annex => "annex",
        }
    }
}

/// One file as the envelope lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    pub role: AttachmentRole,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    /// Lowercase hex.
    pub sha256: String,
}

/// The envelope: the document's description and its files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    /// `annex` is not part of the envelope (always false here).
    pub record: ExchangeRecord,
    pub attachments: Vec<Attachment>,
}

/// The limits the schema sets, field by field (characters).
const FIELDS: [(&str, usize); 9] = [
    ("OrganId", 64),
    ("OrganName", 512),
    ("CodeNumber", 32),
    ("CodeNotation", 64),
    ("Place", 128),
    ("DocumentType", 128),
    ("Subject", 4000),
    ("FullName", 256),
    ("Position", 256),
];

fn limit(field: &'static str) -> usize {
    FIELDS
        .iter()
        .find(|(name, _)| *name == field)
        .map_or(256, |(_, max)| *max)
}

/// A text field as the schema allows it: not blank, not too long, no
/// control characters; surrounding spaces dropped.
fn text_field(field: &'static str, value: &str) -> Result<String, ExchangeError> {
    let value = value.trim();
    let max = limit(field);
    if value.is_empty() {
        return Err(ExchangeError::Field {
            field,
            reason: "is empty".into(),
        });
    }
    if value.chars().count() > max {
        return Err(ExchangeError::Field {
            field,
            reason: format!("is longer than {max} characters"),
        });
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(ExchangeError::Field {
            field,
            reason: "contains control characters".into(),
        });
    }
    Ok(value.to_owned())
}

/// The organisation code: letters, digits, dots and hyphens
/// (`000.00.00.G01`), as the national directory writes them.
fn organisation_code(value: &str) -> Result<String, ExchangeError> {
    let value = text_field("OrganId", value)?;
    if !value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    {
        return Err(ExchangeError::Field {
            field: "OrganId",
            reason: format!(
                "{value:?} has characters other than letters, digits, dots and hyphens"
            ),
        });
    }
    Ok(value)
}

/// A file name inside the package: one plain name, no folders.
pub(crate) fn file_name(value: &str) -> Result<String, ExchangeError> {
    let name = text_field("FileName", value)?;
    let bad = name.contains(['/', '\\', ':'])
        || name.starts_with('.')
        || name.chars().count() > 200
        || name == crate::ENVELOPE_FILE;
    if bad {
        return Err(ExchangeError::Field {
            field: "FileName",
            reason: format!("{name:?} is not a plain file name"),
        });
    }
    Ok(name)
}

impl Envelope {
    /// Checks and normalises every field, as both writing and reading do.
    pub fn checked(record: &ExchangeRecord) -> Result<ExchangeRecord, ExchangeError> {
        Ok(ExchangeRecord {
            organisation_code: organisation_code(&record.organisation_code)?,
            organisation_name: text_field("OrganName", &record.organisation_name)?,
            number: text_field("CodeNumber", &record.number)?,
            symbol: text_field("CodeNotation", &record.symbol)?,
            issued_on: record.issued_on,
            place: record
                .place
                .as_deref()
                .filter(|p| !p.trim().is_empty())
                .map(|p| text_field("Place", p))
                .transpose()?,
            document_type: text_field("DocumentType", &record.document_type)?,
            subject: text_field("Subject", &record.subject)?,
            signer_name: text_field("FullName", &record.signer_name)?,
            signer_position: text_field("Position", &record.signer_position)?,
            annex: false,
        })
    }

    /// The envelope as UTF-8 XML.
    pub fn to_xml(&self) -> String {
        let r = &self.record;
        let mut xml = String::with_capacity(2048);
        xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.push_str(&format!("<edXML xmlns=\"{NAMESPACE}\" version=\"1\">\n"));
        xml.push_str("  <MessageHeader>\n    <From>\n");
        element(&mut xml, 6, "OrganId", &r.organisation_code);
        element(&mut xml, 6, "OrganName", &r.organisation_name);
        xml.push_str("    </From>\n    <Code>\n");
        element(&mut xml, 6, "CodeNumber", &r.number);
        element(&mut xml, 6, "CodeNotation", &r.symbol);
        xml.push_str("    </Code>\n    <PromulgationInfo>\n");
        if let Some(place) = &r.place {
            element(&mut xml, 6, "Place", place);
        }
        element(
            &mut xml,
            6,
            "PromulgationDate",
            &r.issued_on.format("%Y-%m-%d").to_string(),
        );
        xml.push_str("    </PromulgationInfo>\n");
        element(&mut xml, 4, "DocumentType", &r.document_type);
        element(&mut xml, 4, "Subject", &r.subject);
        xml.push_str("    <SignerInfo>\n");
        element(&mut xml, 6, "Position", &r.signer_position);
        element(&mut xml, 6, "FullName", &r.signer_name);
        xml.push_str("    </SignerInfo>\n  </MessageHeader>\n  <Attachments>\n");
        for a in &self.attachments {
            xml.push_str(&format!("    <Attachment role=\"{}\">\n", a.role.as_str()));
            element(&mut xml, 6, "FileName", &a.file_name);
            element(&mut xml, 6, "ContentType", &a.content_type);
            element(&mut xml, 6, "Size", &a.size.to_string());
            element(&mut xml, 6, "Sha256", &a.sha256);
            xml.push_str("    </Attachment>\n");
        }
        xml.push_str("  </Attachments>\n</edXML>\n");
        xml
    }

    /// Reads an envelope, refusing anything its schema would.
    pub fn from_xml(bytes: &[u8]) -> Result<Envelope, ExchangeError> {
        let bad = |reason: String| ExchangeError::Envelope(reason);
        if bytes.len() > MAX_ENVELOPE_BYTES {
            return Err(bad(format!(
                "is larger than {} KiB",
                MAX_ENVELOPE_BYTES >> 10
            )));
        }
        let text = std::str::from_utf8(bytes).map_err(|_| bad("is not UTF-8 text".into()))?;
        let options = ParsingOptions {
            allow_dtd: false,
            nodes_limit: MAX_NODES,
            ..ParsingOptions::default()
        };
        let document = Document::parse_with_options(text, options)
            .map_err(|e| bad(format!("is not well-formed XML ({e})")))?;
        let root = document.root_element();
        expect_name(root, "edXML")?;
        if root.attribute("version") != Some("1") {
            return Err(bad(format!(
                "is version {:?}; this eCabinet reads version 1",
                root.attribute("version").unwrap_or("(none)")
            )));
        }
        let [header, attachments] = children(root, &["MessageHeader", "Attachments"])?;
        let [from, code, promulgation, document_type, subject, signer] = children(
            header,
            &[
                "From",
                "Code",
                "PromulgationInfo",
                "DocumentType",
                "Subject",
                "SignerInfo",
            ],
        )?;
        let [organ_id, organ_name] = children(from, &["OrganId", "OrganName"])?;
        let [number, symbol] = children(code, &["CodeNumber", "CodeNotation"])?;
        let (place, date) = match elements(promulgation).as_slice() {
            [date] => (None, *date),
            [place, date] => {
                expect_name(*place, "Place")?;
                (Some(*place), *date)
            }
            _ => {
                return Err(bad(
                    "PromulgationInfo must hold an optional Place and a PromulgationDate".into(),
                ))
            }
        };
        expect_name(date, "PromulgationDate")?;
        let issued_on =
            NaiveDate::parse_from_str(text_of(date).trim(), "%Y-%m-%d").map_err(|_| {
                ExchangeError::Field {
                    field: "PromulgationDate",
                    reason: format!("{:?} is not a date (YYYY-MM-DD)", text_of(date)),
                }
            })?;
        let [position, full_name] = children(signer, &["Position", "FullName"])?;
        let record = Envelope::checked(&ExchangeRecord {
            organisation_code: text_of(organ_id),
            organisation_name: text_of(organ_name),
            number: text_of(number),
            symbol: text_of(symbol),
            issued_on,
            place: place.map(text_of),
            document_type: text_of(document_type),
            subject: text_of(subject),
            signer_name: text_of(full_name),
            signer_position: text_of(position),
            annex: false,
        })?;
        let listed = elements(attachments);
        if listed.is_empty() {
            return Err(bad("lists no file".into()));
        }
        if listed.len() > MAX_ATTACHMENTS {
            return Err(ExchangeError::TooLarge(format!(
                "the package lists {} files; at most {MAX_ATTACHMENTS} are accepted",
                listed.len()
            )));
        }
        let attachments = listed
            .into_iter()
            .map(attachment)
            .collect::<Result<Vec<_>, _>>()?;
        let mains = attachments
            .iter()
            .filter(|a| a.role == AttachmentRole::Main)
            .count();
        if mains != 1 {
            return Err(bad(format!(
                "must name exactly one main document (role=\"main\"); it names {mains}"
            )));
        }
        for (i, a) in attachments.iter().enumerate() {
            if attachments[..i].iter().any(|b| b.file_name == a.file_name) {
                return Err(bad(format!("lists {:?} twice", a.file_name)));
            }
        }
        Ok(Envelope {
            record,
            attachments,
        })
    }
}

fn attachment(node: Node<'_, '_>) -> Result<Attachment, ExchangeError> {
    expect_name(node, "Attachment")?;
    let role = match node.attribute("role") {
        Some("main") => AttachmentRole::Main,
        Some("annex") => AttachmentRole::Annex,
        other => {
            return Err(ExchangeError::Envelope(format!(
                "an Attachment's role is {:?}; it must be \"main\" or \"annex\"",
                other.unwrap_or("(none)")
            )))
        }
    };
    let [name, content_type, size, sha256] =
        children(node, &["FileName", "ContentType", "Size", "Sha256"])?;
    let size_text = text_of(size);
    let size = size_text
        .trim()
        .parse::<u64>()
        .map_err(|_| ExchangeError::Field {
            field: "Size",
            reason: format!("{size_text:?} is not a number of bytes"),
        })?;
    let sha256 = text_of(sha256).trim().to_ascii_lowercase();
    if sha256.len() != 64 || !sha256.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(ExchangeError::Field {
            field: "Sha256",
            reason: format!("{sha256:?} is not a SHA-256 in hex (64 digits)"),
        });
    }
    Ok(Attachment {
        role,
        file_name: file_name(&text_of(name))?,
        content_type: text_field("ContentType", &text_of(content_type))?,
        size,
        sha256,
    })
}

fn element(xml: &mut String, indent: usize, name: &str, text: &str) {
    xml.push_str(&" ".repeat(indent));
    xml.push_str(&format!("<{name}>{}</{name}>\n", escape(text)));
}

/// Text escaped for an XML element or attribute.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The element children of `node` (text between them must be blank).
fn elements<'a, 'i>(node: Node<'a, 'i>) -> Vec<Node<'a, 'i>> {
    node.children().filter(|n| n.is_element()).collect()
}

/// Exactly these element children, in this order.
fn children<'a, 'i, const N: usize>(
    node: Node<'a, 'i>,
    names: &[&str; N],
) -> Result<[Node<'a, 'i>; N], ExchangeError> {
    let found = elements(node);
    if let Some(text) = node
        .children()
        .filter(|n| n.is_text())
        .find_map(|n| n.text().filter(|t| !t.trim().is_empty()))
    {
        return Err(ExchangeError::Envelope(format!(
            "{} holds stray text {:?}",
            node.tag_name().name(),
            text.trim()
        )));
    }
    let got: Vec<&str> = found.iter().map(|n| n.tag_name().name()).collect();
    if got != names {
        return Err(ExchangeError::Envelope(format!(
            "{} must hold {} in this order; it holds {}",
            node.tag_name().name(),
            names.join(", "),
            if got.is_empty() {
                "nothing".to_owned()
            } else {
                got.join(", ")
            }
        )));
    }
    for child in &found {
        expect_name(*child, child.tag_name().name())?;
    }
    found.try_into().map_err(|_| {
        ExchangeError::Envelope(format!("{} has the wrong children", node.tag_name().name()))
    })
}

fn expect_name(node: Node<'_, '_>, name: &str) -> Result<(), ExchangeError> {
    let tag = node.tag_name();
    if tag.name() != name || tag.namespace() != Some(NAMESPACE) {
        return Err(ExchangeError::Envelope(format!(
            "expected <{name}> in the namespace {NAMESPACE}, found <{}>{}",
            tag.name(),
            tag.namespace().map_or_else(
                || " without a namespace".to_owned(),
                |ns| format!(" in {ns}")
            )
        )));
    }
    Ok(())
}

/// The text of a leaf element (nested elements are refused).
fn text_of(node: Node<'_, '_>) -> String {
    node.children()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn record() -> ExchangeRecord {
        ExchangeRecord {
            organisation_code: "000.00.00.G01".into(),
            organisation_name: "Văn phòng Chính phủ".into(),
            number: "12".into(),
            symbol: "NQ-CP".into(),
            issued_on: NaiveDate::from_ymd_opt(2026, 12, 7).expect("a date"),
            place: Some("Hà Nội".into()),
            document_type: "Nghị quyết".into(),
            subject: "Về phiên họp Chính phủ thường kỳ tháng 11 & <các> \"việc\" khác".into(),
            signer_name: "Nguyễn Văn A".into(),
            signer_position: "Thủ tướng".into(),
            annex: false,
        }
    }

    fn envelope() -> Envelope {
        Envelope {
            record: record(),
            attachments: vec![Attachment {
                role: AttachmentRole::Main,
                file_name: "nghi-quyet.pdf".into(),
                content_type: "application/pdf".into(),
                size: 1234,
                sha256: "ab".repeat(32),
            }],
        }
    }

    #[test]
    fn an_envelope_reads_back_as_written_special_characters_included() {
        let written = envelope();
        let xml = written.to_xml();
        assert!(xml.contains("&amp; &lt;các&gt; &quot;việc&quot;"), "{xml}");
        assert_eq!(Envelope::from_xml(xml.as_bytes()), Ok(written));
    }

    #[test]
    fn envelopes_the_schema_refuses_are_refused_with_a_reason() {
        let xml = envelope().to_xml();
        let cases: Vec<(String, &str)> = vec![
            (xml.replace(NAMESPACE, "urn:other"), "namespace"),
            (xml.replace("version=\"1\">", "version=\"2\">"), "version"),
            (
                xml.replace("<CodeNumber>12</CodeNumber>", ""),
                "Code must hold",
            ),
            (xml.replace("2026-12-07", "07/12/2026"), "PromulgationDate"),
            (
                xml.replace("role=\"main\"", "role=\"annex\""),
                "exactly one main",
            ),
            (
                xml.replace("nghi-quyet.pdf", "../../etc/passwd"),
                "plain file name",
            ),
            (xml.replace(&"ab".repeat(32), "abc"), "Sha256"),
            (xml.replace("<Size>1234</Size>", "<Size>-1</Size>"), "Size"),
            (xml.replace("Nguyễn Văn A", "  "), "FullName"),
            (
                xml.replace(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                    "<?xml version=\"1.0\"?><!DOCTYPE edXML [<!ENTITY x \"y\">]>",
                ),
                "well-formed",
            ),
            (
                xml.replace("</Subject>", "</Subject><Extra/>"),
                "in this order",
            ),
            ("not xml".into(), "well-formed"),
        ];
        for (bad, why) in cases {
            let error = Envelope::from_xml(bad.as_bytes()).expect_err(why);
            assert!(error.to_string().contains(why), "{why}: {error}");
        }
    }
}
