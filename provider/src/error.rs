//! Errors of the provider's domain: an AWS failure carries the region, the operation, AWS's error code
//! and, where we know one, what the user can do about it.

use std::fmt;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::value::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsFailure {
    pub region: String,
    pub operation: &'static str,
    /// AWS's error code, e.g. `InvalidDBClusterStateFault`; empty for transport failures.
    pub code: String,
    pub message: String,
}

impl fmt::Display for AwsFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = if self.code.is_empty() {
            "no error code"
        } else {
            &self.code
        };
        write!(
            f,
            "{} in {} failed ({code}): {}",
            self.operation, self.region, self.message
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("{0}")]
    Aws(AwsFailure),
    #[error("{0}")]
    Invalid(String),
    /// `next` says what the user can do: run the operation again, or give it more time.
    #[error("timed out after {seconds}s while {what}; {next}")]
    Timeout {
        what: String,
        seconds: f64,
        next: String,
    },
    #[error("cancelled while {0}")]
    Cancelled(String),
    #[error("{what}: {hint}")]
    Refused { what: String, hint: String },
    #[error("internal error: {0}")]
    Internal(String),
}

impl ProviderError {
    pub fn aws_code(&self) -> Option<&str> {
        match self {
            ProviderError::Aws(f) => Some(&f.code),
            _ => None,
        }
    }

    pub fn is_code(&self, code: &str) -> bool {
        self.aws_code() == Some(code)
    }

    /// Whether AWS said the thing does not exist (any of the services' spellings).
    pub fn is_not_found(&self) -> bool {
        self.aws_code().is_some_and(|c| {
            c.ends_with("NotFoundFault")
                || c.ends_with("NotFound")
                || c.starts_with("NoSuch")
                || c == "ResourceNotFoundException"
        })
    }
}

/// Converts an AWS SDK error, keeping the region and operation it happened in.
pub fn aws<E, R>(region: &str, operation: &'static str, err: SdkError<E, R>) -> ProviderError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: fmt::Debug,
{
    let (code, message) = match &err {
        SdkError::ServiceError(se) => (
            se.err().code().unwrap_or_default().to_string(),
            se.err()
                .message()
                .map(str::to_string)
                .unwrap_or_else(|| se.err().to_string()),
        ),
        SdkError::TimeoutError(_) => (
            "RequestTimeout".to_string(),
            "the request timed out".to_string(),
        ),
        other => (String::new(), describe_chain(other)),
    };
    ProviderError::Aws(AwsFailure {
        region: region.to_string(),
        operation,
        code,
        message,
    })
}

fn describe_chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// What a Create, Update or Read tells the engine when it fails.
#[derive(Debug)]
pub enum ResourceError {
    /// Nothing was created (Create) or nothing changed that the state does not know (Update).
    Failed(ProviderError),
    /// Something exists in AWS: the engine must record it (ErrorResourceInitFailed) so that the next
    /// `pulumi up` resumes and `pulumi destroy` removes it.
    Partial {
        id: String,
        outputs: Value,
        reasons: Vec<String>,
    },
}

impl From<ProviderError> for ResourceError {
    fn from(e: ProviderError) -> Self {
        ResourceError::Failed(e)
    }
}

impl fmt::Display for ResourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResourceError::Failed(e) => write!(f, "{e}"),
            ResourceError::Partial { reasons, .. } => write!(f, "{}", reasons.join("; ")),
        }
    }
}

pub type Result<T, E = ProviderError> = std::result::Result<T, E>;
