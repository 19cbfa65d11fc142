//! Annotations: made and edited offline as ops, readable only by their
//! author's devices unless shared. Each annotation has its own key; the
//! author's devices reach it through a person key, the document's readers
//! (once shared) through a key derived from the document's content key.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use ecabinet_crypto::{
    open_with_nonce, seal_with_nonce, unwrap_secret, wrap_key, wrap_secret, ContentKey, WrappedKey,
};
use ecabinet_domain::annotation::{Anchor, AnnotationFields, AnnotationKind, PageRect, Stroke};
use ecabinet_domain::api::{person_key_context, PersonKeyEnvelope};
use ecabinet_domain::ops::{
    AnnotationOp, Bytes, DocumentRef, Op, OpBody, PersonKeyWrap, ShareScope,
};
use ecabinet_domain::{
    AnnotationId, DeviceId, Document, DocumentId, DocumentManifest, OpId, PersonId, PersonKeyId,
};
use ecabinet_sync::merge::{AnnotationState, Stamp};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::anchoring;
use crate::error::{ClientError, ClientResult};
use crate::oplog::{OpState, StoredOp};
use crate::Client;

/// What a person asks to add.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewAnnotation {
    pub document_id: DocumentId,
    pub kind: Option<AnnotationKind>,
    /// 1-based page of the document's latest version.
    pub page: u32,
    /// For a highlight: the text, as it appears on the page.
    pub quote: Option<String>,
    pub rects: Vec<PageRect>,
    pub ink: Vec<Stroke>,
    pub text: Option<String>,
    pub colour: Option<String>,
    pub share: Option<ShareScope>,
}

/// A change to an annotation; absent fields stay as they are.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AnnotationEdit {
    pub text: Option<String>,
    pub colour: Option<String>,
    pub ink: Option<Vec<Stroke>>,
    pub share: Option<ShareScope>,
    pub deleted: Option<bool>,
}

/// Where an annotation shows on the document's latest version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// Made on this version.
    Original,
    /// Made on an earlier version; found again by its text.
    Moved,
    /// Made on an earlier version whose text is gone from this one: listed
    /// with its old page and quote, never dropped.
    Unplaced,
}

/// One annotation as the reader shows it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AnnotationView {
    pub id: AnnotationId,
    pub document_id: DocumentId,
    pub author_id: PersonId,
    pub author_name: String,
    pub mine: bool,
    pub kind: AnnotationKind,
    /// The page on the latest version (or, when unplaced, on the version it was made on).
    pub page: u32,
    pub placement: Placement,
    pub anchor: Anchor,
    pub colour: String,
    pub text: String,
    pub ink: Vec<Stroke>,
    pub share: ShareScope,
    /// Saved here but not yet accepted by the server.
    pub waiting_to_send: bool,
    pub updated_at: Option<DateTime<Utc>>,
}

/// A document's annotations.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AnnotationList {
    pub document_id: DocumentId,
    pub version: u32,
    pub annotations: Vec<AnnotationView>,
    /// Annotations whose key has not reached this device yet (a new device
    /// waiting for its person's key from another of their devices).
    pub locked: u32,
}

const DEFAULT_COLOUR: &str = "yellow";

fn op_nonce(op: OpId) -> [u8; 12] {
    let mut nonce = [0u8; 12];
    nonce.copy_from_slice(&op.0.as_bytes()[4..]);
    nonce
}

/// Binds sealed fields to their annotation, op and device: a server that
/// moves them to another annotation or op gets an error, not a forgery.
fn op_aad(annotation: AnnotationId, op: OpId, device: DeviceId) -> Vec<u8> {
    let mut aad = b"ecabinet/annotation-op/v1\0".to_vec();
    aad.extend_from_slice(annotation.0.as_bytes());
    aad.extend_from_slice(op.0.as_bytes());
    aad.extend_from_slice(device.0.as_bytes());
    aad
}

