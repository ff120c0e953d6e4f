//! The command line. The end-to-end tests depend on it exactly; see USAGE.

use std::path::PathBuf;

use crate::deployment::Operation;
use crate::project::parse_pair;

pub const USAGE: &str = "\
dr-engine: a stand-in for the Pulumi engine (test tool)

usage: dr-engine <preview|up|refresh|destroy> [options]
  --cwd DIR                  program dir containing Pulumi.yaml (default .)
  --stack NAME               default \"dev\"
  --state FILE               default <cwd>/.dr-engine/<stack>.json
  --config KEY=VALUE         repeatable, overrides Pulumi.<stack>.yaml (KEY \"ns:key\", or bare key = project ns)
  --secret-config KEY=VALUE  repeatable, same but marked secret
  --plugin PATH              the provider binary for package multiregion-dr
  --python PATH              interpreter for python programs
  --parallel N               default 4
  --events FILE              JSON lines of every event
  --summary FILE             JSON summary of the run
  --expect-no-changes        fail (exit 1) if any step is not \"same\"

exit codes: 0 success, 1 failure, 2 bad usage
environment: DR_ENGINE_VERBOSE=1 also prints debug and status messages and plugin stderr;
             DR_ENGINE_PLUGIN_VERBOSITY=N launches plugins with -v=N;
             RUST_LOG=dr_engine=debug traces the engine itself (to stderr)";

#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub operation: Operation,
    pub cwd: PathBuf,
    pub stack: String,
    pub state: PathBuf,
    pub config: Vec<(String, String)>,
    pub secret_config: Vec<(String, String)>,
    pub plugin: Option<PathBuf>,
    pub python: Option<PathBuf>,
    pub parallel: usize,
    pub events: Option<PathBuf>,
    pub summary: Option<PathBuf>,
    pub expect_no_changes: bool,
}

#[derive(Debug, PartialEq)]
pub enum Command {
    Help,
    Run(Box<Options>),
}

pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut args = args.into_iter().peekable();
    let mut operation = None;
    let mut cwd = PathBuf::from(".");
    let mut stack = "dev".to_string();
    let mut state = None;
    let mut config = Vec::new();
    let mut secret_config = Vec::new();
    let mut plugin = None;
    let mut python = None;
    let mut parallel = 4usize;
    let mut events = None;
    let mut summary = None;
    let mut expect_no_changes = false;

    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = || -> Result<String, String> {
            match &inline {
                Some(v) => Ok(v.clone()),
                None => args.next().ok_or_else(|| format!("{flag} needs a value")),
            }
        };
        match flag.as_str() {
            "-h" | "--help" | "help" => return Ok(Command::Help),
            "--cwd" => cwd = PathBuf::from(value()?),
            "--stack" => stack = value()?,
            "--state" => state = Some(PathBuf::from(value()?)),
            "--config" => config.push(parse_pair(&value()?)?),
            "--secret-config" => secret_config.push(parse_pair(&value()?)?),
            "--plugin" => plugin = Some(PathBuf::from(value()?)),
            "--python" => python = Some(PathBuf::from(value()?)),
            "--parallel" => {
                let v = value()?;
                parallel = v
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("--parallel needs a positive number, got '{v}'"))?;
            }
            "--events" => events = Some(PathBuf::from(value()?)),
            "--summary" => summary = Some(PathBuf::from(value()?)),
            "--expect-no-changes" => expect_no_changes = true,
            other if other.starts_with('-') => return Err(format!("unknown option '{other}'")),
            other => {
                if operation.is_some() {
                    return Err(format!("unexpected argument '{other}'"));
                }
                operation = Some(Operation::parse(other).ok_or_else(|| {
                    format!("unknown operation '{other}' (preview, up, refresh or destroy)")
                })?);
            }
        }
    }
    let operation = operation.ok_or("missing operation (preview, up, refresh or destroy)")?;
    let cwd = std::path::absolute(&cwd).map_err(|e| format!("--cwd {}: {e}", cwd.display()))?;
    let state = match state {
        Some(s) => std::path::absolute(&s).map_err(|e| format!("--state: {e}"))?,
        None => cwd.join(".dr-engine").join(format!("{stack}.json")),
    };
    Ok(Command::Run(Box::new(Options {
        operation,
        cwd,
        stack,
        state,
        config,
        secret_config,
        plugin: plugin.map(|p| std::path::absolute(&p).unwrap_or(p)),
        python,
        parallel,
        events,
        summary,
        expect_no_changes,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn the_contract_flags_parse() {
        let Command::Run(o) = parse(args(
            "up --cwd /p --stack prod --config a=1 --config multiregion-dr:x=y=z --secret-config pw=s --plugin /bin/p --python /py --parallel=2 --events /e --summary /s --expect-no-changes",
        ))
        .unwrap() else {
            panic!("not a run")
        };
        assert_eq!(o.operation, Operation::Up);
        assert_eq!(o.cwd, PathBuf::from("/p"));
        assert_eq!(o.stack, "prod");
        assert_eq!(o.state, PathBuf::from("/p/.dr-engine/prod.json"));
        assert_eq!(
            o.config,
            vec![
                ("a".into(), "1".into()),
                ("multiregion-dr:x".into(), "y=z".into())
            ]
        );
        assert_eq!(o.secret_config, vec![("pw".into(), "s".into())]);
        assert_eq!(o.parallel, 2);
        assert!(o.expect_no_changes);
    }

    #[test]
    fn defaults_and_errors() {
        let Command::Run(o) = parse(args("preview")).unwrap() else {
            panic!("not a run")
        };
        assert_eq!(o.stack, "dev");
        assert_eq!(o.parallel, 4);
        assert!(o.state.ends_with(".dr-engine/dev.json"));
        assert!(parse(args("deploy")).is_err());
        assert!(parse(args("up --parallel 0")).is_err());
        assert!(parse(args("up --config novalue")).is_err());
        assert!(parse(args("up --bogus")).is_err());
        assert!(parse(args("--cwd x")).is_err());
        assert_eq!(parse(args("--help")).unwrap(), Command::Help);
    }
}
