//! A remote component: dr-engine calls the component provider's Construct with its own monitor
//! address and serves the nested registrations (the component, and a DnsFailover child through the
//! real multiregion-dr plugin) while Construct waits; then a method Call whose implementation reads
//! the component back through the built-in getResource invoke. The component provider is a small
//! plugin on the real Python provider SDK (testdata/comp-provider), found on PATH.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::{hosted_zone, python, repo, route53_records, Stack};
use dr_test_support::Emulator;

#[tokio::test(flavor = "multi_thread")]
async fn construct_serves_nested_registrations_and_call_reaches_the_component() {
    let emu = Emulator::start().await;
    let zone = hosted_zone(&emu, "example.com").await;
    let mut stack = Stack::new("node-remote", &emu);
    stack.config.push(("zoneId".into(), zone));

    // The component plugin, on PATH as pulumi-resource-drtestcomp.
    let plugins = stack.scratch.0.join("plugins");
    std::fs::create_dir_all(&plugins).unwrap();
    for file in ["pulumi-resource-drtestcomp", "drtestcomp_provider.py"] {
        std::fs::copy(
            repo()
                .join("tests/engine/testdata/comp-provider")
                .join(file),
            plugins.join(file),
        )
        .unwrap();
    }
    std::fs::set_permissions(
        plugins.join("pulumi-resource-drtestcomp"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let path = format!(
        "{}:{}",
        plugins.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    stack.env.push(("PATH".into(), path));
    stack
        .env
        .push(("DRTESTCOMP_PYTHON".into(), python().display().to_string()));

    let preview = stack.run("preview", &[]).await;
    preview.assert_ok();
    assert_eq!(
        preview.steps(),
        [
            ("create".into(), "pair".into()),
            ("create".into(), "pair-dns".into())
        ],
        "{}",
        preview.describe()
    );

    let up = stack.run("up", &[]).await;
    up.assert_ok();
    let outputs = &up.summary["outputs"];
    assert_eq!(outputs["label"], "p-pair", "{}", up.describe());
    assert!(
        outputs["childId"].as_str().is_some_and(|s| !s.is_empty()),
        "{outputs}"
    );
    assert_eq!(outputs["described"], "p-pair!", "{}", up.describe());
    // The child is parented to the component the provider registered with the same type and name.
    let child = up
        .state_resource("pair-dns")
        .expect("the component's child");
    assert_eq!(
        child["urn"],
        "urn:pulumi:dev::drtest-remote::drtestcomp:index:Pair$multiregion-dr:index:DnsFailover::pair-dns"
    );
    assert_eq!(
        child["parent"],
        "urn:pulumi:dev::drtest-remote::drtestcomp:index:Pair::pair"
    );
    assert_eq!(route53_records(&emu).await.0.len(), 2);

    let again = stack.run("up", &["--expect-no-changes"]).await;
    again.assert_ok();

    let destroy = stack.run("destroy", &[]).await;
    destroy.assert_ok();
    assert_eq!(
        destroy.steps(),
        [
            ("delete".into(), "pair-dns".into()),
            ("delete".into(), "pair".into())
        ],
        "{}",
        destroy.describe()
    );
    assert_eq!(route53_records(&emu).await, (vec![], 0));
}
