//! Files a person asked for (minutes, reports, exchange packages): written
//! beside the target and renamed, so a crash leaves the old file or the new
//! one, never half of one.

use std::path::Path;

use crate::error::{ClientError, ClientResult};

pub fn write_output_file(out: &Path, bytes: &[u8]) -> ClientResult<()> {
    let partial = out.with_extension("partial");
    std::fs::write(&partial, bytes).map_err(|e| ClientError::io(&partial, e))?;
    std::fs::rename(&partial, out).map_err(|e| ClientError::io(out, e))
}
