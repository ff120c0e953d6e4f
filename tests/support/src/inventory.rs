//! What the emulator holds, as one line per object, for tests that check nothing is left behind or
//! made twice.

use std::collections::BTreeMap;

use serde_json::Value as Json;

/// Everything in the emulator's inventory (`Emulator::inventory`) that a resource made, as
/// `kind[@region] name`, sorted. Left out: the test's own hosted zone `fixture_zone` with its SOA and
/// NS records, and automated backups, which belong to their cluster and go with it.
pub fn objects(inv: &Json, fixture_zone: &str) -> Vec<String> {
    let list = |v: &Json| v.as_array().cloned().unwrap_or_default();
    let s = |v: &Json, k: &str| v[k].as_str().unwrap_or_default().to_string();
    let mut out = Vec::new();
    for g in list(&inv["rds"]["global_clusters"]) {
        out.push(format!("rds.global_cluster {}", s(&g, "id")));
    }
    for (key, kind) in [("clusters", "cluster"), ("instances", "instance")] {
        for c in list(&inv["rds"][key]) {
            out.push(format!("rds.{kind}@{} {}", s(&c, "region"), s(&c, "id")));
        }
    }
    for c in list(&inv["rds"]["cluster_snapshots"]) {
        if s(&c, "type") != "automated" {
            out.push(format!("rds.snapshot@{} {}", s(&c, "region"), s(&c, "id")));
        }
    }
    for z in list(&inv["route53"]["hosted_zones"]) {
        let zone = s(&z, "name");
        let fixture = zone.trim_end_matches('.') == fixture_zone.trim_end_matches('.');
        if !fixture {
            out.push(format!("route53.zone {zone}"));
        }
        for r in list(&z["records"]) {
            let ty = s(&r, "type");
            if fixture && (ty == "SOA" || ty == "NS") {
                continue;
            }
            out.push(format!(
                "route53.record {} {ty} {}",
                s(&r, "name"),
                s(&r, "set_identifier")
            ));
        }
    }
    for h in list(&inv["route53"]["health_checks"]) {
        out.push(format!("route53.health_check {}", s(&h, "id")));
    }
    for t in list(&inv["dynamodb"]["tables"]) {
        out.push(format!(
            "dynamodb.table@{} {}",
            s(&t, "region"),
            s(&t, "name")
        ));
    }
    for b in list(&inv["s3"]["buckets"]) {
        out.push(format!("s3.bucket@{} {}", s(&b, "region"), s(&b, "name")));
    }
    for r in list(&inv["iam"]["roles"]) {
        out.push(format!("iam.role {}", s(&r, "name")));
    }
    out.sort();
    out
}

/// How many objects of each kind (`kind[@region]`).
pub fn counts(objects: &[String]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for o in objects {
        let kind = o.split(' ').next().unwrap_or_default().to_string();
        *out.entry(kind).or_insert(0) += 1;
    }
    out
}