fn key_aad(annotation: AnnotationId) -> Vec<u8> {
    let mut aad = b"ecabinet/annotation-key/v1\0".to_vec();
    aad.extend_from_slice(annotation.0.as_bytes());
    aad
}

fn share_context(document: DocumentRef) -> Vec<u8> {
    DocumentManifest::key_context(document.id, document.version)
}

impl Client {
    fn person_key_context(&self, key: PersonKeyId) -> Vec<u8> {
        person_key_context(self.profile.person.id, key)
    }

    fn open_person_key(&self, key: PersonKeyId, envelope: &str) -> ClientResult<ContentKey> {
        let wrapped: WrappedKey = serde_json::from_str(envelope)
            .map_err(|e| ClientError::Protocol(format!("a person key envelope: {e}")))?;
        Ok(self
            .keys
            .unwrap_key(&wrapped, &self.person_key_context(key))?)
    }

    /// The person keys this device holds.
    pub(crate) async fn person_keys(&self) -> ClientResult<HashMap<PersonKeyId, ContentKey>> {
        let mut keys = HashMap::new();
        for (id, envelope, _) in self.replica.person_keys().await? {
            keys.insert(id, self.open_person_key(id, &envelope)?);
        }
        Ok(keys)
    }

    /// The key new annotations are sealed for: the person's first key this
    /// device knows, or a new one (offline is fine: it is sent at the next sync).
    pub(crate) async fn current_person_key(&self) -> ClientResult<(PersonKeyId, ContentKey)> {
        if let Some((id, envelope, _)) = self.replica.person_keys().await?.into_iter().next() {
            return Ok((id, self.open_person_key(id, &envelope)?));
        }
        let id = PersonKeyId::new();
        let key = ContentKey::generate()?;
        let wrapped = wrap_key(
            &key,
            &self.keys.agreement_public_key(),
            &self.person_key_context(id),
        )?;
        let envelope =
            serde_json::to_string(&wrapped).map_err(|e| ClientError::Protocol(e.to_string()))?;
        self.replica.put_person_key(id, &envelope, false).await?;
        Ok((id, key))
    }

    /// The document version's share key (every reader of it can derive it).
    async fn share_key(&self, document: DocumentRef) -> ClientResult<ContentKey> {
        let version = self
            .replica
            .document_versions(document.id)
            .await?
            .into_iter()
            .find(|d| d.version == document.version)
            .ok_or_else(|| ClientError::NotFound {
                kind: "document version",
                reference: format!("{} v{}", document.id, document.version),
            })?;
        let envelope = self.own_envelope(&version).await?;
        let content = self.keys.unwrap_key(
            &WrappedKey {
                ephemeral_public: envelope.ephemeral_public,
                ciphertext: envelope.ciphertext,
            },
            &share_context(document),
        )?;
        Ok(content.derive_share_key(&share_context(document))?)
    }

    async fn latest_version(&self, document: DocumentId) -> ClientResult<Document> {
        self.replica
            .latest_document(document)
            .await?
            .ok_or_else(|| ClientError::NotFound {
                kind: "document",
                reference: document.to_string(),
            })
    }

    /// Seals `fields` and saves the op to the outbox.
    #[allow(clippy::too_many_arguments)]
    async fn save_annotation_op(
        &self,
        annotation: AnnotationId,
        annotation_key: &ContentKey,
        document: Option<DocumentRef>,
        share: Option<ShareScope>,
        person_wrap: Option<PersonKeyWrap>,
        share_wrap: Option<Bytes>,
        fields: &AnnotationFields,
    ) -> ClientResult<Op> {
        fields.validate()?;
        let op_id = OpId::new();
        let device = self.profile.device_id;
        let plain = Zeroizing::new(
            fields
                .encode()
                .map_err(|e| ClientError::Protocol(e.to_string()))?,
        );
        let sealed = seal_with_nonce(
            annotation_key,
            op_nonce(op_id),
            &op_aad(annotation, op_id, device),
            &plain,
        )?;
        let body = OpBody::Annotation(AnnotationOp {
            annotation_id: annotation,
            document,
            share,
            person_wrap,
            share_wrap,
            sealed: Bytes(sealed),
        });
        self.replica
            .record_local_op(self.profile.person.id, |hlc, device_seq| Op {
                id: op_id,
                device_id: device,
                device_seq,
                hlc,
                body,
            })
            .await
    }

