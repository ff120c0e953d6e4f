//! Distribution metadata: README, pulumi-plugin.json, pyproject.toml or setup.py.

use std::collections::BTreeMap;

use crate::code::{ln, Code};
use crate::model::Package;

use super::{PyCtx, PULUMI_REQUIREMENT, PYTHON_REQUIRES};

pub fn readme(pkg: &Package) -> String {
    let mut text = pkg.python.readme.clone().unwrap_or_default();
    if text.is_empty() {
        text = pkg.description.clone();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        if let Some(a) = &pkg.attribution {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(a);
        }
    }
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

pub fn plugin_json(pkg: &Package) -> String {
    let mut fields = vec![
        "  \"resource\": true".to_string(),
        format!("  \"name\": {}", crate::code::json_str(&pkg.name)),
    ];
    if let Some(v) = pkg.python_version() {
        fields.push(format!("  \"version\": {}", crate::code::json_str(v)));
    }
    if let Some(url) = &pkg.plugin_download_url {
        fields.push(format!("  \"server\": {}", crate::code::json_str(url)));
    }
    format!("{{\n{}\n}}\n", fields.join(",\n"))
}

/// The distribution's requirements: the schema's, plus what the generated code imports.
fn requirements(pkg: &Package) -> Vec<String> {
    let mut requires: BTreeMap<String, String> = pkg.python.requires.clone();
    requires
        .entry("pulumi".to_string())
        .or_insert_with(|| PULUMI_REQUIREMENT.to_string());
    requires.insert("semver".to_string(), ">=2.8.1".to_string());
    requires.insert("parver".to_string(), ">=0.2.1".to_string());
    requires.insert(
        "typing-extensions".to_string(),
        ">=4.11,<5; python_version < \"3.11\"".to_string(),
    );
    requires
        .into_iter()
        .map(|(k, v)| format!("{k}{v}"))
        .collect()
}

/// PEP 440 form of a semver version. The first pre-release identifier becomes a PEP 440
/// pre-release when it is one in disguise (`alpha1` → `a1`, `rc2`, `dev3` → `.dev3`); anything
/// else is kept as a local version (`1.2.3-foo.1` → `1.2.3+foo.1`), as gen-sdk does.
pub fn pep440(version: &str) -> String {
    let (core, build) = match version.split_once('+') {
        Some((c, b)) => (c, Some(b)),
        None => (version, None),
    };
    let (release, pre) = match core.split_once('-') {
        Some((r, p)) => (r, Some(p)),
        None => (core, None),
    };
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let mut out = release.to_string();
    let mut local: Vec<&str> = Vec::new();
    if let Some(pre) = pre {
        let mut parts = pre.split('.');
        let first = parts.next().unwrap_or_default();
        let translated = [
            ("alpha", "a"),
            ("beta", "b"),
            ("a", "a"),
            ("b", "b"),
            ("rc", "rc"),
        ]
        .iter()
        .find_map(|(from, to)| {
            first
                .strip_prefix(from)
                .filter(|n| digits(n))
                .map(|n| format!("{to}{n}"))
        })
        .or_else(|| {
            first
                .strip_prefix("dev")
                .filter(|n| digits(n))
                .map(|n| format!(".dev{n}"))
        })
        .or_else(|| {
            first
                .strip_prefix("post")
                .filter(|n| digits(n))
                .map(|n| format!(".post{n}"))
        });
        match translated {
            Some(t) => out.push_str(&t),
            None => local.push(first),
        }
        local.extend(parts);
    }
    if let Some(b) = build {
        local.extend(b.split('.'));
    }
    if !local.is_empty() {
        out.push('+');
        out.push_str(&local.join("."));
    }
    out
}

fn toml_str(s: &str) -> String {
    crate::code::json_str(s)
}

fn toml_list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|s| toml_str(s)).collect();
    format!("[{}]", items.join(", "))
}

