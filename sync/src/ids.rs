//! Newtype identifiers. Every document is addressed by a UUID minted where it is born (on a
//! device, offline too), so there are no temporary IDs and nothing to swap on sync.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh random identifier.
            pub fn new() -> Self {
                Self(Uuid::new_v4())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

uuid_id!(
    /// A document (work order, device record, site, template, knowledge article).
    DocId
);
uuid_id!(
    /// A user account (engineer, dispatcher, supervisor, admin).
    UserId
);
uuid_id!(
    /// One installation of the app (one local store); owns its Automerge actor IDs.
    DeviceId
);

/// The kinds of document fieldsync knows. Stored in every document's `doc_type` field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    WorkOrder,
    Device,
    Site,
    ChecklistTemplate,
    Knowledge,
}

impl DocKind {
    pub const ALL: [DocKind; 5] = [
        DocKind::WorkOrder,
        DocKind::Device,
        DocKind::Site,
        DocKind::ChecklistTemplate,
        DocKind::Knowledge,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::WorkOrder => "work_order",
            DocKind::Device => "device",
            DocKind::Site => "site",
            DocKind::ChecklistTemplate => "checklist_template",
            DocKind::Knowledge => "knowledge",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for DocKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Roles decide what a user may change (see [`crate::policy`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Engineer,
    Dispatcher,
    Supervisor,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Engineer => "engineer",
            Role::Dispatcher => "dispatcher",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Role::Engineer,
            Role::Dispatcher,
            Role::Supervisor,
            Role::Admin,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Milliseconds since the Unix epoch. Device-clock stamps in documents use this unit.
pub type TimestampMs = i64;