    /// Adds an annotation on the document's latest version. Works offline:
    /// it is saved at once and sent at the next sync.
    pub async fn annotate(&self, new: NewAnnotation) -> ClientResult<AnnotationView> {
        let document = self.latest_version(new.document_id).await?;
        let reference = DocumentRef {
            id: document.id,
            version: document.version,
        };
        let kind = new.kind.unwrap_or(if new.quote.is_some() {
            AnnotationKind::Highlight
        } else if !new.ink.is_empty() {
            AnnotationKind::Ink
        } else if new.text.is_some() {
            AnnotationKind::Note
        } else {
            AnnotationKind::Bookmark
        });
        if new.page == 0 {
            return Err(ClientError::InvalidArgument(
                "pages are numbered from 1".into(),
            ));
        }
        // A highlight drawn over the page: its words become the quote, so it
        // can follow its text to a later version.
        let (quote, drawn) = match new.quote.clone() {
            Some(quote) => (quote, false),
            None if kind == AnnotationKind::Highlight && !new.rects.is_empty() => (
                self.text_under(document.id, new.page, new.rects.clone())
                    .await
                    .unwrap_or_default(),
                true,
            ),
            None => (String::new(), false),
        };
        let (before, after) = if quote.trim().is_empty() {
            (String::new(), String::new())
        } else {
            let text = self.page_text(document.id, new.page).await?;
            match anchoring::context_of(&text, &quote) {
                Some(context) => context,
                // Words under a drawn rectangle may cut a word in half: keep
                // them without context rather than refuse the highlight.
                None if drawn => (String::new(), String::new()),
                None => {
                    return Err(ClientError::InvalidArgument(format!(
                        "the text {quote:?} is not on page {} of this document",
                        new.page
                    )))
                }
            }
        };
        let annotation = AnnotationId::new();
        let annotation_key = ContentKey::generate()?;
        let (person_key_id, person_key) = self.current_person_key().await?;
        let person_wrap = PersonKeyWrap {
            person_key_id,
            sealed: Bytes(wrap_secret(
                &person_key,
                &annotation_key,
                &key_aad(annotation),
            )?),
        };
        let share = new.share.unwrap_or(ShareScope::Private);
        let share_wrap = if share == ShareScope::Private {
            None
        } else {
            let key = self.share_key(reference).await?;
            Some(Bytes(wrap_secret(
                &key,
                &annotation_key,
                &key_aad(annotation),
            )?))
        };
        let fields = AnnotationFields {
            kind: Some(kind),
            anchor: Some(Anchor {
                version: document.version,
                page: new.page,
                rects: new.rects,
                quote: quote.trim().to_owned(),
                before,
                after,
            }),
            colour: Some(new.colour.unwrap_or_else(|| DEFAULT_COLOUR.into())),
            text: Some(new.text.unwrap_or_default()),
            ink: (!new.ink.is_empty()).then_some(new.ink),
            deleted: None,
        };
        self.save_annotation_op(
            annotation,
            &annotation_key,
            Some(reference),
            Some(share),
            Some(person_wrap),
            share_wrap,
            &fields,
        )
        .await?;
        self.annotation(annotation).await
    }

