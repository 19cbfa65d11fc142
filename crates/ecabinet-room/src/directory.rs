//! The devices of a room and their signing keys, as the server listed them.

use std::collections::HashMap;

use ecabinet_crypto::b64_decode;
use ecabinet_domain::session::room::RoomDevice;
use ecabinet_domain::session::rules::Actor;
use ecabinet_domain::{DeviceId, PersonId};

#[derive(Clone, Debug)]
pub struct KnownDevice {
    pub person: PersonId,
    pub secretary: bool,
    pub signing_key: Vec<u8>,
}

impl KnownDevice {
    pub fn actor(&self) -> Actor {
        Actor {
            person: self.person,
            secretary: self.secretary,
        }
    }
}

/// Who may sign events in the room: each device, its person, its key.
#[derive(Clone, Debug, Default)]
pub struct Directory {
    devices: HashMap<DeviceId, KnownDevice>,
}

impl Directory {
    /// Devices whose key is not valid base64 are left out (they could sign nothing).
    pub fn new(devices: &[RoomDevice]) -> Self {
        let devices = devices
            .iter()
            .filter_map(|d| {
                let key = b64_decode(&d.signing_key).ok()?;
                Some((
                    d.device,
                    KnownDevice {
                        person: d.person,
                        secretary: d.secretary,
                        signing_key: key,
                    },
                ))
            })
            .collect();
        Self { devices }
    }

    pub fn get(&self, device: DeviceId) -> Option<&KnownDevice> {
        self.devices.get(&device)
    }

    pub fn len(&self) -> usize {
        self.devices.len()
    }

    pub fn is_empty(&self) -> bool {
        self.devices.is_empty()
    }
}