pub fn pyproject(pkg: &Package, pkg_name: &str) -> String {
    let mut c = Code::new();
    ln!(c, "[project]");
    ln!(c, "  name = {}", toml_str(pkg_name));
    let description = pkg.description.lines().next().unwrap_or_default();
    if !description.is_empty() {
        ln!(c, "  description = {}", toml_str(description));
    }
    ln!(c, "  dependencies = {}", toml_list(&requirements(pkg)));
    if !pkg.keywords.is_empty() {
        ln!(c, "  keywords = {}", toml_list(&pkg.keywords));
    }
    ln!(c, "  readme = \"README.md\"");
    let python = pkg
        .python
        .python_requires
        .clone()
        .unwrap_or_else(|| PYTHON_REQUIRES.to_string());
    ln!(c, "  requires-python = {}", toml_str(&python));
    let version = pkg
        .python_version()
        .map(pep440)
        .unwrap_or_else(|| "0.0.0".to_string());
    ln!(c, "  version = {}", toml_str(&version));
    if let Some(license) = &pkg.license {
        ln!(c, "  [project.license]");
        ln!(c, "    text = {}", toml_str(license));
    }
    if pkg.homepage.is_some() || pkg.repository.is_some() {
        ln!(c, "  [project.urls]");
        if let Some(h) = &pkg.homepage {
            ln!(c, "    Homepage = {}", toml_str(h));
        }
        if let Some(r) = &pkg.repository {
            ln!(c, "    Repository = {}", toml_str(r));
        }
    }
    ln!(c);
    ln!(c, "[build-system]");
    ln!(c, "  requires = [\"setuptools>=61.0\"]");
    ln!(c, "  build-backend = \"setuptools.build_meta\"");
    ln!(c);
    ln!(c, "[tool]");
    ln!(c, "  [tool.setuptools]");
    ln!(c, "    [tool.setuptools.package-data]");
    ln!(
        c,
        "      {pkg_name} = [\"py.typed\", \"pulumi-plugin.json\"]"
    );
    c.finish()
}

pub fn setup_py(pkg: &Package, pkg_name: &str) -> String {
    let mut c = Code::new();
    PyCtx {
        pkg,
        pkg_name: pkg_name.to_string(),
        module: String::new(),
    }
    .header(&mut c);
    ln!(c, "from setuptools import setup, find_packages");
    ln!(c);
    ln!(c);
    let version = pkg
        .python_version()
        .map(pep440)
        .unwrap_or_else(|| "0.0.0".to_string());
    ln!(c, "VERSION = {version:?}");
    ln!(c);
    ln!(c);
    ln!(c, "def readme():");
    ln!(c, "    try:");
    ln!(c, "        with open('README.md', encoding='utf-8') as f:");
    ln!(c, "            return f.read()");
    ln!(c, "    except FileNotFoundError:");
    ln!(
        c,
        "        return \"{} Pulumi Package - Development Version\"",
        pkg.name
    );
    ln!(c);
    ln!(c);
    ln!(c, "setup(name='{pkg_name}',");
    let python = pkg
        .python
        .python_requires
        .clone()
        .unwrap_or_else(|| PYTHON_REQUIRES.to_string());
    ln!(c, "      python_requires='{python}',");
    ln!(c, "      version=VERSION,");
    if let Some(d) = pkg.description.lines().next().filter(|d| !d.is_empty()) {
        ln!(c, "      description={},", crate::code::json_str(d));
    }
    ln!(c, "      long_description=readme(),");
    ln!(c, "      long_description_content_type='text/markdown',");
    if !pkg.keywords.is_empty() {
        ln!(c, "      keywords='{}',", pkg.keywords.join(" "));
    }
    if let Some(h) = &pkg.homepage {
        ln!(c, "      url='{h}',");
    }
    if let Some(r) = &pkg.repository {
        ln!(c, "      project_urls={{");
        ln!(c, "          'Repository': '{r}'");
        ln!(c, "      }},");
    }
    if let Some(l) = &pkg.license {
        ln!(c, "      license='{l}',");
    }
    ln!(c, "      packages=find_packages(),");
    ln!(c, "      package_data={{");
    ln!(c, "          '{pkg_name}': [");
    ln!(c, "              'py.typed',");
    ln!(c, "              'pulumi-plugin.json',");
    ln!(c, "          ]");
    ln!(c, "      }},");
    let reqs: Vec<String> = requirements(pkg).iter().map(|r| format!("'{r}'")).collect();
    ln!(c, "      install_requires=[");
    ln!(c, "          {}", reqs.join(",\n          "));
    ln!(c, "      ],");
    ln!(c, "      zip_safe=False)");
    c.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep440_versions() {
        assert_eq!(pep440("0.1.0"), "0.1.0");
        assert_eq!(pep440("1.2.3-alpha1"), "1.2.3a1");
        assert_eq!(pep440("1.2.3-rc2"), "1.2.3rc2");
        assert_eq!(pep440("1.2.3-dev4"), "1.2.3.dev4");
        assert_eq!(pep440("1.2.3-alpha.1"), "1.2.3+alpha.1");
        assert_eq!(pep440("1.2.3-foo.bar+sha.1"), "1.2.3+foo.bar.sha.1");
    }
}