    /// Changes, shares, withdraws or deletes one of this person's annotations. Works offline.
    pub async fn edit_annotation(
        &self,
        annotation: AnnotationId,
        edit: AnnotationEdit,
    ) -> ClientResult<AnnotationView> {
        let document = self
            .replica
            .annotation_document(annotation)
            .await?
            .ok_or_else(|| ClientError::NotFound {
                kind: "annotation",
                reference: annotation.to_string(),
            })?;
        let ops = self.replica.document_ops(document).await?;
        let person_keys = self.person_keys().await?;
        let mut share_keys = BTreeMap::new();
        let (state, key, author) = self
            .fold_one(annotation, &ops, &person_keys, &mut share_keys)
            .await?
            .ok_or_else(|| {
                ClientError::InvalidArgument(
                    "this annotation's key has not reached this device yet; sync and try again"
                        .into(),
                )
            })?;
        if author != self.profile.person.id {
            return Err(ClientError::InvalidArgument(
                "only the author may change an annotation".into(),
            ));
        }
        let reference =
            state.document.as_ref().map(|r| r.value).ok_or_else(|| {
                ClientError::Protocol("an annotation without its document".into())
            })?;
        let share_wrap = match edit.share {
            Some(scope) if scope != ShareScope::Private => {
                let share_key = self.share_key(reference).await?;
                Some(Bytes(wrap_secret(&share_key, &key, &key_aad(annotation))?))
            }
            _ => None,
        };
        let fields = AnnotationFields {
            kind: None,
            anchor: None,
            colour: edit.colour,
            text: edit.text,
            ink: edit.ink,
            deleted: edit.deleted,
        };
        self.save_annotation_op(
            annotation, &key, None, edit.share, None, share_wrap, &fields,
        )
        .await?;
        self.annotation(annotation).await
    }

    /// Accepts a full annotation id or an unambiguous prefix.
    pub async fn resolve_annotation(&self, reference: &str) -> ClientResult<AnnotationId> {
        let known = self.replica.annotation_ids_with_prefix("").await?;
        crate::references::pick("annotation", reference, known)
    }

    /// One annotation, as it stands on this device.
    pub async fn annotation(&self, annotation: AnnotationId) -> ClientResult<AnnotationView> {
        let document = self
            .replica
            .annotation_document(annotation)
            .await?
            .ok_or_else(|| ClientError::NotFound {
                kind: "annotation",
                reference: annotation.to_string(),
            })?;
        let list = self.annotations_with(document, false, true).await?;
        list.annotations
            .into_iter()
            .find(|a| a.id == annotation)
            .ok_or_else(|| ClientError::NotFound {
                kind: "annotation",
                reference: annotation.to_string(),
            })
    }

    /// The annotations on a document that this person may read, placed on
    /// its latest version. Reads only local data (and the cached document,
    /// to re-anchor notes made on an earlier version).
    pub async fn annotations(&self, document: DocumentId) -> ClientResult<AnnotationList> {
        self.annotations_with(document, true, false).await
    }

