//! Per-ecosystem package version ordering.
//!
//! Every scheme exposes `compare(a, b)`, a total order over all strings
//! (it never panics, whatever the input), so advisory ranges can be
//! evaluated on untrusted data. `npm` adds node-semver range matching.

pub mod alpine;
pub mod debian;
pub mod go;
pub mod maven;
pub mod npm;
mod num;
pub mod pep440;
pub mod rpm;
pub mod rubygems;
pub mod semver;

#[cfg(test)]
mod prop_support;
#[cfg(test)]
mod reference_tests;
