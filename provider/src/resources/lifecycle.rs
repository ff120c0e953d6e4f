//! The typed lifecycle a resource implements, and the one adapter that gives it the engine's
//! [`Resource`] surface.
//!
//! A resource states its token, its `Inputs` and computed `Outputs` as serde types, and what one
//! reading of AWS finds (`Observed`). The adapter does the protocol's part once for all of them:
//! decoding the checked inputs, the preview shell (the inputs echoed, every computed output unknown
//! with the kind the schema gives it, or kept from the state), the settling of a failed operation
//! into Failed (nothing exists) or Partial (what exists, for the engine to record), and encoding the
//! outputs as the inputs plus the computed ones.

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{CheckRequest, CheckResult, Created, DiffRequest, ReadResult, Resource};
use crate::config::ProviderConfig;
use crate::context::Context;
use crate::diff::{diff_replacing, Diff};
use crate::error::{ProviderError, ResourceError, Result};
use crate::schema;
use crate::value::{Object, Value};

/// Why a create or update stopped.
pub enum Stop {
    /// The name belongs to something that is not this resource: nothing of it exists, and nothing is
    /// recorded.
    NotOurs(ProviderError),
    Failed(ProviderError),
}

impl From<ProviderError> for Stop {
    fn from(e: ProviderError) -> Self {
        Stop::Failed(e)
    }
}

/// How a create or update ended: with what AWS has when the steps already read it, or `None` for
/// the adapter to read it.
pub type Converged<O> = std::result::Result<Option<O>, Stop>;

/// A recorded state, decoded: the inputs it echoes and the computed outputs.
pub struct State<I, O> {
    pub inputs: I,
    pub outputs: O,
}

#[async_trait]
pub trait CustomResource: Send + Sync + 'static {
    const TOKEN: &'static str;
    type Inputs: DeserializeOwned + Send + Sync;
    /// The outputs only AWS can tell, without the inputs (the adapter echoes those beside them).
    type Outputs: Serialize + DeserializeOwned + Default + Send + Sync;
    /// What one reading of AWS finds: outputs, the inputs as AWS has them, and settling follow from it.
    type Observed: Send + Sync;

    /// Validates the inputs and fills the schema's defaults; never calls AWS (it runs at preview).
    fn check(&self, req: CheckRequest<'_>) -> CheckResult {
        let mut inputs = req.news.as_object().cloned().unwrap_or_default();
        schema::fill_defaults(Self::TOKEN, &mut inputs);
        CheckResult::judged(Value::Object(inputs), |v, f| {
            decode_judged::<Self::Inputs>(Self::TOKEN, v, f);
        })
    }

    /// The changed inputs, replacing where the schema says so, against the old inputs under the one
    /// rule of [`DiffRequest::sent_old_inputs`].
    fn diff(&self, req: DiffRequest<'_>) -> Result<Diff> {
        let old = req
            .sent_old_inputs()
            .map_or_else(|| schema::only_inputs(Self::TOKEN, req.olds), Clone::clone);
        Ok(diff_replacing(
            &old,
            req.news,
            &schema::replace_paths(Self::TOKEN),
        ))
    }

    /// The resource ID the inputs give, known at preview.
    fn id(&self, inputs: &Self::Inputs) -> String;

    /// Computed outputs the inputs already tell at preview (`given` with its unknowns); the others
    /// are unknown, or kept from the state on an update.
    fn preview_known(&self, _given: &Value) -> Object {
        Object::new()
    }

    /// An error with what the user can do about it, where the resource knows.
    fn explain(&self, e: ProviderError) -> ProviderError {
        e
    }

    async fn create(&self, ctx: &Context, inputs: &Self::Inputs) -> Converged<Self::Observed>;

    /// `olds` is the state as recorded.
    async fn update(
        &self,
        ctx: &Context,
        id: &str,
        olds: &Value,
        news: &Self::Inputs,
    ) -> Converged<Self::Observed>;

    /// What AWS has of the resource the inputs declare.
    async fn observe(&self, ctx: &Context, inputs: &Self::Inputs) -> Result<Self::Observed>;

    /// What AWS has of resource `id`; `given` are the inputs known (none on import). `None` when
    /// nothing of it exists.
    async fn read(
        &self,
        ctx: &Context,
        id: &str,
        given: &Value,
    ) -> Result<Option<(Value, Self::Observed)>>;

    async fn delete(
        &self,
        ctx: &Context,
        id: &str,
        olds: State<Self::Inputs, Self::Outputs>,
    ) -> Result<()>;

    fn exists(&self, observed: &Self::Observed) -> bool;

    /// The computed outputs of what AWS has.
    fn outputs(&self, observed: &Self::Observed, inputs: &Self::Inputs) -> Self::Outputs;

    /// The inputs as AWS has them, from those `given`: what a partial failure records, so that the
    /// next diff sees what is left to do.
    fn observed_inputs(
        &self,
        observed: &Self::Observed,
        given: &Value,
        config: &ProviderConfig,
    ) -> Value;

    /// The computed outputs known without reading AWS (when the reading after a failure failed too):
    /// what the next diff needs to ask for an Update that looks again.
    fn unobserved(&self, inputs: &Self::Inputs) -> Self::Outputs;
}