    async fn annotations_with(
        &self,
        document: DocumentId,
        reanchor: bool,
        include_deleted: bool,
    ) -> ClientResult<AnnotationList> {
        let latest = self.latest_version(document).await?;
        let ops = self.replica.document_ops(document).await?;
        let person_keys = self.person_keys().await?;
        let mut share_keys = BTreeMap::new();
        let names: HashMap<PersonId, String> = self
            .replica
            .persons()
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect();
        let mut ids: Vec<AnnotationId> = Vec::new();
        for stored in &ops {
            let OpBody::Annotation(body) = &stored.op.body else {
                continue;
            };
            if !ids.contains(&body.annotation_id) {
                ids.push(body.annotation_id);
            }
        }
        let mut views = Vec::new();
        let mut locked = 0;
        let mut pages: Option<Vec<String>> = None;
        for id in ids {
            let Some((state, _, author)) = self
                .fold_one(id, &ops, &person_keys, &mut share_keys)
                .await?
            else {
                locked += 1;
                continue;
            };
            if state.is_deleted() && !include_deleted {
                continue;
            }
            let Some(anchor) = state.anchor.as_ref().map(|r| r.value.clone()) else {
                locked += 1;
                continue;
            };
            let (page, placement) = if anchor.version == latest.version || !reanchor {
                (anchor.page, Placement::Original)
            } else {
                if pages.is_none() {
                    pages = Some(self.page_texts(document).await.unwrap_or_default());
                }
                match anchoring::reanchor(&anchor, pages.as_deref().unwrap_or_default()) {
                    Some(page) => (page, Placement::Moved),
                    None => (anchor.page, Placement::Unplaced),
                }
            };
            let waiting = ops
                .iter()
                .any(|s| s.state == OpState::Pending && s.op.body.entity_id() == id.0);
            views.push(AnnotationView {
                id,
                document_id: document,
                author_id: author,
                author_name: names.get(&author).cloned().unwrap_or_default(),
                mine: author == self.profile.person.id,
                kind: state
                    .kind
                    .as_ref()
                    .map_or(AnnotationKind::Note, |r| r.value),
                page,
                placement,
                colour: state
                    .colour
                    .as_ref()
                    .map_or_else(|| DEFAULT_COLOUR.into(), |r| r.value.clone()),
                text: state
                    .text
                    .as_ref()
                    .map(|r| r.value.clone())
                    .unwrap_or_default(),
                ink: state
                    .ink
                    .as_ref()
                    .map(|r| r.value.clone())
                    .unwrap_or_default(),
                share: state.share_scope(),
                waiting_to_send: waiting,
                updated_at: state.last_stamp().and_then(|s| s.hlc.to_time()),
                anchor,
            });
        }
        views.sort_by_key(|v| (v.placement == Placement::Unplaced, v.page, v.id));
        Ok(AnnotationList {
            document_id: document,
            version: latest.version,
            annotations: views,
            locked,
        })
    }

    /// Every page's text of the document's latest version (for re-anchoring).
    async fn page_texts(&self, document: DocumentId) -> ClientResult<Vec<String>> {
        let view = self.document_view(document).await?;
        let mut pages = Vec::with_capacity(view.page_count as usize);
        for page in 1..=view.page_count {
            pages.push(self.page_text(document, page).await?);
        }
        Ok(pages)
    }

    /// Merges one annotation's ops: its state, its key and its author; None
    /// when this device cannot open it (yet).
    async fn fold_one(
        &self,
        annotation: AnnotationId,
        ops: &[StoredOp],
        person_keys: &HashMap<PersonKeyId, ContentKey>,
        share_keys: &mut BTreeMap<(DocumentId, u32), ContentKey>,
    ) -> ClientResult<Option<(AnnotationState, ContentKey, PersonId)>> {
        let stored: Vec<&StoredOp> = ops
            .iter()
            .filter(|s| s.op.body.entity_id() == annotation.0)
            .collect();
        let mine: Vec<&Op> = stored.iter().map(|s| &s.op).collect();
        // The author is whoever's device created it.
        let author = stored.iter().find_map(|s| {
            let OpBody::Annotation(body) = &s.op.body else {
                return None;
            };
            body.document.map(|_| s.author)
        });
        let document = mine.iter().find_map(|op| {
            let OpBody::Annotation(body) = &op.body else {
                return None;
            };
            body.document
        });
        let Some(document) = document else {
            return Ok(None);
        };
        // The annotation key: through a person key, else through the share key.
        let mut key = None;
        for op in &mine {
            let OpBody::Annotation(body) = &op.body else {
                continue;
            };
            if let Some(wrap) = &body.person_wrap {
                if let Some(person_key) = person_keys.get(&wrap.person_key_id) {
                    if let Ok(found) =
                        unwrap_secret(person_key, &wrap.sealed.0, &key_aad(annotation))
                    {
                        key = Some(found);
                        break;
                    }
                }
            }
        }
        if key.is_none() {
            for op in &mine {
                let OpBody::Annotation(body) = &op.body else {
                    continue;
                };
                let Some(wrap) = &body.share_wrap else {
                    continue;
                };
                let slot = (document.id, document.version);
                if let std::collections::btree_map::Entry::Vacant(entry) = share_keys.entry(slot) {
                    match self.share_key(document).await {
                        Ok(found) => {
                            entry.insert(found);
                        }
                        Err(error) => {
                            tracing::debug!(%error, "no share key for this document version");
                            break;
                        }
                    }
                }
                if let Some(share_key) = share_keys.get(&slot) {
                    if let Ok(found) = unwrap_secret(share_key, &wrap.0, &key_aad(annotation)) {
                        key = Some(found);
                        break;
                    }
                }
            }
        }
        let Some(key) = key else {
            return Ok(None);
        };
        let mut state = AnnotationState::new(annotation);
        for op in &mine {
            let OpBody::Annotation(body) = &op.body else {
                continue;
            };
            let plain = match open_with_nonce(
                &key,
                op_nonce(op.id),
                &op_aad(annotation, op.id, op.device_id),
                &body.sealed.0,
            ) {
                Ok(plain) => plain,
                Err(_) => {
                    tracing::warn!(op = %op.id, "an annotation change does not open with its key; ignored");
                    continue;
                }
            };
            let fields = match AnnotationFields::decode(&plain) {
                Ok(fields) => fields,
                Err(error) => {
                    tracing::warn!(op = %op.id, %error, "an annotation change is unreadable; ignored");
                    continue;
                }
            };
            state.apply(
                Stamp {
                    hlc: op.hlc,
                    device: op.device_id,
                    op: op.id,
                },
                body.document,
                body.share,
                &fields,
            );
        }
        let author = author.unwrap_or(self.profile.person.id);
        Ok(Some((state, key, author)))
    }

