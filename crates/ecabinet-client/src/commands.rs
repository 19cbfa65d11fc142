//! The secretariat's work (and a member's check-in) as commands: saved in
//! the outbox first, so they survive a crash and wait out the network like
//! every other change; shown in the replica at once; sent now if the server
//! can be reached. The server carries them out in the device's order and
//! answers each; a refusal comes back as the server's error and undoes what
//! was shown (see `oplog::undo_shown_command`).

use ecabinet_domain::ops::{Command, Op, OpBody, OpResult};
use ecabinet_domain::{ChangeBody, OpId};

use crate::{Client, ClientError, ClientResult};

/// Where a command stands once this call returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sent {
    /// The server carried it out.
    Done,
    /// Saved on this device; it goes out with the next sync.
    Waiting,
}

impl Client {
    /// Runs a command: outbox, then `shown` in the replica, then a sync.
    /// Saves a command in the outbox without sending it now: it goes with
    /// the next sync (a read receipt need not cost a round trip).
    pub(crate) async fn queue_command(&self, command: Command) -> ClientResult<()> {
        let body = OpBody::Command(
            command
                .to_op()
                .map_err(|e| ClientError::Protocol(e.to_string()))?,
        );
        let device = self.profile.device_id;
        self.replica
            .record_local_op(self.profile.person.id, |hlc, device_seq| Op {
                id: OpId::new(),
                device_id: device,
                device_seq,
                hlc,
                body,
            })
            .await?;
        Ok(())
    }

    pub(crate) async fn run_command(
        &self,
        command: Command,
        shown: &[ChangeBody],
    ) -> ClientResult<Sent> {
        let body = OpBody::Command(
            command
                .to_op()
                .map_err(|e| ClientError::Protocol(e.to_string()))?,
        );
        let op_id = OpId::new();
        let device = self.profile.device_id;
        self.replica
            .record_local_op(self.profile.person.id, |hlc, device_seq| Op {
                id: op_id,
                device_id: device,
                device_seq,
                hlc,
                body,
            })
            .await?;
        for change in shown {
            self.replica.put(change).await?;
        }
        match self.sync().await {
            Ok(_) => {}
            // This device may no longer act at all: say so.
            Err(error @ ClientError::Revoked) => return Err(error),
            // Saved either way, and sent with a later sync (or answered
            // already, if only the pull failed): reporting a failure here
            // would only make the person do it twice.
            Err(error) => tracing::warn!(%error, "a saved command could not be sent yet"),
        }
        match self.replica.op_outcome(op_id).await? {
            Some(OpResult::Accepted { .. }) => Ok(Sent::Done),
            Some(OpResult::Rejected { code, reason }) => Err(ClientError::Server {
                status: 409,
                code,
                message: reason,
            }),
            None => Ok(Sent::Waiting),
        }
    }
}
