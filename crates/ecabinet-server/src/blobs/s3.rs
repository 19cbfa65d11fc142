//! Chunks in an S3-compatible bucket through the `object_store` crate, so
//! that every instance of a scaled-out server reads what any of them
//! received. A PUT of one object is atomic on S3: a chunk is whole or
//! absent, as in the folder.

use std::sync::Arc;

use async_trait::async_trait;
use ecabinet_domain::DocumentId;
use futures::TryStreamExt;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use super::{chunk_name, BlobStore, BlobsConfigError, StoredBlob};

/// `s3://bucket[/prefix]?endpoint=URL[&region=R]` with its credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Location {
    pub bucket: String,
    /// Folder inside the bucket ("" for its root).
    pub prefix: String,
    /// The service's address, `http://127.0.0.1:3900` for a local Garage;
    /// None: Amazon's own for the region.
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

// The secret never reaches a log line.
impl std::fmt::Debug for S3Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Location")
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Display for S3Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "s3://{}", self.bucket)?;
        if !self.prefix.is_empty() {
            write!(f, "/{}", self.prefix)?;
        }
        if let Some(endpoint) = &self.endpoint {
            write!(f, " at {endpoint}")?;
        }
        Ok(())
    }
}

impl S3Location {
    /// Parses the address; `credential` looks up `AWS_ACCESS_KEY_ID` and
    /// `AWS_SECRET_ACCESS_KEY` (kept out of the address, which is logged).
    pub fn parse(
        given: &str,
        credential: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, BlobsConfigError> {
        let invalid = |reason: &str| BlobsConfigError::Invalid {
            given: given.into(),
            reason: reason.into(),
        };
        let url = url::Url::parse(given).map_err(|e| invalid(&e.to_string()))?;
        let bucket = url
            .host_str()
            .filter(|b| !b.is_empty())
            .ok_or_else(|| invalid("name the bucket: s3://BUCKET"))?
            .to_owned();
        if url.username() != "" || url.password().is_some() {
            return Err(invalid(
                "keep the keys out of the address (it is logged): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
            ));
        }
        let prefix = url.path().trim_matches('/').to_owned();
        let mut endpoint = None;
        let mut region = "us-east-1".to_owned();
        for (key, value) in url.query_pairs() {
            match key.as_ref() {
                "endpoint" => {
                    let parsed = url::Url::parse(&value)
                        .map_err(|e| invalid(&format!("endpoint {value}: {e}")))?;
                    if !matches!(parsed.scheme(), "http" | "https") {
                        return Err(invalid("the endpoint is an http:// or https:// address"));
                    }
                    endpoint = Some(value.trim_end_matches('/').to_owned());
                }
                "region" => region = value.into_owned(),
                other => {
                    return Err(invalid(&format!(
                        "unknown setting {other}; the address takes endpoint= and region="
                    )))
                }
            }
        }
        let access_key_id = credential("AWS_ACCESS_KEY_ID")
            .ok_or_else(|| invalid("set AWS_ACCESS_KEY_ID to the bucket's access key"))?;
        let secret_access_key = credential("AWS_SECRET_ACCESS_KEY")
            .ok_or_else(|| invalid("set AWS_SECRET_ACCESS_KEY to the access key's secret"))?;
        Ok(Self {
            bucket,
            prefix,
            endpoint,
            region,
            access_key_id,
            secret_access_key,
        })
    }

    fn plain_http(&self) -> bool {
        self.endpoint
            .as_deref()
            .is_some_and(|e| e.starts_with("http://"))
    }
}

#[derive(Debug, Clone)]
pub struct S3Blobs {
    store: Arc<AmazonS3>,
    location: S3Location,
}

impl S3Blobs {
    /// Builds the client and lists the prefix once: a wrong endpoint,
    /// bucket or key is reported now.
    pub async fn open(location: &S3Location) -> Result<Self, BlobsConfigError> {
        let unreachable = |reason: String| BlobsConfigError::Unreachable {
            location: location.to_string(),
            reason,
        };
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&location.bucket)
            .with_region(&location.region)
            .with_access_key_id(&location.access_key_id)
            .with_secret_access_key(&location.secret_access_key)
            // Self-hosted stores (Garage, MinIO) name the bucket in the path.
            .with_virtual_hosted_style_request(false)
            .with_allow_http(location.plain_http());
        if let Some(endpoint) = &location.endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        let store = builder.build().map_err(|e| unreachable(e.to_string()))?;
        let blobs = Self {
            store: Arc::new(store),
            location: location.clone(),
        };
        blobs
            .store
            .list_with_delimiter(blobs.root().as_ref())
            .await
            .map_err(|e| unreachable(e.to_string()))?;
        Ok(blobs)
    }