    /// Exchanges person keys with the server: uploads this device's own
    /// envelopes, stores envelopes other devices of this person wrapped for
    /// it, and wraps the keys it holds for sibling devices that lack them.
    pub(crate) async fn sync_person_keys(&self, token: &str) -> ClientResult<u32> {
        let remote = self.api.person_keys(token).await?;
        let me = self.profile.device_id;
        let mut upload = Vec::new();
        let local = self.replica.person_keys().await?;
        for (key, envelope, uploaded) in &local {
            if !uploaded {
                let wrapped: WrappedKey = serde_json::from_str(envelope)
                    .map_err(|e| ClientError::Protocol(e.to_string()))?;
                upload.push(PersonKeyEnvelope {
                    key_id: *key,
                    device_id: me,
                    ephemeral_public: wrapped.ephemeral_public,
                    ciphertext: wrapped.ciphertext,
                });
            }
        }
        for envelope in remote.envelopes.iter().filter(|e| e.device_id == me) {
            let json = serde_json::to_string(&WrappedKey {
                ephemeral_public: envelope.ephemeral_public.clone(),
                ciphertext: envelope.ciphertext.clone(),
            })
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
            // Check it opens before keeping it.
            self.open_person_key(envelope.key_id, &json)?;
            self.replica
                .put_person_key(envelope.key_id, &json, true)
                .await?;
        }
        let held = self.person_keys().await?;
        for sibling in remote.devices.iter().filter(|d| d.device_id != me) {
            let public: [u8; 32] = ecabinet_crypto::b64_decode(&sibling.agreement_public_key)?
                .as_slice()
                .try_into()
                .map_err(|_| ClientError::Protocol("a device key is not 32 bytes".into()))?;
            for (key_id, key) in &held {
                let present = remote
                    .envelopes
                    .iter()
                    .any(|e| e.device_id == sibling.device_id && e.key_id == *key_id);
                if !present {
                    let wrapped = wrap_key(key, &public, &self.person_key_context(*key_id))?;
                    upload.push(PersonKeyEnvelope {
                        key_id: *key_id,
                        device_id: sibling.device_id,
                        ephemeral_public: wrapped.ephemeral_public,
                        ciphertext: wrapped.ciphertext,
                    });
                }
            }
        }
        if upload.is_empty() {
            return Ok(0);
        }
        let sent = upload.len() as u32;
        self.api.add_person_keys(token, &upload).await?;
        for (key, envelope, uploaded) in local {
            if !uploaded {
                self.replica.put_person_key(key, &envelope, true).await?;
            }
        }
        Ok(sent)
    }
}