/// Decodes checked inputs: secrets unwrapped, unknowns (preview) left out.
pub fn decode<T: DeserializeOwned>(token: &str, v: &Value) -> Result<T> {
    let resource = token.rsplit(':').next().unwrap_or(token);
    v.decode_known()
        .map_err(|e| ProviderError::Invalid(format!("invalid {resource} inputs: {e}")))
}

/// Judges what every resource's Check refuses alike: keys the schema does not list, required keys
/// absent, values of the wrong type (each named). Returns the typed inputs for the resource's own
/// rules, or `None` when they do not decode.
pub fn decode_judged<T: DeserializeOwned>(
    token: &str,
    inputs: &Value,
    f: &mut crate::check::Failures,
) -> Option<T> {
    let obj = inputs.as_object().cloned().unwrap_or_default();
    f.reject_unknown_keys(token, &obj);
    let required = schema::required_inputs(token);
    f.require_present(
        &obj,
        &required.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    match inputs.decode_known::<T>() {
        Ok(typed) => Some(typed),
        Err(_) => {
            f.name_wrong_types(&obj, |alone| alone.decode_known::<T>().map(|_| ()));
            None
        }
    }
}

/// The outputs as the engine records them: the inputs, then the computed outputs, nulls left out.
pub(crate) fn encode<O: Serialize>(inputs: &Value, outputs: &O) -> Value {
    let mut all = inputs.as_object().cloned().unwrap_or_default();
    let computed = serde_json::to_value(outputs).expect("outputs are plain data");
    if let Some(computed) = Value::from_json(&computed).as_object() {
        all.extend(computed.clone());
    }
    Value::Object(all).without_nulls()
}

/// At preview: the inputs, and each computed output known from them, kept from the state, or
/// unknown.
pub(crate) fn preview<R: CustomResource>(
    resource: &R,
    given: &Value,
    olds: Option<&Value>,
) -> Value {
    let mut out = given.as_object().cloned().unwrap_or_default();
    let known = resource.preview_known(given);
    for (key, kind) in schema::computed_outputs(R::TOKEN) {
        let value = known.get(&key).cloned().unwrap_or_else(|| {
            olds.and_then(|o| o.get(&key))
                .filter(|v| !v.is_null())
                .cloned()
                .unwrap_or(Value::Unknown(kind))
        });
        out.insert(key, value);
    }
    Value::Object(out)
}

/// Reads AWS after an operation that did not already; a failure still reports what exists, with the
/// inputs as AWS has them, for the engine to record. Nothing existing means a plain failure.
async fn settle<R: CustomResource>(
    resource: &R,
    ctx: &Context,
    id: &str,
    given: &Value,
    inputs: &R::Inputs,
    converged: Converged<R::Observed>,
) -> std::result::Result<Value, ResourceError> {
    let result = match converged {
        Ok(Some(observed)) => return Ok(encode(given, &resource.outputs(&observed, inputs))),
        Ok(None) => Ok(()),
        Err(Stop::NotOurs(e)) => return Err(ResourceError::Failed(e)),
        Err(Stop::Failed(e)) => Err(e),
    };
    let observed = resource.observe(ctx, inputs).await;
    let unobserved = || encode(given, &resource.unobserved(inputs));
    match (result, observed) {
        (Ok(()), Ok(observed)) => Ok(encode(given, &resource.outputs(&observed, inputs))),
        (Ok(()), Err(e)) => Err(ResourceError::Partial {
            id: id.to_string(),
            outputs: unobserved(),
            reasons: vec![resource.explain(e).to_string()],
        }),
        (Err(e), Ok(observed)) if !resource.exists(&observed) => {
            Err(ResourceError::Failed(resource.explain(e)))
        }
        (Err(e), observed) => Err(ResourceError::Partial {
            id: id.to_string(),
            outputs: observed
                .map(|o| {
                    let as_in_aws = resource.observed_inputs(&o, given, &ctx.config);
                    encode(&as_in_aws, &resource.outputs(&o, inputs))
                })
                .unwrap_or_else(|_| unobserved()),
            reasons: vec![format!(
                "{}; run `pulumi up` again to finish from what exists",
                resource.explain(e)
            )],
        }),
    }
}

fn invalid(e: ProviderError) -> ResourceError {
    ResourceError::Failed(e)
}

fn non_empty(v: &Value) -> bool {
    v.as_object().is_some_and(|o| !o.is_empty())
}

#[async_trait]
impl<R: CustomResource> Resource for R {
    fn token(&self) -> &'static str {
        R::TOKEN
    }

    fn check(&self, req: CheckRequest<'_>) -> CheckResult {
        CustomResource::check(self, req)
    }

    fn diff(&self, req: DiffRequest<'_>) -> Result<Diff> {
        CustomResource::diff(self, req)
    }

    async fn create(
        &self,
        ctx: &Context,
        given: &Value,
    ) -> std::result::Result<Created, ResourceError> {
        let inputs: R::Inputs = decode(R::TOKEN, given).map_err(invalid)?;
        let id = self.id(&inputs);
        if ctx.preview {
            let outputs = preview(self, given, None);
            return Ok(Created { id, outputs });
        }
        let converged = CustomResource::create(self, ctx, &inputs).await;
        let outputs = settle(self, ctx, &id, given, &inputs, converged).await?;
        Ok(Created { id, outputs })
    }

    async fn read(
        &self,
        ctx: &Context,
        id: &str,
        state: &Value,
        inputs: &Value,
    ) -> std::result::Result<Option<ReadResult>, ResourceError> {
        // On import there is nothing but the id.
        let given = if non_empty(inputs) {
            inputs.clone()
        } else if non_empty(state) {
            schema::only_inputs(R::TOKEN, state)
        } else {
            Value::Object(Object::new())
        };
        let Some((new_inputs, observed)) = CustomResource::read(self, ctx, id, &given).await?
        else {
            return Ok(None);
        };
        let typed: R::Inputs = decode(R::TOKEN, &new_inputs).map_err(invalid)?;
        Ok(Some(ReadResult {
            id: id.to_string(),
            outputs: encode(&new_inputs, &self.outputs(&observed, &typed)),
            inputs: new_inputs,
        }))
    }

    async fn update(
        &self,
        ctx: &Context,
        id: &str,
        olds: &Value,
        news: &Value,
    ) -> std::result::Result<Value, ResourceError> {
        let inputs: R::Inputs = decode(R::TOKEN, news).map_err(invalid)?;
        if ctx.preview {
            return Ok(preview(self, news, Some(olds)));
        }
        let converged = CustomResource::update(self, ctx, id, olds, &inputs).await;
        settle(self, ctx, id, news, &inputs, converged).await
    }

    async fn delete(&self, ctx: &Context, id: &str, olds: &Value) -> Result<()> {
        let state = State {
            inputs: decode(R::TOKEN, olds)?,
            // A state this resource did not write records no outputs.
            outputs: olds.decode_known().unwrap_or_default(),
        };
        CustomResource::delete(self, ctx, id, state).await
    }
}
