//! The two regions of a disaster-recovery pair as one type, so that every piece of per-region work is
//! written once and runs for both regions concurrently.

use std::fmt;
use std::future::Future;

use serde::{Deserialize, Serialize};

/// Which side of the pair. The writer may move between them (switchover); the role names are about the
/// configuration, not about who writes right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Primary,
    Secondary,
}

impl Role {
    pub const BOTH: [Role; 2] = [Role::Primary, Role::Secondary];

    pub fn other(self) -> Role {
        match self {
            Role::Primary => Role::Secondary,
            Role::Secondary => Role::Primary,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Primary => "primary",
            Role::Secondary => "secondary",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "primary" => Some(Role::Primary),
            "secondary" => Some(Role::Secondary),
            _ => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One value per region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Regions<T> {
    pub primary: T,
    pub secondary: T,
}

impl<T> Regions<T> {
    pub fn new(primary: T, secondary: T) -> Self {
        Regions { primary, secondary }
    }

    /// Builds both sides from one function of the role.
    pub fn from_fn(mut f: impl FnMut(Role) -> T) -> Self {
        Regions {
            primary: f(Role::Primary),
            secondary: f(Role::Secondary),
        }
    }

    pub fn get(&self, role: Role) -> &T {
        match role {
            Role::Primary => &self.primary,
            Role::Secondary => &self.secondary,
        }
    }

    pub fn get_mut(&mut self, role: Role) -> &mut T {
        match role {
            Role::Primary => &mut self.primary,
            Role::Secondary => &mut self.secondary,
        }
    }

    pub fn as_ref(&self) -> Regions<&T> {
        Regions {
            primary: &self.primary,
            secondary: &self.secondary,
        }
    }

    pub fn map<U>(self, mut f: impl FnMut(Role, T) -> U) -> Regions<U> {
        Regions {
            primary: f(Role::Primary, self.primary),
            secondary: f(Role::Secondary, self.secondary),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (Role, &T)> {
        [
            (Role::Primary, &self.primary),
            (Role::Secondary, &self.secondary),
        ]
        .into_iter()
    }

    /// Runs one future per region concurrently and waits for both.
    /// Takes the pair by value: call it on `regions.as_ref()` to borrow, so the futures may hold
    /// references with the caller's lifetime.
    pub async fn join<F, Fut, U>(self, f: F) -> Regions<U>
    where
        F: Fn(Role, T) -> Fut,
        Fut: Future<Output = U>,
    {
        let (primary, secondary) = futures::join!(
            f(Role::Primary, self.primary),
            f(Role::Secondary, self.secondary)
        );
        Regions { primary, secondary }
    }

    /// Runs one fallible future per region concurrently. Both run to completion even when one fails,
    /// so the caller always learns what the other region did (needed to report partial state).
    pub async fn try_join<F, Fut, U, E>(self, f: F) -> Result<Regions<U>, E>
    where
        F: Fn(Role, T) -> Fut,
        Fut: Future<Output = Result<U, E>>,
    {
        self.join(f).await.transpose()
    }
}

impl<T, E> Regions<Result<T, E>> {
    /// Splits per-region results into the successes and the first error, keeping both.
    pub fn transpose(self) -> Result<Regions<T>, E> {
        Ok(Regions {
            primary: self.primary?,
            secondary: self.secondary?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[tokio::test]
    async fn join_runs_both_regions_concurrently() {
        let regions = Regions::new("us-east-1", "us-east-2");
        let start = Instant::now();
        let out = regions
            .join(|role, name| async move {
                tokio::time::sleep(Duration::from_millis(200)).await;
                format!("{role}:{name}")
            })
            .await;
        assert!(
            start.elapsed() < Duration::from_millis(390),
            "took {:?}",
            start.elapsed()
        );
        assert_eq!(out.primary, "primary:us-east-1");
        assert_eq!(out.secondary, "secondary:us-east-2");
    }

    #[tokio::test]
    async fn try_join_reports_the_error_of_either_side() {
        let regions = Regions::new(1, 2);
        let res: Result<Regions<i32>, String> = regions
            .try_join(|role, n| async move {
                match role {
                    Role::Secondary => Err(format!("{role} failed")),
                    Role::Primary => Ok(n),
                }
            })
            .await;
        assert_eq!(res.unwrap_err(), "secondary failed");
    }

    #[test]
    fn roles_parse_and_swap() {
        assert_eq!(Role::parse("secondary"), Some(Role::Secondary));
        assert_eq!(Role::parse("Primary"), None);
        assert_eq!(Role::Primary.other(), Role::Secondary);
        let r = Regions::from_fn(|role| role.as_str().len());
        assert_eq!(*r.get(Role::Secondary), 9);
    }
}
