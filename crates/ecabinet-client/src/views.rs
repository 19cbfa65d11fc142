//! What the engine shows its shells (CLI and desktop): plain, serialisable
//! values, exported to TypeScript when the `specta` feature is on.

use chrono::{DateTime, Utc};
use ecabinet_domain::{AgendaItem, DeviceId, Document, ItemAccess, Meeting, Organisation, Person};
use serde::{Deserialize, Serialize};

use crate::error::UiError;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProfileSummary {
    pub device_id: DeviceId,
    pub device_name: String,
    pub server_url: String,
    pub person: Person,
    pub organisation: Organisation,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    /// This device has never completed a sync.
    NeverSynced,
    /// The latest attempt reached the server.
    Online,
    /// The latest attempt could not reach the server, or none was made yet.
    Offline,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncStatus {
    pub state: SyncState,
    pub last_sync: Option<DateTime<Utc>>,
    /// Position in the server's change stream (a number for JavaScript's sake).
    pub cursor: f64,
    pub last_error: Option<UiError>,
    /// Changes saved on this device that the server has not accepted yet.
    pub waiting_to_send: u32,
    /// Changes the server refused, newest first, with its reasons.
    pub rejected: Vec<crate::oplog::RejectedChange>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncReport {
    pub changes_received: u32,
    pub round_trips: u32,
    pub cursor: i64,
    /// Document keys this (secretariat) device wrapped for devices that joined later.
    pub keys_distributed: u32,
    /// Changes of this device the server accepted in this sync.
    pub changes_sent: u32,
    /// Changes of this device the server refused (see the status for why).
    pub changes_rejected: u32,
    /// Bytes of packed changes sent.
    pub bytes_sent: u32,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AgendaView {
    pub meeting: Meeting,
    pub items: Vec<AgendaItem>,
    /// The latest version of each document attached to these items.
    pub documents: Vec<Document>,
    /// Who may read each restricted item (known to the secretariat and to
    /// the listed persons only).
    pub access: Vec<ItemAccess>,
    /// Documents whose latest version is a revision this device has not opened yet.
    pub revised: Vec<ecabinet_domain::DocumentId>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AppStatus {
    /// None until this device is enrolled.
    pub profile: Option<ProfileSummary>,
    pub sync: Option<SyncStatus>,
    /// The idle lock: whether a PIN is set and the app is locked.
    pub lock: crate::idle_lock::LockStatus,
}

/// A document opened for reading: its facts and how many pages it has.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DocumentView {
    pub document: Document,
    pub page_count: u32,
    /// The secretariat's restrictions (no print, no export), from the signed manifest.
    pub handling: ecabinet_domain::Handling,
    /// What the exchange package it came in said (issuer, number and
    /// symbol, date, signer), from the signed manifest.
    pub exchange: Option<ecabinet_domain::ExchangeRecord>,
}

/// One occurrence of a searched phrase: the page (from 1) and the words around it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PageHit {
    pub page: u32,
    pub snippet: String,
}