    fn root(&self) -> Option<ObjectPath> {
        (!self.location.prefix.is_empty()).then(|| ObjectPath::from(self.location.prefix.as_str()))
    }

    fn object(&self, name: &str) -> ObjectPath {
        if self.location.prefix.is_empty() {
            ObjectPath::from(name)
        } else {
            ObjectPath::from(format!("{}/{name}", self.location.prefix))
        }
    }

    /// The object's name relative to the prefix.
    fn name_of(&self, object: &ObjectPath) -> String {
        let full = object.as_ref();
        if self.location.prefix.is_empty() {
            full.to_owned()
        } else {
            full.strip_prefix(&format!("{}/", self.location.prefix))
                .unwrap_or(full)
                .to_owned()
        }
    }

    async fn get(&self, object: &ObjectPath) -> std::io::Result<Option<Vec<u8>>> {
        match self.store.get(object).await {
            Ok(found) => Ok(Some(found.bytes().await?.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }
}

#[async_trait]
impl BlobStore for S3Blobs {
    async fn put_chunk(
        &self,
        document: DocumentId,
        version: u32,
        index: u32,
        bytes: bytes::Bytes,
    ) -> std::io::Result<()> {
        let object = self.object(&chunk_name(document, version, index));
        self.store.put(&object, PutPayload::from(bytes)).await?;
        Ok(())
    }

    async fn get_chunk(
        &self,
        document: DocumentId,
        version: u32,
        index: u32,
    ) -> std::io::Result<Option<Vec<u8>>> {
        self.get(&self.object(&chunk_name(document, version, index)))
            .await
    }

    async fn stored_chunks(
        &self,
        document: DocumentId,
        version: u32,
    ) -> std::io::Result<Vec<(u32, Vec<u8>)>> {
        let folder = self.object(&format!("{document}/{version}"));
        let listed: Vec<_> = self.store.list(Some(&folder)).try_collect().await?;
        let mut chunks = Vec::with_capacity(listed.len());
        for meta in listed {
            let Some(index) = meta.location.filename().and_then(|n| n.parse::<u32>().ok()) else {
                continue;
            };
            // Listed then gone is a race with nothing (chunks are only
            // ever replaced); skip it rather than fail the whole answer.
            if let Some(bytes) = self.get(&meta.location).await? {
                chunks.push((index, bytes));
            }
        }
        chunks.sort_by_key(|(index, _)| *index);
        Ok(chunks)
    }

    async fn list(&self) -> std::io::Result<Vec<StoredBlob>> {
        let listed: Vec<_> = self.store.list(self.root().as_ref()).try_collect().await?;
        let mut blobs: Vec<StoredBlob> = listed
            .into_iter()
            .map(|meta| StoredBlob {
                name: self.name_of(&meta.location),
                bytes: meta.size,
            })
            .collect();
        blobs.sort();
        Ok(blobs)
    }

    fn describe(&self) -> String {
        self.location.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(name: &str) -> Option<String> {
        match name {
            "AWS_ACCESS_KEY_ID" => Some("GK0123".into()),
            "AWS_SECRET_ACCESS_KEY" => Some("secret".into()),
            _ => None,
        }
    }

    #[test]
    fn an_address_names_bucket_prefix_endpoint_and_region() {
        let location = S3Location::parse(
            "s3://ecabinet/bo-noi-vu/?endpoint=http://127.0.0.1:3900/&region=garage",
            keys,
        )
        .expect("a valid address");
        assert_eq!(location.bucket, "ecabinet");
        assert_eq!(location.prefix, "bo-noi-vu");
        assert_eq!(location.endpoint.as_deref(), Some("http://127.0.0.1:3900"));
        assert_eq!(location.region, "garage");
        assert!(location.plain_http());
        assert!(!format!("{location:?}").contains("secret"));
        assert_eq!(
            location.to_string(),
            "s3://ecabinet/bo-noi-vu at http://127.0.0.1:3900"
        );
    }

    #[test]
    fn bad_addresses_say_what_is_wrong() {
        let error = |given: &str, lookup: fn(&str) -> Option<String>| {
            S3Location::parse(given, lookup)
                .expect_err("an invalid address")
                .to_string()
        };
        assert!(error("s3://", keys).contains("name the bucket"));
        assert!(error("s3://b?endpoint=ftp://x", keys).contains("http:// or https://"));
        assert!(error("s3://b?colour=red", keys).contains("unknown setting colour"));
        assert!(error("s3://key:secret@b", keys).contains("keep the keys out"));
        assert!(error("s3://b", |_| None).contains("AWS_ACCESS_KEY_ID"));
        assert!(BlobsLocation::parse("gs://b").is_err());
        assert_eq!(
            BlobsLocation::parse("/srv/blobs").expect("a folder"),
            BlobsLocation::Folder("/srv/blobs".into())
        );
    }

    use super::super::BlobsLocation;
}
